// The kernel thread pool: threads − 1 workers, each with its own instance of the kernel module over
// the one shared memory, plus the calling thread (thread 0). A call writes the export's index and
// its arguments into a control block in that memory, bumps SEQ and notifies; the threads then take
// parts from a shared counter and run `export(...args, part, nparts, thread)` for each (the kernel
// picks its own share of the work from part and nparts: assembly/parts.ts; `thread` selects a
// per-thread scratch slot), counting finished parts in DONE; the caller returns once every part is
// done. No postMessage per call. Taking parts dynamically (more parts than threads) keeps a call
// fast when another process slows a thread down, and a worker that is not scheduled at all only
// means the caller runs more parts itself; which thread runs a part never changes what it computes.
//
// The caller spins briefly, then blocks in Atomics.wait: allowed in Node and in browser workers,
// not on a browser main thread (environment.ts keeps threads off there). Workers are unref'd, so
// a Node process exits when its work is done; close() stops them explicitly.
import { spawnWorker, type KernelWorker } from './environment.ts';

/** Bytes of the control block (see worker-source.ts for the layout). */
export const CONTROL_BYTES = 1536;
const SEQ = 0, DONE = 1, FN = 2, NARGS = 3, NPARTS = 4, ERROR = 5, STOP = 6, SPIN = 7, CLAIM = 8;
/** Parts per call are counted in the low 8 bits of CLAIM. */
export const MAX_PARTS = 255;
/** CLAIM's part field of a finished job: ≥ every nparts, so no thread claims a part of it. */
const SEALED = 255;
const MAX_ARGS = 48;
const ERROR_OFFSET = 512, ERROR_CHARS = 512;

/** A split call whose parts stop completing for this long fails instead of hanging (ms). */
const STALL_MS = 120_000;
/** How long workers and the caller spin before sleeping, in microseconds. */
const DEFAULT_SPIN_MICROS = 200;

type WasmFunction = (...args: number[]) => number;

export interface ThreadPoolInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte offset of CONTROL_BYTES reserved in memory, 64-byte aligned. */
  ctrl: number;
  /** Total threads, the caller included (≥ 2). */
  threads: number;
  /** The caller's own instance's exports. */
  exports: WebAssembly.Exports;
  spinMicros?: number;
}

export class ThreadPool {
  readonly threads: number;
  private readonly ctrl: Int32Array;
  private readonly args: Float64Array;
  private readonly errorText: Uint16Array;
  private readonly names: string[];
  private readonly index = new Map<string, number>();
  private readonly own: WasmFunction[];
  private readonly spinMicros: number;
  private workers: KernelWorker[] = [];
  private broken: Error | null = null;
  private closed = false;
  /** The current job's tag (CLAIM's upper 23 bits). */
  private tag = 0;

  private constructor(init: ThreadPoolInit) {
    this.threads = init.threads;
    const buffer = init.memory.buffer;
    this.ctrl = new Int32Array(buffer, init.ctrl, 16);
    this.args = new Float64Array(buffer, init.ctrl + 64, MAX_ARGS);
    this.errorText = new Uint16Array(buffer, init.ctrl + ERROR_OFFSET, ERROR_CHARS);
    this.names = WebAssembly.Module.exports(init.module).filter((e) => e.kind === 'function').map((e) => e.name);
    this.names.forEach((n, i) => this.index.set(n, i));
    this.own = this.names.map((n) => init.exports[n] as WasmFunction);
    this.spinMicros = init.spinMicros ?? DEFAULT_SPIN_MICROS;
    Atomics.store(this.ctrl, SPIN, Math.round(this.spinMicros));
  }

