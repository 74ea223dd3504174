// Per-pixel metrics for segmentation outputs: a confusion matrix over every pixel of every image,
// pixel accuracy = Σ correct / Σ pixels, and mean IoU = the mean over classes of
// TP / (TP + FP + FN), taken over the classes that occur in the truth or the prediction (a class
// absent from both has no IoU; Long et al. 2015 §5 "mean IU").

export class PixelConfusion {
  /** counts[truth · nclass + predicted]. */
  readonly counts: Float64Array;

  constructor(readonly nclass: number) {
    if (!Number.isInteger(nclass) || nclass < 1) throw new Error(`PixelConfusion: nclass must be a positive integer, got ${nclass}`);
    this.counts = new Float64Array(nclass * nclass);
  }

  reset(): void {
    this.counts.fill(0);
  }

  /** scores [nclass, pixels·n] (any per-pixel scores, e.g. probabilities; the argmax is taken, first
   *  maximum on ties) against masks [pixels·n], both in the batch-innermost layout. */
  update(scores: ArrayLike<number>, masks: ArrayLike<number>): void {
    const C = this.nclass, inner = masks.length;
    if (scores.length !== C * inner) throw new Error(`PixelConfusion: ${scores.length} scores are not ${C} classes × ${inner} pixels`);
    for (let j = 0; j < inner; j++) {
      let best = 0, bestValue = scores[j];
      for (let k = 1; k < C; k++) {
        const v = scores[k * inner + j];
        if (v > bestValue) { best = k; bestValue = v; }
      }
      const truth = masks[j];
      if (!(truth >= 0 && truth < C)) throw new Error(`PixelConfusion: label ${truth} at pixel ${j} is outside [0, ${C})`);
      this.counts[truth * C + best]++;
    }
  }

  /** scores and one-hot targets, both [nclass, positions, n] with the batch innermost (a model's
   *  output and a LabelMapIterator's targets); only samples j < valid count, and a position whose
   *  target column is all zeros (an ignore label) is skipped. A column that is not one-hot is an error. */
  updateTargets(scores: ArrayLike<number>, targets: ArrayLike<number>, n: number, valid = n): void {
    const C = this.nclass;
    if (scores.length !== targets.length) throw new Error(`PixelConfusion: ${scores.length} scores but ${targets.length} target values`);
    if (!Number.isInteger(n) || n < 1 || scores.length % (C * n) !== 0) {
      throw new Error(`PixelConfusion: ${scores.length} scores are not ${C} classes × positions × ${n} samples`);
    }
    if (!Number.isInteger(valid) || valid < 0 || valid > n) throw new Error(`PixelConfusion: valid count ${valid} is not in [0, ${n}]`);
    const inner = scores.length / C;
    for (let col = 0; col < inner; col++) {
      if (col % n >= valid) continue;
      let truth = -1, ones = 0;
      for (let k = 0; k < C; k++) {
        const v = targets[k * inner + col];
        if (v === 1) { truth = k; ones++; } else if (v !== 0) ones = 2;
      }
      if (ones === 0) continue;
      if (ones !== 1) {
        throw new Error(`PixelConfusion: the targets of position ${Math.floor(col / n)}, sample ${col % n} are not one-hot (nor all 0 for an ignored position)`);
      }
      let best = 0, bestValue = scores[col];
      for (let k = 1; k < C; k++) {
        const v = scores[k * inner + col];
        if (v > bestValue) { best = k; bestValue = v; }
      }
      this.counts[truth * C + best]++;
    }
  }

  get pixels(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  pixelAccuracy(): number {
    let correct = 0;
    for (let k = 0; k < this.nclass; k++) correct += this.counts[k * this.nclass + k];
    return correct / this.pixels;
  }

  /** IoU per class (NaN where the class is in neither the truth nor the prediction). */
  iou(): number[] {
    const C = this.nclass;
    return Array.from({ length: C }, (_, k) => {
      let truth = 0, predicted = 0;
      for (let j = 0; j < C; j++) { truth += this.counts[k * C + j]; predicted += this.counts[j * C + k]; }
      const tp = this.counts[k * C + k], union = truth + predicted - tp;
      return union === 0 ? NaN : tp / union;
    });
  }

  meanIoU(): number {
    const present = this.iou().filter((v) => !Number.isNaN(v));
    return present.reduce((a, b) => a + b, 0) / present.length;
  }
}
