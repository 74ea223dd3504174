// The host-side allocator over the wasm module's imported memory. Blocks are 64-byte aligned and
// sized by class (64-byte steps up to 4 KiB, then eight steps per power of two), carved from a bump
// pointer above the module's static data; a freed block goes on its class's free list and the next
// request of that class reuses it, so a training loop that allocates the same shapes every step
// reaches a steady state without growing memory; a block freed at the top of the heap returns to
// the bump pointer. Views are made fresh on every access: memory.grow
// detaches the old ArrayBuffer.

const ALIGN = 64;
const PAGE = 65536;

function roundTo(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}

/** The block size a request of `bytes` gets (≥ 64, a multiple of 64, ≤ 12.5% slack above 4 KiB). */
export function sizeClass(bytes: number): number {
  if (bytes <= 4096) return Math.max(ALIGN, roundTo(bytes, ALIGN));
  const step = 2 ** (Math.floor(Math.log2(bytes - 1)) - 3);
  return roundTo(bytes, Math.max(ALIGN, step));
}

export interface HeapStats {
  bytesInUse: number;
  peakBytes: number;
  buffers: number;
  reservedBytes: number;
  /** The largest scratch request since creation or resetPeak. */
  scratchBytes: number;
}

export class WasmHeap {
  private top: number;
  /** Free blocks by class size. */
  private readonly free = new Map<number, number[]>();
  /** Free blocks by end address → [start, class size], to give blocks back to the bump pointer. */
  private readonly freeByEnd = new Map<number, [number, number]>();
  /** Live blocks: pointer → [class size, requested bytes]. */
  private readonly live = new Map<number, [number, number]>();
  private inUse = 0;
  private peak = 0;
  private scratchPtr = 0;
  private scratchSize = 0;
  private scratchPeak = 0;

  /** maxBytes: the memory's declared maximum (a shared memory's), named in out-of-memory errors. */
  constructor(readonly memory: WebAssembly.Memory, heapBase: number, private readonly maxBytes: number | null = null) {
    this.top = roundTo(heapBase, ALIGN);
  }

  /** A 64-byte aligned block of at least `bytes` bytes, zero-filled unless `zero` is false (then
   *  its contents are whatever the block last held). */
  alloc(bytes: number, zero = true): number {
    const ptr = this.take(sizeClass(bytes));
    if (zero) new Uint8Array(this.memory.buffer, ptr, bytes).fill(0);
    this.live.set(ptr, [sizeClass(bytes), bytes]);
    this.inUse += bytes;
    this.peak = Math.max(this.peak, this.inUse);
    return ptr;
  }

  /** Returns a block from alloc to its free list. */
  release(ptr: number): void {
    const entry = this.live.get(ptr);
    if (!entry) throw new Error(`wasm heap: ${ptr} is not a live block`);
    this.live.delete(ptr);
    this.inUse -= entry[1];
    this.put(ptr, entry[0]);
  }

  /** A 64-byte aligned region of at least `bytes` bytes, not zeroed, reused by every caller: valid
   *  until the next scratch call that asks for more. Not counted in bytesInUse. */
  scratch(bytes: number): number {
    this.scratchPeak = Math.max(this.scratchPeak, bytes);
    if (bytes > this.scratchSize) {
      if (this.scratchSize > 0) this.put(this.scratchPtr, this.scratchSize);
      this.scratchSize = sizeClass(bytes);
      this.scratchPtr = this.take(this.scratchSize);
    }
    return this.scratchPtr;
  }

  stats(): HeapStats {
    return {
      bytesInUse: this.inUse, peakBytes: this.peak, buffers: this.live.size, reservedBytes: this.memory.buffer.byteLength,
      scratchBytes: this.scratchPeak,
    };
  }

  resetPeak(): void {
    this.peak = this.inUse;
    this.scratchPeak = 0;
  }

  private take(size: number): number {
    const list = this.free.get(size);
    const reused = list?.pop();
    if (reused !== undefined) {
      this.freeByEnd.delete(reused + size);
      return reused;
    }
    const ptr = this.top;
    this.ensure(ptr + size);
    this.top = ptr + size;
    return ptr;
  }

  /** Frees a block: one that ends at the bump pointer gives its bytes back to it (and so does
   *  every free block that then ends there), so memory freed in reverse order of allocation (a
   *  backward pass) serves later requests of any size instead of waiting in its size class. */
  private put(ptr: number, size: number): void {
    if (ptr + size === this.top) {
      this.top = ptr;
      for (let f = this.freeByEnd.get(this.top); f !== undefined; f = this.freeByEnd.get(this.top)) {
        const [start, bytes] = f;
        const list = this.free.get(bytes)!;
        list.splice(list.lastIndexOf(start), 1);
        this.freeByEnd.delete(this.top);
        this.top = start;
      }
      return;
    }
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(ptr);
    this.freeByEnd.set(ptr + size, [ptr, size]);
  }

  /** Grows memory to hold `end` bytes. A shared memory grows by what is needed (rounded to 1 MiB):
   *  its whole maximum is reserved up front, so a grow costs ~10 µs. A private memory grows by at
   *  least 1/32 of its size: each grow costs ~0.8 ms in V8 (measured here), and 1/32 bounds both
   *  the number of grows and the overshoot, which DESIGN.md §4 counts as memory used. */
  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const step = this.memory.buffer instanceof ArrayBuffer ? Math.ceil(have / PAGE / 32) : 16;
    const pages = Math.max(Math.ceil((end - have) / PAGE / 16) * 16, step);
    try {
      this.memory.grow(pages);
    } catch (e) {
      // Growing by the minimum may still fit where the larger step did not.
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch {
        const limit = this.maxBytes === null ? '' : `: the memory's maximum is ${this.maxBytes} bytes ` +
          '(createWasmBackend({ maxMemory }) sets it for threaded backends; wasm32 allows at most 4 GiB)';
        throw new Error(`wasm heap: out of memory: cannot grow memory to ${end} bytes (have ${have})${limit}`, { cause: e });
      }
    }
  }
}
