// Shared pieces of the node converters (ops.ts): the conversion result, the context, and checks
// that name the node when a constant, a shape or a window attribute does not fit.
import type { Layer } from '../layers/index.ts';
import type { OnnxTensor } from './codec.ts';
import { attr, attrInts, fail, type DynNode } from './prep.ts';

export type Unit = { kind: 'layer'; layer: Layer } | { kind: 'flatten' };

export interface Converted {
  units: Unit[];
  /** Per-sample output shape. */
  outShape: number[];
}

export interface ConvertContext {
  opset: number;
  names: { take(base: string): string };
  /** Parameter and state values by name, uploaded when the model is built. */
  tensors: Map<string, { shape: number[]; values: Float32Array }>;
}

export const layerUnit = (layer: Layer): Unit => ({ kind: 'layer', layer });

export function floats(d: DynNode, t: OnnxTensor | null, what: string): Float32Array {
  if (!t || !t.floats) fail(d.node, `the ${what} must be a constant float tensor`);
  return t.floats;
}

/** Runs a layer's shape inference, naming the node on failure. */
export function configure(d: DynNode, layer: Layer, inShape: readonly number[]): number[] {
  try {
    return [...layer.configure(inShape)];
  } catch (e) {
    return fail(d.node, (e as Error).message);
  }
}

export function make<T>(d: DynNode, build: () => T): T {
  try {
    return build();
  } catch (e) {
    return fail(d.node, (e as Error).message);
  }
}

/** Symmetric per-dim padding from pads / auto_pad (plus a fused Pad's). */
export function windowPads(d: DynNode, inShape: readonly number[], kernel: number[], strides: number[], dilations: number[]): number[] {
  const n = d.node, dims = kernel.length;
  const autoPad = attr(n, 'auto_pad')?.s ?? 'NOTSET';
  let pad: number[];
  if (autoPad === 'NOTSET') {
    const pads = attrInts(n, 'pads') ?? new Array<number>(2 * dims).fill(0);
    if (pads.length !== 2 * dims) fail(n, `pads [${pads.join(', ')}] should have ${2 * dims} entries`);
    pad = pads.slice(0, dims);
    if (pad.some((v, i) => v !== pads[dims + i])) fail(n, `asymmetric pads [${pads.join(', ')}] are not supported (Argon pads both sides alike)`);
  } else if (autoPad === 'VALID') {
    pad = new Array<number>(dims).fill(0);
  } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pad = kernel.map((k, i) => {
      const x = inShape[1 + i], span = dilations[i] * (k - 1) + 1;
      const total = Math.max((Math.ceil(x / strides[i]) - 1) * strides[i] + span - x, 0);
      if (total % 2) fail(n, `auto_pad ${autoPad} needs asymmetric padding (${total} cells in spatial dim ${i}), which is not supported`);
      return total / 2;
    });
  } else {
    return fail(n, `auto_pad '${autoPad}' is not supported`);
  }
  return pad.map((v, i) => v + (d.extraPads?.[i] ?? 0));
}

export function checkImage(d: DynNode, inShape: readonly number[], dims: number): void {
  if (inShape.length !== dims + 1) fail(d.node, `expects an input [N, C, ${dims} spatial dim(s)], got [N, ${inShape.join(', ')}]`);
}
