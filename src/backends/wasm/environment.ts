// Where the wasm backend runs and what that allows: how many cores there are, whether kernel
// threads can start here (and why not), and how a kernel worker is spawned.
//
// Threads need a shared WebAssembly.Memory posted to workers and a thread that may block in
// Atomics.wait while they run (the kernel API is synchronous). Node has both on every thread.
// Browsers post shared memory only when the page is cross-origin isolated (COOP/COEP headers:
// shared/notes/platform.md §2) and forbid Atomics.wait on the main thread, so threads there need
// the model to run inside a Worker; elsewhere the backend falls back to one thread.
import { nodeOs, nodeWorkerThreads } from '#platform';
import { WORKER_SOURCE } from './worker-source.ts';

/** What a kernel worker looks like to the pool, in Node and in browsers alike. */
export interface KernelWorker {
  post(message: unknown): void;
  /** Every message the worker posts. */
  onMessage(fn: (message: unknown) => void): void;
  /** An uncaught error or an unexpected exit of the worker. */
  onError(fn: (error: Error) => void): void;
  /** Lets a Node process exit while the worker still waits for work (no-op in browsers). */
  unref(): void;
  terminate(): Promise<void>;
}

interface NodeProcess { versions?: { node?: string } }

export function inNode(): boolean {
  const proc = (globalThis as { process?: NodeProcess }).process;
  return typeof proc?.versions?.node === 'string';
}

/** True on a browser's main (window) thread, where Atomics.wait throws. */
function onBrowserMainThread(): boolean {
  return !inNode() && typeof (globalThis as { document?: unknown }).document !== 'undefined';
}

/** Logical cores: os.availableParallelism() in Node, navigator.hardwareConcurrency in browsers. */
export async function defaultThreads(): Promise<number> {
  if (inNode()) {
    const os = await nodeOs('counting cores');
    const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    return Math.max(1, n);
  }
  const hc = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof hc === 'number' && hc >= 1 ? Math.floor(hc) : 1;
}

/** Null when kernel threads can run here, else the reason they cannot. */
export function threadsUnavailableReason(): string | null {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') {
    return 'SharedArrayBuffer is not available here (a browser page must be cross-origin isolated: ' +
      'serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  if (inNode()) return null;
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) {
    return 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and ' +
      'Cross-Origin-Embedder-Policy: require-corp), so shared memory cannot be posted to workers';
  }
  if (onBrowserMainThread()) {
    return 'a browser main thread cannot block in Atomics.wait: run the model inside a Worker to use threads';
  }
  if (typeof Worker === 'undefined') return 'this context cannot start Web Workers';
  return null;
}

async function spawnNodeWorker(): Promise<KernelWorker> {
  const { Worker: NodeWorker } = await nodeWorkerThreads('kernel threads');
  // execArgv [] keeps loaders such as tsx out of the worker (its source is plain JS); V8 flags
  // (relaxed SIMD) are per process and reach it anyway.
  const w = new NodeWorker(WORKER_SOURCE, { eval: true, execArgv: [] });
  return {
    post: (m) => w.postMessage(m),
    onMessage: (fn) => { w.on('message', fn); },
    onError: (fn) => {
      w.on('error', fn);
      w.on('exit', (code) => fn(new Error(`argon: a kernel worker exited (code ${code})`)));
    },
    unref: () => w.unref(),
    terminate: async () => { w.removeAllListeners('exit'); await w.terminate(); },
  };
}

function spawnBrowserWorker(): KernelWorker {
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const w = new Worker(url, { name: 'argon-kernels' });
  return {
    post: (m) => w.postMessage(m),
    onMessage: (fn) => w.addEventListener('message', (e) => fn(e.data)),
    onError: (fn) => w.addEventListener('error', (e) => fn(new Error(`argon: a kernel worker failed: ${e.message}`))),
    unref: () => {},
    terminate: async () => { w.terminate(); URL.revokeObjectURL(url); },
  };
}

export function spawnWorker(): Promise<KernelWorker> {
  return inNode() ? spawnNodeWorker() : Promise.resolve(spawnBrowserWorker());
}
