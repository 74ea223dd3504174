// Where the four wasm builds come from. By default from beside the bundle (or build/ for the
// sources): `new URL('./argon.wasm', import.meta.url)`, written out literally for each file because
// Vite and webpack recognise exactly that form, emit the file as an asset and rewrite the URL (the
// sources say '../../../build/'; scripts/build-bundles.mjs rewrites that prefix to './' in bundles).
// setWasmSources overrides this for CDNs, plain <script> pages and bundlers that do not emit such
// assets (esbuild): a folder URL, or per file a URL or the bytes.
//
// Trap: import.meta.url is empty in an IIFE bundle (esbuild's default format for browsers, our
// build/argon.iife.js), and `new URL(x, undefined)` throws "Invalid URL". There the files are looked
// for beside the running script instead: document.currentScript is only set while a classic script
// first runs, so it is read once, when this module is evaluated.

/** The four builds: plain or relaxed SIMD, over a private or (-mt, for threads) a shared memory. */
export type WasmBuild = 'simd' | 'relaxed' | 'simd-mt' | 'relaxed-mt';
export type WasmFile = 'argon.wasm' | 'argon-relaxed.wasm' | 'argon-mt.wasm' | 'argon-relaxed-mt.wasm';

export const WASM_FILES: Readonly<Record<WasmBuild, WasmFile>> = {
  simd: 'argon.wasm', relaxed: 'argon-relaxed.wasm', 'simd-mt': 'argon-mt.wasm', 'relaxed-mt': 'argon-relaxed-mt.wasm',
};

/** A wasm build: its URL (absolute, or relative to the page), or its bytes. */
export type WasmSource = string | URL | ArrayBuffer | ArrayBufferView;

export interface WasmSources {
  /** The folder holding the .wasm files, e.g. 'https://cdn.jsdelivr.net/npm/argon-nn@0.1.0/build/'. */
  baseUrl?: string | URL;
  /** Per file, its URL or bytes. Files not given come from `baseUrl`; without a `baseUrl` they count as
   *  absent: no relaxed-SIMD build means plain SIMD, no `argon-mt.wasm` means one thread. */
  files?: { [F in WasmFile]?: WasmSource };
}

export type ResolvedSource =
  | { kind: 'url'; url: URL }
  | { kind: 'bytes'; bytes: Uint8Array<ArrayBuffer>; name: WasmFile }
  | { kind: 'absent'; why: string };

interface ScriptGlobals {
  document?: { currentScript?: { src?: string } | null };
  location?: { href?: string };
}

/** The classic script running now (an IIFE bundle), read while this module is first evaluated. */
const scriptUrl: string | undefined = (globalThis as ScriptGlobals).document?.currentScript?.src || undefined;

function pageUrl(): string | undefined {
  return (globalThis as ScriptGlobals).location?.href || undefined;
}

/** The default location of a build: beside the bundle (literal forms, see the header). */
function bundledUrl(key: WasmBuild): URL {
  try {
    switch (key) {
      case 'simd': return new URL('../../../build/argon.wasm', import.meta.url);
      case 'relaxed': return new URL('../../../build/argon-relaxed.wasm', import.meta.url);
      case 'simd-mt': return new URL('../../../build/argon-mt.wasm', import.meta.url);
      case 'relaxed-mt': return new URL('../../../build/argon-relaxed-mt.wasm', import.meta.url);
    }
  } catch {
    // import.meta.url is empty (an IIFE bundle): beside the running script, else the page.
  }
  const base = scriptUrl ?? pageUrl();
  if (base === undefined) {
    throw new Error(`argon: cannot tell where ${WASM_FILES[key]} is (no import.meta.url, no current script): ` +
      'pass its URL or bytes with setWasmSources({ baseUrl }) or setWasmSources({ files })');
  }
  return new URL(WASM_FILES[key], base);
}

let configured: WasmSources | null = null;
const listeners: (() => void)[] = [];

