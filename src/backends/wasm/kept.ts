// Blocks a wasm backend keeps beside a buffer, derived from its contents (WasmContext.kept:
// inference's Winograd-transformed filters and the dense way's gathered weights). A block is valid
// while the buffer's version is the one it was made from; the backend bumps the version wherever
// the contents may change (write(), a kernel taking the buffer by ptr() or out()) and then frees
// the block at once, so a stale one never holds memory through training. Keyed by the buffer object, so a freed pointer reused by
// a new buffer starts with nothing kept.
import type { WasmHeap } from './memory.ts';

/** What the backend needs of a buffer: its contents' version. */
export interface Versioned { version: number }

interface Block { key: string; version: number; ptr: number; bytes: number }

export class KeptBlocks<B extends Versioned & object> {
  private readonly blocks = new WeakMap<B, Block>();

  constructor(private readonly heap: WasmHeap) {}

  /** The block `key` of `bytes` for buf's current contents: kept, or allocated and filled by
   *  make(at). Another key replaces the buffer's block. */
  get(buf: B, key: string, bytes: number, make: (at: number) => void): number {
    const k = this.blocks.get(buf);
    if (k && k.key === key && k.bytes === bytes && k.version === buf.version) return k.ptr;
    this.drop(buf);
    const ptr = this.heap.alloc(bytes, false);
    try {
      make(ptr);
    } catch (e) {
      // No block that looks valid is left behind.
      this.heap.release(ptr);
      throw e;
    }
    this.blocks.set(buf, { key, version: buf.version, ptr, bytes });
    return ptr;
  }

  /** Marks buf's contents as possibly changed: its version moves on and its block is freed. */
  changed(buf: B): void {
    buf.version++;
    this.drop(buf);
  }

  /** Frees buf's block, if any (the buffer is disposed, or its contents changed). */
  drop(buf: B): void {
    const k = this.blocks.get(buf);
    if (!k) return;
    this.heap.release(k.ptr);
    this.blocks.delete(buf);
  }
}
