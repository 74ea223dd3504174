// Loads the AssemblyScript kernels against a memory the host owns and passes in as `env.memory`,
// so the allocator lives in TS and one shared memory can back several instances (threads). Four
// builds (scripts/build-wasm.mjs): plain or relaxed SIMD, each over a private memory (argon*.wasm)
// or an imported shared one (argon*-mt.wasm); a module importing a shared memory cannot link a
// private one and vice versa.
//
// Where the builds come from (beside the bundle, or what setWasmSources gave): ./sources.ts.
//
// Traps: Node 20's fetch has no file: support, so file URLs are read with node:fs (from the
// '#platform' seam, src/platform/node.ts; browser bundles get src/platform/browser.ts instead).
// Node 20 rejects relaxed SIMD by default; V8 accepts the flag --experimental-wasm-relaxed-simd at
// run time (v8.setFlagsFromString, measured on Node 20.20: WebAssembly.validate false before, true
// after, and workers see it: V8 flags are per process), so 'auto' sets it once in Node when
// validation fails. Chromium and Node ≥ 22 accept relaxed SIMD without it.
import { nodeFs, nodeV8 } from '#platform';
import { onWasmSourcesChange, wasmSource, type WasmBuild as BuildKey } from './sources.ts';

export type WasmVariant = 'simd' | 'relaxed';

/** 'auto' picks the relaxed build when the engine validates it; true demands it; false never uses it. */
export type RelaxedOption = 'auto' | boolean;

export interface LoadOptions {
  relaxed?: RelaxedOption;
  /** Initial size of the memory the module is given, in 64 KiB pages (grown on demand later). */
  initialPages?: number;
  /** Load the shared-memory build over a shared memory (for threads). */
  shared?: boolean;
  /** Maximum size of a shared memory in bytes (default 4 GiB, the wasm32 limit; smaller where the
   *  engine cannot reserve that much). A private memory grows without a declared maximum. */
  maxMemoryBytes?: number;
}

export interface LoadedModule {
  exports: WebAssembly.Exports;
  memory: WebAssembly.Memory;
  variant: WasmVariant;
  shared: boolean;
  /** The shared memory's maximum in bytes (null for a private memory, which has none). */
  maxBytes: number | null;
  /** The compiled module, for instantiating it again in workers. */
  module: WebAssembly.Module;
  /** First byte above the module's static data, where the host allocator may start. */
  heapBase: number;
}

const PAGE = 65536;
/** wasm32's 4 GiB in pages. */
export const MAX_PAGES = 65536;

/** Compiled modules, one per build and process: instances (and memories) are per backend. */
const compiled = new Map<BuildKey, Promise<WebAssembly.Module>>();

async function readBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  if (url.protocol === 'file:') {
    const fs = await nodeFs(`reading ${url.href}`);
    try {
      return new Uint8Array(await fs.readFile(url));
    } catch (e) {
      throw new Error(`argon: cannot read ${url.pathname} (run \`npm run build\` to compile the wasm kernels)`, { cause: e });
    }
  }
  const res = await fetch(url);
  if (!res.ok) {
    throw new Error(`argon: fetching ${url.href} failed with HTTP ${res.status} (serve argon-nn's build/*.wasm files there, ` +
      'or say where they are with setWasmSources)');
  }
  return new Uint8Array(await res.arrayBuffer());
}

/** A build's bytes, wherever sources.ts says it is. */
async function buildBytes(key: BuildKey): Promise<Uint8Array<ArrayBuffer>> {
  const s = wasmSource(key);
  if (s.kind === 'absent') throw new Error(s.why);
  return s.kind === 'bytes' ? s.bytes : readBytes(s.url);
}

async function compileStreaming(key: BuildKey): Promise<WebAssembly.Module> {
  const s = wasmSource(key);
  if (s.kind !== 'url') return WebAssembly.compile(await buildBytes(key));
  const url = s.url;
  if (url.protocol !== 'file:' && typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await WebAssembly.compileStreaming(fetch(url));
    } catch (e) {
      // A server without `Content-Type: application/wasm` makes streaming throw a TypeError;
      // the byte path below still works there. Compile errors are real and propagate.
      if (!(e instanceof TypeError)) throw e;
    }
  }
  return WebAssembly.compile(await readBytes(url));
}

interface RelaxedProbe { bytes: Uint8Array<ArrayBuffer> | null; valid: boolean; error: unknown }

/** A relaxed build's bytes and whether this engine validates them, read once per process and
 *  build (the same bytes are then compiled, so a browser fetches the file once). */
const relaxedProbes = new Map<BuildKey, Promise<RelaxedProbe>>();

/** Node only: switches V8's relaxed-SIMD flag on (once) and says whether it was set. */
let nodeFlagSet: Promise<boolean> | null = null;
function enableRelaxedInNode(): Promise<boolean> {
  nodeFlagSet ??= (async () => {
    const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
    if (typeof proc?.versions?.node !== 'string') return false;
    try {
      const v8 = await nodeV8();
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
      return true;
    } catch {
      return false;
    }
  })();
  return nodeFlagSet;
}