/** Runs `fn` whenever setWasmSources changes the sources (module.ts drops its compiled modules). */
export function onWasmSourcesChange(fn: () => void): void {
  listeners.push(fn);
}

function isSource(v: unknown): v is WasmSource {
  return typeof v === 'string' || v instanceof URL || v instanceof ArrayBuffer || ArrayBuffer.isView(v);
}

function toUrl(value: string | URL, what: string): URL {
  try {
    return new URL(value, pageUrl());
  } catch {
    throw new Error(`setWasmSources: ${what} '${String(value)}' is not a URL (give an absolute URL, or a path on this page's site)`);
  }
}

/**
 * Tells Argon where its wasm kernels are, for pages and bundles that do not serve them beside the
 * library: `setWasmSources({ baseUrl: 'https://cdn…/argon-nn@0.1.0/build/' })` or
 * `setWasmSources({ files: { 'argon.wasm': bytes } })`. Call it before the first model or backend
 * is created (backends made earlier keep their kernels); `null` restores the default.
 */
export function setWasmSources(sources: WasmSources | null): void {
  if (sources !== null) {
    if (typeof sources !== 'object' || Array.isArray(sources)) {
      throw new Error(`setWasmSources: expected { baseUrl?, files? } or null, got ${typeof sources}`);
    }
    for (const k of Object.keys(sources)) {
      if (k !== 'baseUrl' && k !== 'files') throw new Error(`setWasmSources: unknown option '${k}' (options: baseUrl, files)`);
    }
    if (sources.baseUrl !== undefined) {
      if (typeof sources.baseUrl !== 'string' && !(sources.baseUrl instanceof URL)) {
        throw new Error(`setWasmSources: baseUrl must be a string or a URL, got ${typeof sources.baseUrl}`);
      }
      toUrl(sources.baseUrl, 'baseUrl');
    }
    const files = sources.files ?? {};
    if (typeof files !== 'object' || files === null) throw new Error('setWasmSources: files must be an object { [file name]: URL or bytes }');
    const names = Object.values(WASM_FILES) as string[];
    for (const [name, value] of Object.entries(files)) {
      if (!names.includes(name)) throw new Error(`setWasmSources: unknown file '${name}' (files: ${names.join(', ')})`);
      if (!isSource(value)) {
        throw new Error(`setWasmSources: files['${name}'] must be a URL (string or URL) or bytes (ArrayBuffer or typed array), got ${value === null ? 'null' : typeof value}`);
      }
    }
    if (sources.baseUrl === undefined && Object.keys(files).length === 0) {
      throw new Error("setWasmSources: give a baseUrl, files, or both (null restores the default: the files beside the library)");
    }
  }
  configured = sources === null ? null : { baseUrl: sources.baseUrl, files: { ...sources.files } };
  for (const fn of listeners) fn();
}

function copyBytes(v: ArrayBuffer | ArrayBufferView): Uint8Array<ArrayBuffer> {
  const view = v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return new Uint8Array(view);
}

/** Where a build comes from now. */
export function wasmSource(key: WasmBuild): ResolvedSource {
  if (configured === null) return { kind: 'url', url: bundledUrl(key) };
  const name = WASM_FILES[key];
  const given = configured.files?.[name];
  if (typeof given === 'string' || given instanceof URL) return { kind: 'url', url: toUrl(given, `files['${name}']`) };
  if (given !== undefined) return { kind: 'bytes', bytes: copyBytes(given), name };
  if (configured.baseUrl !== undefined) {
    const base = toUrl(configured.baseUrl, 'baseUrl');
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    return { kind: 'url', url: new URL(name, base) };
  }
  return { kind: 'absent', why: `argon: ${name} was not given to setWasmSources (and no baseUrl)` };
}

/** Why the threaded build cannot be used (setWasmSources left it out), or null. */
export function threadsBuildMissing(): string | null {
  const s = wasmSource('simd-mt');
  return s.kind === 'absent' ? `setWasmSources gave no ${WASM_FILES['simd-mt']}` : null;
}
