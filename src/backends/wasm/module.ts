// Loads the AssemblyScript kernels (build/argon.wasm, or build/argon-relaxed.wasm where the engine
// accepts relaxed SIMD) against a memory the host owns and passes in as `env.memory`, so the
// allocator lives in TS and a later shared memory can back several instances.
//
// Traps: Node 20's fetch has no file: support, so file URLs are read with node:fs (a dynamic import,
// which a browser bundle marks external). Node 20 rejects relaxed SIMD unless started with
// --experimental-wasm-relaxed-simd (shared/notes/platform.md §1); Chromium accepts it.

export type WasmVariant = 'simd' | 'relaxed';

/** 'auto' picks the relaxed build when the engine validates it; true demands it; false never uses it. */
export type RelaxedOption = 'auto' | boolean;

export interface LoadOptions {
  relaxed?: RelaxedOption;
  /** Initial size of the memory the module is given, in 64 KiB pages (grown on demand later). */
  initialPages?: number;
}

export interface LoadedModule {
  exports: WebAssembly.Exports;
  memory: WebAssembly.Memory;
  variant: WasmVariant;
  /** First byte above the module's static data, where the host allocator may start. */
  heapBase: number;
}

const URLS: Record<WasmVariant, URL> = {
  simd: new URL('../../../build/argon.wasm', import.meta.url),
  relaxed: new URL('../../../build/argon-relaxed.wasm', import.meta.url),
};

/** Compiled modules, one per variant and process: instances (and memories) are per backend. */
const compiled = new Map<WasmVariant, Promise<WebAssembly.Module>>();

async function readBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  if (url.protocol === 'file:') {
    const fs = await import('node:fs/promises');
    try {
      return new Uint8Array(await fs.readFile(url));
    } catch (e) {
      throw new Error(`argon: cannot read ${url.pathname} (run \`npm run build\` to compile the wasm kernels)`, { cause: e });
    }
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`argon: fetching ${url.href} failed with HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function compileStreaming(url: URL): Promise<WebAssembly.Module> {
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

/** The relaxed build's bytes and whether this engine validates them, read once per process (the
 *  same bytes are then compiled, so a browser fetches the file once). */
let relaxedProbe: Promise<RelaxedProbe> | null = null;

function probeRelaxed(): Promise<RelaxedProbe> {
  relaxedProbe ??= readBytes(URLS.relaxed).then(
    (bytes) => ({ bytes, valid: WebAssembly.validate(bytes), error: null }),
    (error: unknown) => ({ bytes: null, valid: false, error }),
  );
  return relaxedProbe;
}

/** Whether this engine validates the relaxed-SIMD build (false when the file is missing). */
export async function relaxedSimdSupported(): Promise<boolean> {
  return (await probeRelaxed()).valid;
}

async function chooseVariant(relaxed: RelaxedOption): Promise<WasmVariant> {
  if (relaxed === false) return 'simd';
  const probe = await probeRelaxed();
  if (probe.valid) return 'relaxed';
  if (relaxed === 'auto') return 'simd';
  if (probe.error) throw probe.error;
  throw new Error('argon: relaxed: true, but this engine rejects the relaxed-SIMD build ' +
    '(WebAssembly.validate is false; Node 20 needs --experimental-wasm-relaxed-simd)');
}

async function compileVariant(variant: WasmVariant): Promise<WebAssembly.Module> {
  if (variant === 'simd') return compileStreaming(URLS.simd);
  const { bytes } = await probeRelaxed();
  if (!bytes) throw new Error('argon: the relaxed-SIMD build was not loaded');
  return WebAssembly.compile(bytes);
}

function moduleFor(variant: WasmVariant): Promise<WebAssembly.Module> {
  let p = compiled.get(variant);
  if (!p) {
    p = compileVariant(variant);
    compiled.set(variant, p);
    p.catch(() => compiled.delete(variant));
  }
  return p;
}

/** AS passes `abort(message, fileName, line, column)` with string pointers: a string's byte length
 *  sits in the u32 just before its UTF-16 data (the object header's rtSize). */
function readAsString(memory: WebAssembly.Memory, ptr: number): string | null {
  if (!ptr || ptr < 4 || ptr % 2 !== 0 || ptr > memory.buffer.byteLength) return null;
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
  if (bytes % 2 !== 0 || ptr + bytes > memory.buffer.byteLength) return null;
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, Math.min(bytes >>> 1, 4096)));
}

/** Loads the kernels into a new instance with its own memory. */
export async function loadWasm(opts: LoadOptions = {}): Promise<LoadedModule> {
  const variant = await chooseVariant(opts.relaxed ?? 'auto');
  const module = await moduleFor(variant);
  const memory = new WebAssembly.Memory({ initial: opts.initialPages ?? 16 });
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
  return { exports: instance.exports, memory, variant, heapBase };
}