  /** Starts threads − 1 workers and resolves once each has instantiated the module. */
  static async start(init: ThreadPoolInit): Promise<ThreadPool> {
    if (!(init.memory.buffer instanceof SharedArrayBuffer)) throw new Error('argon: kernel threads need a shared WebAssembly.Memory');
    const pool = new ThreadPool(init);
    try {
      await Promise.all(Array.from({ length: init.threads - 1 }, (_, i) => pool.startWorker(init, i + 1)));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  private async startWorker(init: ThreadPoolInit, index: number): Promise<void> {
    const w = await spawnWorker();
    this.workers.push(w);
    await new Promise<void>((resolve, reject) => {
      let ready = false;
      w.onMessage((m) => {
        const msg = m as { ready?: boolean; error?: string };
        if (msg.ready) {
          ready = true;
          resolve();
        } else if (msg.error) {
          reject(new Error(`argon: kernel worker ${index} failed to start: ${msg.error}`));
        }
      });
      w.onError((e) => {
        if (!ready) reject(e);
        else if (!this.closed) this.broken ??= e;
      });
      w.post({ module: init.module, memory: init.memory, ctrl: init.ctrl, names: this.names, index });
    });
    w.unref();
  }

  /** Whether export `name` exists in the module. */
  has(name: string): boolean {
    return this.index.has(name);
  }

  /** Runs `name(...args, part, nparts, thread)` for part = 0 … nparts − 1 (nparts ≤ MAX_PARTS) on
   *  this thread and whichever workers claim parts, and returns when every part is done. */
  run(name: string, args: readonly number[], nparts: number): void {
    const fn = this.index.get(name);
    if (fn === undefined) throw new Error(`argon: the wasm module has no export '${name}'`);
    if (nparts <= 1) {
      this.own[fn](...args, 0, 1, 0);
      return;
    }
    if (this.closed) throw new Error('argon: the wasm backend was closed');
    if (this.broken) throw new Error(`argon: a kernel worker stopped: ${this.broken.message}`, { cause: this.broken });
    if (args.length > MAX_ARGS) throw new Error(`argon: ${args.length} kernel arguments (at most ${MAX_ARGS})`);
    if (nparts > MAX_PARTS) throw new Error(`argon: ${nparts} parts (at most ${MAX_PARTS})`);
    const c = this.ctrl;
    // Seal the previous job first: its claim word then says "no part left" whatever NPARTS says.
    // Without it a worker could read the previous job's exhausted claim word (part = its nparts),
    // then this job's larger NPARTS, and win the compare-exchange before the new claim word is
    // stored: it would run a phantom part and count it in this job's DONE, so DONE overshoots
    // (the caller waits forever) or arrives early (the caller returns while a part still runs).
    Atomics.store(c, CLAIM, (this.tag << 8) | SEALED);
    c[FN] = fn;
    c[NARGS] = args.length;
    c[ERROR] = 0;
    this.args.set(args);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, NPARTS, nparts);
    this.tag = (this.tag + 1) & 0x7fffff;
    Atomics.store(c, CLAIM, this.tag << 8);
    Atomics.add(c, SEQ, 1);
    Atomics.notify(c, SEQ);
    let failure: unknown = null;
    const f = this.own[fn];
    for (;;) {
      const w = Atomics.load(c, CLAIM), part = w & 255;
      if (part >= nparts) break;
      if (Atomics.compareExchange(c, CLAIM, w, w + 1) !== w) continue;
      try {
        if (failure === null) f(...args, part, nparts, 0);
      } catch (e) {
        failure = e;
      }
      Atomics.add(c, DONE, 1);
    }
    this.waitForParts(nparts, name);
    if (failure) throw failure;
    const failed = Atomics.load(c, ERROR);
    if (failed !== 0) throw new Error(`argon: kernel '${name}' failed in worker ${failed - 1}: ${this.readError()}`);
  }

  /** Waits until every part is done (parts still running on workers). A worker that died
   *  mid-part never counts it, so the wait wakes now and then to check; and since no part runs
   *  for minutes, a call whose count stops moving for STALL_MS fails with what it waited for
   *  instead of hanging (the pool is unusable after that). */
  private waitForParts(nparts: number, name: string): void {
    const c = this.ctrl;
    const end = performance.now() + this.spinMicros / 1000;
    let v = Atomics.load(c, DONE);
    for (let k = 1; v !== nparts && ((k & 255) !== 0 || performance.now() < end); k++) v = Atomics.load(c, DONE);
    let last = v, since = performance.now();
    while ((v = Atomics.load(c, DONE)) !== nparts) {
      if (v !== last) {
        last = v;
        since = performance.now();
      }
      if (Atomics.wait(c, DONE, v, 1000) !== 'timed-out') continue;
      if (this.broken) throw new Error(`argon: a kernel worker stopped: ${this.broken.message}`, { cause: this.broken });
      if (performance.now() - since > STALL_MS) {
        this.broken = new Error(`kernel '${name}' made no progress for ${STALL_MS / 1000} s ` +
          `(${v} of ${nparts} parts done, ${Atomics.load(c, CLAIM) & 255} claimed)`);
        throw new Error(`argon: ${this.broken.message}; a kernel worker may have died — please report this`);
      }
    }
  }

  private readError(): string {
    let s = '';
    for (let i = 0; i < ERROR_CHARS && this.errorText[i] !== 0; i++) s += String.fromCharCode(this.errorText[i]);
    return s;
  }

  /** Stops and terminates the workers; later multi-part calls throw. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.add(this.ctrl, SEQ, 1);
    Atomics.notify(this.ctrl, SEQ);
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
