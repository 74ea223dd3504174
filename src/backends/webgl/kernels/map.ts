// Elementwise kernels over packed buffers: one invocation per output texel computes 4 values from
// one fetch per input. Every input is read at the output's own texel index t, whatever its size,
// because texel t of any buffer holds values 4t…4t+3 (layout.ts). A call over the first n values
// of a longer output keeps the rest: the output's old texture comes in as `old` and the lanes from
// n on are taken from it (intoKeepingTail).
import type { WebglBuffer } from '../buffer.ts';
import type { GpuTexture } from '../gpujs.ts';
import type { GpuRuntime } from '../runtime.ts';
import { flatReader, OUT_TEXEL, shaderFamily, type Consts, type Shader } from '../shader.ts';

export interface MapOp {
  name: string;
  /** Texture inputs; the GLSL expression reads input `x` as the vec4 `vx`. */
  inputs: readonly string[];
  /** Float scalars, by name in the expression. */
  scalars?: readonly string[];
  /** The 4 output values as a vec4 GLSL expression. */
  expr: string;
  /** GLSL functions the expression calls. */
  helpers?: string;
}

/** `vec4 keepTail(vec4 r, vec4 old, int t)`: r's lanes below value n (the constant), old's from n on. */
export const KEEP_TAIL = `
vec4 keepTail(vec4 r, vec4 old, int t) {
  int first = constants_n - 4 * t;
  return vec4(first > 0 ? r.x : old.x, first > 1 ? r.y : old.y, first > 2 ? r.z : old.z, first > 3 ? r.w : old.w);
}`;

/** Ends a single-target shader run by intoKeepingTail with its result, the vec4 expression r:
 *  over a partial length (constant `partial`), r's lanes below n and `old`'s from n on. The GLSL
 *  needs KEEP_TAIL when partial. */
export function returnKeepingTail(c: Consts, r: string): string {
  return c.partial ? `return keepTail(${r}, texelFetch(user_old, ivec2(x, y), 0), t);` : `return ${r};`;
}

/** Shader s with the texture parameter `old` after its own textures, for a partial length. */
const withOld = shaderFamily((s: Shader): Shader => ({ ...s, name: `${s.name}Tail`, textures: [...s.textures, 'old'] }));

/** Runs a single-target shader ending in returnKeepingTail over out, writing its first n values;
 *  the rest keep theirs. Only a partial length binds out's own texture as `old` (a whole one
 *  would upload zeros first into an output never written yet). The shader sees the constants n
 *  and partial besides `constants`. */
export function intoKeepingTail(rt: GpuRuntime, out: WebglBuffer, n: number, s: Shader, constants: Consts, textures: readonly (WebglBuffer | GpuTexture)[], scalars: readonly number[] = []): void {
  if (n < out.size) rt.into(out, withOld(s), { ...constants, n, partial: 1 }, [...textures, rt.texture(out), ...scalars]);
  else rt.into(out, s, { ...constants, partial: 0 }, [...textures, ...scalars]);
}

/** out = x (a prefix store of an intermediate texture). */
const IDENTITY: MapOp = { name: 'identity', inputs: ['x'], expr: 'vx' };

const mapShader = shaderFamily((op: MapOp): Shader => ({
  name: op.name,
  textures: op.inputs,
  scalars: op.scalars ?? [],
  glsl: (c) => `${op.inputs.map(flatReader).join('')}${c.partial ? KEEP_TAIL : ''}${op.helpers ?? ''}
vec4 argonMain(int x, int y${(op.scalars ?? []).map((n) => `, float ${n}`).join('')}) {
  ${OUT_TEXEL}
${op.inputs.map((n) => `  vec4 v${n} = ld_${n}(t);`).join('\n')}
  vec4 r = ${op.expr};
  ${returnKeepingTail(c, 'r')}
}`,
}));

/** Runs `op` over the first n values of `out`; the rest of out keeps its values. Inputs are buffers
 *  or packed intermediate textures. */
export function runMap(rt: GpuRuntime, op: MapOp, out: WebglBuffer, n: number, inputs: readonly (WebglBuffer | GpuTexture)[], scalars: readonly number[] = []): void {
  intoKeepingTail(rt, out, n, mapShader(op), {}, inputs, scalars);
}

/** Stores the first n values of `tex` (packed like a buffer of n values) into out, whose tail
 *  past n keeps its values; takes ownership of tex. */
export function storePrefix(rt: GpuRuntime, out: WebglBuffer, tex: GpuTexture, n: number): void {
  if (out.size === n) {
    rt.assign(out, tex);
    return;
  }
  try {
    runMap(rt, IDENTITY, out, n, [tex]);
  } finally {
    tex.delete();
  }
}

/** Runs a single-target shader over the packed layout of n values (constants outS and texels
 *  set) and stores the result into the first n values of out. */
export function runPrefix(rt: GpuRuntime, out: WebglBuffer, n: number, shader: Shader, constants: Record<string, number>, args: readonly (WebglBuffer | GpuTexture | number)[]): void {
  if (out.size === n) {
    rt.into(out, shader, constants, args);
    return;
  }
  storePrefix(rt, out, rt.run1(shader, n, { ...constants, texels: rt.layout(n).texels }, args), n);
}
