// Metrics for targets other than one class per sample (issue 14), behind the same Metric interface
// Model.fit / Model.eval use for classification:
//   PixelAccuracy, MeanIoU  class maps: outputs and one-hot targets [nclass, ...positions, n]
//                           (batch innermost); an all-zero target column is an unlabelled position
//                           (ignore label) and is not counted. Both accumulate one confusion matrix
//                           over every position of every batch, so the value is exact over the whole
//                           set (mean IoU is not a mean of per-batch IoUs).
//   MeanAbsoluteError       real-valued targets of any shape: the mean of |y − t| over every value.
//   MetricList              several metrics as one (Model.fit takes one metric object).
import type { Metric, MetricConfig } from './metrics.ts';
import { PixelConfusion } from './segmentation-metrics.ts';

export type DenseMetricConfig =
  | { type: 'PixelAccuracy'; nclass?: number }
  | { type: 'MeanIoU'; nclass?: number }
  | { type: 'MeanAbsoluteError' }
  | { type: 'MetricList'; metrics: MetricConfig[] };

/** What PixelAccuracy and MeanIoU share: a confusion matrix whose class count comes from the
 *  constructor or from the model's output shape (checkOutput, called by Model.fit / Model.eval). */
abstract class ClassMapMetric implements Metric {
  abstract readonly type: 'PixelAccuracy' | 'MeanIoU';
  abstract readonly metricNames: readonly string[];
  private readonly fixed: number | undefined;
  private matrix: PixelConfusion | null = null;

  constructor({ nclass }: { nclass?: number } = {}) {
    if (nclass !== undefined) {
      if (!Number.isInteger(nclass) || nclass < 1) throw new Error(`${new.target.name}: nclass must be a positive integer, got ${nclass}`);
      this.matrix = new PixelConfusion(nclass);
    }
    this.fixed = nclass;
  }

  /** The confusion matrix accumulated since reset() (rows: true class, columns: predicted). */
  get confusion(): PixelConfusion {
    if (!this.matrix) throw new Error(`${this.type}: the class count is unknown; pass { nclass } or use the metric through Model.fit / Model.eval`);
    return this.matrix;
  }

  checkOutput(outShape: readonly number[]): void {
    const c = outShape[0];
    if (this.fixed !== undefined && c !== this.fixed) {
      throw new Error(`${this.type}: built for ${this.fixed} classes, but the model gives [${outShape.join(', ')}] per sample (classes first)`);
    }
    if (this.matrix?.nclass !== c) this.matrix = new PixelConfusion(c);
  }

  reset(): void {
    this.matrix?.reset();
  }

  update(y: ArrayLike<number>, t: ArrayLike<number>, n: number, valid = n): void {
    this.confusion.updateTargets(y, t, n, valid);
  }

  protected counted(): PixelConfusion {
    const m = this.confusion;
    if (m.pixels === 0) throw new Error(`${this.type}: values() before any labelled position was counted`);
    return m;
  }

  abstract values(): number[];

  config(): MetricConfig {
    return this.fixed === undefined ? { type: this.type } : { type: this.type, nclass: this.fixed };
  }
}

/** Correctly classified positions / labelled positions. */
export class PixelAccuracy extends ClassMapMetric {
  readonly type = 'PixelAccuracy';
  readonly metricNames = ['PixelAccuracy'];
  values(): number[] {
    return [this.counted().pixelAccuracy()];
  }
}

/** Mean over classes of TP / (TP + FP + FN), over the classes present in the truth or the prediction. */
export class MeanIoU extends ClassMapMetric {
  readonly type = 'MeanIoU';
  readonly metricNames = ['MeanIoU'];
  values(): number[] {
    return [this.counted().meanIoU()];
  }
  /** IoU per class (NaN for a class in neither the truth nor the prediction). */
  iou(): number[] {
    return this.counted().iou();
  }
}

/** Mean of |y − t| over every target value of the counted samples (in the targets' units). */
export class MeanAbsoluteError implements Metric {
  readonly type = 'MeanAbsoluteError';
  readonly metricNames = ['MeanAbsoluteError'];
  private sum = 0;
  private count = 0;

  checkOutput(): void {
    // Any target shape: y and t are compared value by value.
  }

  reset(): void {
    this.sum = 0;
    this.count = 0;
  }

  update(y: ArrayLike<number>, t: ArrayLike<number>, n: number, valid = n): void {
    if (y.length !== t.length) throw new Error(`MeanAbsoluteError: outputs hold ${y.length} values but targets ${t.length}`);
    if (!Number.isInteger(n) || n < 1 || y.length % n !== 0) throw new Error(`MeanAbsoluteError: ${y.length} values are not units × ${n} samples`);
    if (!Number.isInteger(valid) || valid < 0 || valid > n) throw new Error(`MeanAbsoluteError: valid count ${valid} is not in [0, ${n}]`);
    for (let i = 0; i < y.length; i++) {
      if (i % n < valid) this.sum += Math.abs(y[i] - t[i]);
    }
    this.count += (y.length / n) * valid;
  }

  values(): number[] {
    if (this.count === 0) throw new Error('MeanAbsoluteError: values() before any update()');
    return [this.sum / this.count];
  }

  config(): MetricConfig {
    return { type: this.type };
  }
}

/** Several metrics as one: the names and values of each, in order. */
export class MetricList implements Metric {
  readonly type = 'MetricList';
  readonly metricNames: readonly string[];

  constructor(readonly metrics: readonly Metric[]) {
    if (metrics.length === 0) throw new Error('MetricList: give at least one metric');
    this.metricNames = metrics.flatMap((m) => m.metricNames);
    const seen = new Set<string>();
    for (const name of this.metricNames) {
      if (seen.has(name)) throw new Error(`MetricList: two metrics are named '${name}'`);
      seen.add(name);
    }
  }

  checkOutput(outShape: readonly number[]): void {
    for (const m of this.metrics) m.checkOutput?.(outShape);
  }

  reset(): void {
    for (const m of this.metrics) m.reset();
  }

  update(y: ArrayLike<number>, t: ArrayLike<number>, n: number, valid = n): void {
    for (const m of this.metrics) m.update(y, t, n, valid);
  }

  values(): number[] {
    return this.metrics.flatMap((m) => m.values());
  }

  config(): MetricConfig {
    return { type: this.type, metrics: this.metrics.map((m) => m.config()) };
  }
}

/** The metrics of this file from their config; `fromConfig` rebuilds a MetricList's members. */
export function denseMetricFromConfig(cfg: DenseMetricConfig, fromConfig: (c: MetricConfig) => Metric): Metric {
  switch (cfg.type) {
    case 'PixelAccuracy': return new PixelAccuracy({ nclass: cfg.nclass });
    case 'MeanIoU': return new MeanIoU({ nclass: cfg.nclass });
    case 'MeanAbsoluteError': return new MeanAbsoluteError();
    case 'MetricList': return new MetricList(cfg.metrics.map(fromConfig));
  }
}