function probeRelaxed(shared: boolean): Promise<RelaxedProbe> {
  const key: BuildKey = shared ? 'relaxed-mt' : 'relaxed';
  let p = relaxedProbes.get(key);
  if (!p) {
    p = buildBytes(key).then(
      async (bytes) => {
        if (WebAssembly.validate(bytes)) return { bytes, valid: true, error: null };
        const valid = (await enableRelaxedInNode()) && WebAssembly.validate(bytes);
        return { bytes, valid, error: null };
      },
      (error: unknown) => ({ bytes: null, valid: false, error }),
    );
    relaxedProbes.set(key, p);
  }
  return p;
}

/** Whether this engine validates the relaxed-SIMD build (false when the file is missing). In Node
 *  this first switches on V8's relaxed-SIMD flag where needed (Node 20). */
export async function relaxedSimdSupported(shared = false): Promise<boolean> {
  return (await probeRelaxed(shared)).valid;
}

async function chooseVariant(relaxed: RelaxedOption, shared: boolean): Promise<WasmVariant> {
  if (relaxed === false) return 'simd';
  const probe = await probeRelaxed(shared);
  if (probe.valid) return 'relaxed';
  if (relaxed === 'auto') return 'simd';
  if (probe.error) throw probe.error;
  throw new Error('argon: relaxed: true, but this engine rejects the relaxed-SIMD build ' +
    '(WebAssembly.validate is false; start Node 20 with --experimental-wasm-relaxed-simd, or use Node ≥ 22)');
}

async function compileBuild(key: BuildKey): Promise<WebAssembly.Module> {
  if (key === 'simd' || key === 'simd-mt') return compileStreaming(key);
  const { bytes } = await probeRelaxed(key === 'relaxed-mt');
  if (!bytes) throw new Error('argon: the relaxed-SIMD build was not loaded');
  return WebAssembly.compile(bytes);
}

// New sources (setWasmSources): later loads compile from them; backends made before keep theirs.
onWasmSourcesChange(() => { compiled.clear(); relaxedProbes.clear(); });

function moduleFor(variant: WasmVariant, shared: boolean): Promise<WebAssembly.Module> {
  const key: BuildKey = shared ? `${variant}-mt` : variant;
  let p = compiled.get(key);
  if (!p) {
    p = compileBuild(key);
    compiled.set(key, p);
    p.catch(() => compiled.delete(key));
  }
  return p;
}

/** A shared memory with the largest maximum ≤ the requested one that the engine will reserve. */
function sharedMemory(initial: number, maxBytes: number): { memory: WebAssembly.Memory; maximum: number } {
  let maximum = Math.min(MAX_PAGES, Math.max(initial, Math.floor(maxBytes / PAGE)));
  for (;;) {
    try {
      return { memory: new WebAssembly.Memory({ initial, maximum, shared: true }), maximum };
    } catch (e) {
      // Engines that cannot reserve the address space throw a RangeError; halve and retry down to 256 MiB.
      if (!(e instanceof RangeError) || maximum <= 4096) throw e;
      maximum = Math.max(initial, maximum >>> 1);
    }
  }
}

/** AS passes `abort(message, fileName, line, column)` with string pointers: a string's byte length
 *  sits in the u32 just before its UTF-16 data (the object header's rtSize). */
function readAsString(memory: WebAssembly.Memory, ptr: number): string | null {
  if (!ptr || ptr < 4 || ptr % 2 !== 0 || ptr > memory.buffer.byteLength) return null;
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
  if (bytes % 2 !== 0 || ptr + bytes > memory.buffer.byteLength) return null;
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, Math.min(bytes >>> 1, 4096)));
}

/** Loads the kernels into a new instance with its own memory (shared when opts.shared). */
export async function loadWasm(opts: LoadOptions = {}): Promise<LoadedModule> {
  const shared = opts.shared ?? false;
  const variant = await chooseVariant(opts.relaxed ?? 'auto', shared);
  const module = await moduleFor(variant, shared);
  const initial = opts.initialPages ?? 16;
  const made = shared ? sharedMemory(initial, opts.maxMemoryBytes ?? MAX_PAGES * PAGE) : null;
  const memory = made?.memory ?? new WebAssembly.Memory({ initial });
  const env = {
    memory,
    abort(msg: number, file: number, line: number, column: number): never {
      const text = readAsString(memory, msg) ?? 'abort';
      const where = readAsString(memory, file);
      throw new Error(`argon wasm abort: ${text}${where ? ` at ${where}:${line}:${column}` : ''}`);
    },
    // Math.random in AS asks the host for a seed; no kernel uses it, but the import must resolve.
    seed: (): number => Date.now(),
  };
  const instance = await WebAssembly.instantiate(module, { env });
  const heapBaseFn = instance.exports.gemmHeapBase;
  if (typeof heapBaseFn !== 'function') throw new Error('argon: the wasm module does not export gemmHeapBase');
  const heapBase = Number(heapBaseFn());
  return { exports: instance.exports, memory, variant, shared, maxBytes: made ? made.maximum * PAGE : null, module, heapBase };
}
