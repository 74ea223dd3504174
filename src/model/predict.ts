// Model.predict and predictClasses, Keras-style: one sample gives one probability vector, a batch
// gives one per sample. What counts as one sample and what as a batch is decided by the input's
// kind, never by guessing from a length: a flat array is one sample (its length must be the input
// size), while rows (an array of arrays), a Tensor [...inputShape, N] (Argon's layout, batch last)
// and a data iterator are batches.
import type { DataIterator } from '../data/iterator.ts';
import { shapeString, sizeOf } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { checkRowsFinite } from '../finite.ts';
import { imageToChw, isImageData, type ImageDataLike } from './inputs.ts';

/** One sample: its values in the user's layout (C·H·W or F, pixels 0–255), an ImageData, or (Node) an image path. */
export type PredictSample = Float32Array | readonly number[] | ImageDataLike | string;
/** Several samples: rows of values, a Tensor [...inputShape, N], or a data iterator. */
export type PredictBatch = readonly (Float32Array | readonly number[])[] | Tensor | DataIterator;

/** What predict needs of a Model (structural, so this file does not import model.ts). */
export interface Predictor {
  readonly built: boolean;
  readonly inputShape: readonly number[];
  readonly pendingShape: readonly number[] | null;
  build(inputShape: readonly number[]): Promise<void>;
  getOutputs(data: DataIterator | Float32Array, opts?: { inputShape?: readonly number[] }): Promise<Float32Array>;
  readonly outputShape: readonly number[];
}

/** The input shape the model is built for, building it first for a loaded file's recorded shape. */
async function readyShape(model: Predictor, op: string): Promise<readonly number[]> {
  const shape = model.built ? model.inputShape : model.pendingShape;
  if (!shape) throw new Error(`${op}: the model is not built yet (train it, load a saved model, or call build(inputShape))`);
  await model.build(shape);
  return shape;
}

function isDataIterator(x: unknown): x is DataIterator {
  return typeof x === 'object' && x !== null && typeof (x as { batches?: unknown }).batches === 'function' &&
    Array.isArray((x as { inputShape?: unknown }).inputShape);
}

function isRow(x: unknown): x is Float32Array | readonly number[] {
  return x instanceof Float32Array || (Array.isArray(x) && (x.length === 0 || typeof x[0] === 'number'));
}

/** Whether predict was given a batch (rows, a Tensor, an iterator) rather than one sample. */
export function isBatch(x: unknown): x is PredictBatch {
  if (x instanceof Tensor || isDataIterator(x)) return true;
  return Array.isArray(x) && x.length > 0 && (x[0] instanceof Float32Array || Array.isArray(x[0]));
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return x.length === 0 ? 'an empty array' : `an array of ${typeof x[0]}`;
  if (ArrayBuffer.isView(x)) return x.constructor.name;
  return typeof x === 'object' ? `an object (${Object.keys(x).slice(0, 4).join(', ') || 'no keys'})` : typeof x;
}

const BATCH_HINT = 'for several samples pass rows (number[][] or Float32Array[]), a Tensor [...inputShape, N] or a data iterator';

/** Splits N × nout rows into one Float32Array per sample: views (no copy) of `flat`, which getOutputs
 *  allocated for this call alone, so no one else writes to it; the rows share its buffer. */
function splitRows(flat: Float32Array, nout: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let r = 0; r < flat.length; r += nout) out.push(flat.subarray(r, r + nout));
  return out;
}

/** Probabilities for one sample. */
export async function predictOne(model: Predictor, sample: PredictSample): Promise<Float32Array> {
  if (!(typeof sample === 'string' || isImageData(sample) || isRow(sample))) {
    throw new Error(`predict: expected one sample (Float32Array, number[], ImageData or an image path) or a batch, got ${describe(sample)}; ${BATCH_HINT}`);
  }
  const shape = await readyShape(model, 'predict');
  if (isRow(sample) && sample.length !== sizeOf(shape)) {
    const n = sample.length / sizeOf(shape);
    const several = Number.isInteger(n) && n > 1 ? ` (${n} samples' worth: ${BATCH_HINT})` : '';
    throw new Error(`predict: expected ${sizeOf(shape)} values for one ${shapeString(shape)} sample, got ${sample.length}${several}`);
  }
  const chw = Float32Array.from(await imageToChw(isRow(sample) ? Float32Array.from(sample) : sample, shape));
  checkRowsFinite('predict', chw, sizeOf(shape));
  // getOutputs returns a fresh array of exactly one row: no copy needed.
  return model.getOutputs(chw, { inputShape: shape });
}

/** Probabilities for every sample of a batch, in order. */
export async function predictBatch(model: Predictor, batch: PredictBatch): Promise<Float32Array[]> {
  if (isDataIterator(batch)) {
    const flat = await model.getOutputs(batch);
    return splitRows(flat, sizeOf(model.outputShape));
  }
  const shape = await readyShape(model, 'predict');
  const F = sizeOf(shape);
  let rows: Float32Array;
  if (batch instanceof Tensor) {
    const want = `[${[...shape, 'N'].join(', ')}]`;
    if (batch.shape.length !== shape.length + 1 || shape.some((d, i) => batch.shape[i] !== d)) {
      throw new Error(`predict: a Tensor batch must have shape ${want} (the model's input, batch last), got ${shapeString(batch.shape)}`);
    }
    const n = batch.shape[shape.length];
    const v = batch.toArray();
    rows = new Float32Array(n * F);
    for (let j = 0; j < n; j++) for (let i = 0; i < F; i++) rows[j * F + i] = v[i * n + j];
  } else {
    if (!Array.isArray(batch) || batch.length === 0) throw new Error(`predict: a batch needs at least one row, got ${describe(batch)}`);
    rows = new Float32Array(batch.length * F);
    batch.forEach((row, j) => {
      if (!isRow(row)) throw new Error(`predict: row ${j} is ${describe(row)}, not a Float32Array or number[]`);
      if (row.length !== F) throw new Error(`predict: row ${j} has ${row.length} values; one ${shapeString(shape)} sample has ${F}`);
      rows.set(row, j * F);
    });
  }
  checkRowsFinite('predict', rows, F);
  return splitRows(await model.getOutputs(rows, { inputShape: shape }), sizeOf(model.outputShape));
}

/** The index of the largest value (the first on ties). */
export function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
  return best;
}
