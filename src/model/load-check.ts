// Building a model whose values come from a file (a checkpoint, an ONNX import) without trusting the
// file (issue 15 §1): after shape inference and BEFORE any buffer is made, the input shape and every
// layer's output are held to an activation limit, and every layer's parameter count to what the
// file's tensor table holds for it, so a crafted topology (a Conv with 3×10⁷ filters in a 420 KB
// file) is an error instead of gigabytes of throw-away random weights. The values then come
// straight from the file (ParamPreset): nothing is drawn from the model's Random, so its restored
// state, and with it dropout masks, replay exactly.
import type { BackendName } from '../backends/select.ts';
import { buildLayers, type BuildContext, type Layer, type ParamPreset } from '../layers/index.ts';
import { sameShape, shapeString, sizeOf } from '../shape.ts';

/** Values per sample any one activation (the input included) of a loaded model may hold:
 *  2²⁸ = 268,435,456 float32 values, 1 GiB, a quarter of wasm32's 4 GiB. Raise it with the
 *  `maxActivationValues` option of Model.load/fromBytes/fromOnnx or ARGON_MAX_ACTIVATION_VALUES. */
export const DEFAULT_MAX_ACTIVATION_VALUES = 2 ** 28;

export type FileTensors = ReadonlyMap<string, { shape: readonly number[]; values: Float32Array }>;

/** How Model.load, fromBytes and fromOnnx treat the file. */
export interface LoadOptions {
  backend?: BackendName;
  /** Refuse a file whose input or any layer output exceeds this many values per sample
   *  (default 2²⁸, or ARGON_MAX_ACTIVATION_VALUES). */
  maxActivationValues?: number;
}

/** What Model.fromBytes and fromOnnx keep until the model is first built. */
export interface PendingState {
  tensors: Map<string, { shape: number[]; values: Float32Array }>;
  /** Names the file in errors. */
  source?: string;
  /** Values per sample an activation may hold. */
  maxActivationValues?: number;
  /** How the source states the input shape, for errors (default: the model file's field). */
  inputField?: string;
}

export interface FileValues {
  tensors: FileTensors;
  /** Names the file in errors. */
  source: string;
  maxActivationValues: number;
  /** How the file states its input shape (default: its field 'inputShape'). */
  inputField?: string;
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/** The limit from the option, else ARGON_MAX_ACTIVATION_VALUES, else the default. */
export function resolveActivationLimit(option: number | undefined): number {
  const env = typeof process !== 'undefined' ? process.env?.ARGON_MAX_ACTIVATION_VALUES : undefined;
  const value = option ?? (env !== undefined && env !== '' ? Number(env) : DEFAULT_MAX_ACTIVATION_VALUES);
  if (!Number.isSafeInteger(value) || value < 1) {
    const from = option !== undefined ? 'maxActivationValues' : 'ARGON_MAX_ACTIVATION_VALUES';
    throw new Error(`${from} must be a positive integer, got ${option ?? env}`);
  }
  return value;
}

function limitHint(f: FileValues): string {
  return `above the limit of ${fmt(f.maxActivationValues)} (maxActivationValues; raise it with that option of Model.load or ARGON_MAX_ACTIVATION_VALUES)`;
}

/** The owner of a tensor name 'layer.W' → 'layer' (parameter suffixes hold no dot). */
const ownerOf = (name: string): string => name.slice(0, Math.max(0, name.lastIndexOf('.')));

/** Checks the configured tree against the file before anything is allocated. `fileShape` is the
 *  file's own input shape (named as its field when it is the one being built). */
export function checkAgainstFile(root: Layer, f: FileValues, fileShape: readonly number[] | null): void {
  const input = root.inShape;
  const inSize = sizeOf(input);
  if (inSize > f.maxActivationValues) {
    const what = fileShape && sameShape(fileShape, input) ? `${f.inputField ?? "field 'inputShape'"} ${shapeString(input)}` : `the input shape ${shapeString(input)}`;
    throw new Error(`${f.source}: ${what} has ${fmt(inSize)} values per sample, ${limitHint(f)}`);
  }
  const rows = root.info();
  for (const row of rows) {
    const out = sizeOf(row.outShape);
    if (out > f.maxActivationValues) {
      throw new Error(`${f.source}: layer '${row.name}' (${row.type}) would output ${shapeString(row.outShape)} = ${fmt(out)} values per sample, ${limitHint(f)}`);
    }
  }
  const held = new Map<string, { count: number; names: string[] }>();
  for (const [name, t] of f.tensors) {
    if (name.startsWith('optimizer/')) continue;
    const h = held.get(ownerOf(name)) ?? { count: 0, names: [] };
    h.count += t.values.length;
    h.names.push(name);
    held.set(ownerOf(name), h);
  }
  const need = new Map<string, { count: number; type: string; inShape: readonly number[] }>();
  for (const row of rows) {
    const n = need.get(row.name) ?? { count: 0, type: row.type, inShape: row.inShape };
    n.count += row.params + row.states;
    need.set(row.name, n);
  }
  for (const [name, n] of need) {
    const h = held.get(name) ?? { count: 0, names: [] };
    if (n.count === h.count) continue;
    const list = h.names.length ? ` (${h.names.join(', ')})` : '';
    throw new Error(`${f.source}: layer '${name}' (${n.type}) needs ${fmt(n.count)} parameter values for its input ${shapeString(n.inShape)}, ` +
      `the file holds ${fmt(h.count)} for it${list}: the topology and the tensor table disagree`);
  }
}

/** Parameter values from the file: the named tensor, of exactly the layer's shape. */
export function filePreset(f: FileValues): ParamPreset {
  return {
    values(name: string, shape: readonly number[]): Float32Array {
      const t = f.tensors.get(name);
      if (!t) throw new Error(`${f.source}: no values for '${name}' in the tensor table`);
      if (!sameShape(t.shape, shape)) {
        throw new Error(`${f.source}: tensor '${name}' has shape ${shapeString(t.shape)}, the layer needs ${shapeString(shape)}`);
      }
      return t.values;
    },
  };
}

/** Builds a loaded model: checked against its file before anything is allocated, values taken from
 *  the file (so nothing is drawn from the RNG, whose state fromBytes restored). On failure nothing
 *  stays allocated. */
export function buildFromFile(root: Layer, inputShape: readonly number[], ctx: BuildContext, pending: PendingState,
  fileShape: readonly number[] | null): void {
  const file: FileValues = { ...pending, source: pending.source ?? 'model file', maxActivationValues: resolveActivationLimit(pending.maxActivationValues) };
  try {
    buildLayers(root, inputShape, { ...ctx, preset: filePreset(file) }, (r) => checkAgainstFile(r, file, fileShape));
  } catch (e) {
    root.dispose();
    throw e;
  }
}
