// Targets of any per-sample shape (issue 14). A data iterator's targets are laid out like the
// model's output, [...targetShape, n] with the batch innermost; targetShape defaults to [nclass]
// (one class per sample, one-hot), and dense iterators give their own: [nclass, H, W] one-hot per
// pixel (src/data/target-iterators.ts LabelMapIterator), or [k] real values for regression
// (TargetArrayIterator). The cost and the metric decide what the values mean; this module only
// checks that the shapes agree, before anything runs, with messages that name both shapes.
import type { Backend } from '../backends/backend.ts';
import type { Batch, DataIterator } from '../data/iterator.ts';
import type { Metric } from '../nn/metrics.ts';
import { sameShape, shapeString, sizeOf } from '../shape.ts';
import { Tensor } from '../tensor.ts';

/** Throws unless the model's per-sample output has the data's per-sample target shape. */
export function checkTargets(outShape: readonly number[], data: DataIterator): void {
  if (data.targetShape === undefined) {
    if (outShape.length !== 1 || outShape[0] !== data.nclass) {
      throw new Error(`Model: the last layer gives ${shapeString(outShape)} per sample, the data has ${data.nclass} classes (expected [${data.nclass}])`);
    }
    return;
  }
  if (!sameShape(outShape, data.targetShape)) {
    throw new Error(`Model: the last layer gives ${shapeString(outShape)} per sample, but the data's targets are ` +
      `${shapeString(data.targetShape)} per sample`);
  }
}

/** Lets the metric refuse outputs it cannot score (and learn the class count of a class map). */
export function checkMetric(metric: Metric | undefined, outShape: readonly number[]): void {
  metric?.checkOutput?.(outShape);
}

/** A batch's targets as a tensor [...shape, n]; the length is checked against the shape. */
export function targetTensor(backend: Backend, batch: Batch, shape: readonly number[]): Tensor {
  const want = sizeOf(shape) * batch.n;
  if (batch.targets.length !== want) {
    throw new Error(`Model: a batch of ${batch.n} samples has ${batch.targets.length} target values, ` +
      `expected ${want} (${shapeString(shape)} per sample)`);
  }
  return Tensor.fromArray(backend, batch.targets, [...shape, batch.n]);
}
