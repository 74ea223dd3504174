// How a webgl kernel is written: a gpu.js kernel whose work is one native GLSL function.
//
// Each Shader is compiled by gpu.js (WebGL2, `pipeline` textures in and out, `returnType:
// 'Array(4)'` so every invocation writes one RGBA texel, integer constants baked into the source,
// kernel maps for several render targets). The kernel's JavaScript is a one-line shell, generated
// here, that calls `argonMain(x, y, …scalars)`, a native GLSL function registered with the kernel
// (gpu.js `nativeFunctions`). The arithmetic lives in GLSL because gpu.js declares every local of
// a translated kernel a float (gpu.js web-gl/function-node.js, astVariableDeclaration), so index
// arithmetic in JavaScript would be float arithmetic, inexact past 2^24 and converted back to int
// for every fetch; in GLSL ES 3.00 indices stay ints, fetches are `texelFetch` at integer
// coordinates, and a flat index becomes coordinates by a mask and a shift (layout.ts).
//
// The shells are built from strings, not from TypeScript functions, because gpu.js reads a
// kernel's parameter names from its source text and a minifying bundler renames parameters; GLSL
// names texture parameter `x` as the sampler `user_x` (gpu.js's naming) and constant `K` as
// `constants_K`.
//
// Several render targets: argonMain returns target 0 and stores targets 1…7 in the globals
// argonT1…7 (declared through gpu.js `injectedNative`); the shell reads them with the getters
// argonOut1…7 and hands them to the kernel map's identity sub-kernels out1…out7, whose results
// gpu.js writes to draw buffers 1…7.
import type { NativeFunctionSpec } from './gpujs.ts';

export type Consts = Readonly<Record<string, number>>;

export interface Shader {
  /** Cache key and the name errors use. */
  name: string;
  /** Texture parameters in call order: GLSL reads parameter `x` as the sampler `user_x`. */
  textures: readonly string[];
  /** Float parameters after the textures, passed on to argonMain in this order. */
  scalars?: readonly string[];
  /** Render targets, 1 to 8. */
  targets?: number;
  /** GLSL helpers and the definition of `vec4 argonMain(int x, int y, float s1, …)` for these
   *  constants (x, y: the invocation's texel in the output). */
  glsl: (c: Consts) => string;
}

const MAX_TARGETS = 8;

export function targetsOf(s: Shader): number {
  const t = s.targets ?? 1;
  if (!Number.isInteger(t) || t < 1 || t > MAX_TARGETS) throw new Error(`webgl shader '${s.name}': ${t} render targets (1–${MAX_TARGETS} supported)`);
  return t;
}

/** The gpu.js kernel source: passes the thread's texel and the scalars to argonMain. */
export function shellSource(s: Shader): string {
  const params = [...s.textures, ...(s.scalars ?? [])].join(', ');
  const call = ['this.thread.x', 'this.thread.y', ...(s.scalars ?? [])].join(', ');
  const outs: string[] = [];
  for (let i = 1; i < targetsOf(s); i++) outs.push(`out${i}(argonOut${i}());`);
  return `function (${params}) { const argonResult = argonMain(${call}); ${outs.join(' ')} return argonResult; }`;
}

/** The kernel map's identity sub-kernels (one per extra target), by property name. */
export function subKernelSources(s: Shader): Record<string, string> {
  const subs: Record<string, string> = {};
  for (let i = 1; i < targetsOf(s); i++) subs[`out${i}`] = `function out${i}(v) { return v; }`;
  return subs;
}

/** The globals argonMain fills for the extra targets (gpu.js injects them before any native). */
export function globalsSource(s: Shader): string {
  const lines: string[] = [];
  for (let i = 1; i < targetsOf(s); i++) lines.push(`vec4 argonT${i};`);
  return lines.join('\n');
}

/** argonMain and the target getters as gpu.js native functions, with their types given (gpu.js
 *  would read them off the first signature in the source, which is a helper's). */
export function nativeFunctions(s: Shader, c: Consts): NativeFunctionSpec[] {
  const argumentTypes: Record<string, string> = { x: 'Integer', y: 'Integer' };
  for (const name of s.scalars ?? []) argumentTypes[name] = 'Number';
  const natives: NativeFunctionSpec[] = [{ name: 'argonMain', source: s.glsl(c), returnType: 'Array(4)', argumentTypes }];
  for (let i = 1; i < targetsOf(s); i++) {
    natives.push({ name: `argonOut${i}`, source: `vec4 argonOut${i}() { return argonT${i}; }`, returnType: 'Array(4)', argumentTypes: {} });
  }
  return natives;
}

// ---- GLSL pieces the kernels share ----

/** `vec4 ld_x(int t)`: texel t of the packed buffer bound to parameter x, whose layout shift is
 *  the constant `xS` (layout.ts; gpu.js mangles underscores in constant names). `float at_x(int i)`: its value i. */
export function flatReader(name: string): string {
  return `
vec4 ld_${name}(int t) { return texelFetch(user_${name}, ivec2(t & ((1 << constants_${name}S) - 1), t >> constants_${name}S), 0); }
float at_${name}(int i) { return ld_${name}(i >> 2)[i & 3]; }`;
}

/** The texel index of the output texel (x, y) in the packed layout whose shift is `outS`. */
export const OUT_TEXEL = 'int t = (y << constants_outS) + x;';

/** A generator of shaders memoized by key. The runtime caches compiled kernels by shader identity
 *  (runtime.ts), so a generator must hand back the same object for the same key or it compiles anew. */
export function shaderFamily<K>(make: (key: K) => Shader): (key: K) => Shader {
  const made = new Map<K, Shader>();
  return (key) => {
    let s = made.get(key);
    if (!s) made.set(key, s = make(key));
    return s;
  };
}

/** 0 … n−1, for unrolling per-row or per-target GLSL. */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Declares the T accumulators acc0 … acc(T−1) of a block kernel. */
export const accumulators = (T: number): string => range(T).map((r) => `vec4 acc${r} = vec4(0.0);`).join(' ');

/** Ends a block kernel: targets 1 … T−1 through the globals argonT1…, target 0 as the result. */
export const returnAccumulators = (T: number): string =>
  `${range(T - 1).map((r) => `argonT${r + 1} = acc${r + 1};`).join(' ')}\n  return acc0;`;
