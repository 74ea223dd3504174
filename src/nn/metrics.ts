// Metrics (neon transforms/cost.py, Metric subclasses), computed on the host from outputs y and
// targets t laid out [nclass, N] with the batch innermost: y[k·N + j] is class k of sample j.
// Each batch yields neon's per-batch values over its first `valid` columns (neon's calcrange), and
// values() weights the batches by their valid sample counts, as neon's Model.eval (model.py:274-285).

import { denseMetricFromConfig, type DenseMetricConfig } from './dense-metrics.ts';

const LOG_FLOOR = Math.exp(-50);
const safelog = (v: number) => Math.log(Math.max(v, LOG_FLOOR));

export type MetricConfig =
  | { type: 'Misclassification' }
  | { type: 'Accuracy' }
  | { type: 'LogLoss' }
  | { type: 'TopKMisclassification'; k: number }
  | { type: 'PrecisionRecall'; numClasses: number; binarize: boolean; epsilon: number }
  | DenseMetricConfig;

export interface Metric {
  readonly type: MetricConfig['type'];
  readonly metricNames: readonly string[];
  reset(): void;
  /** Adds one batch: y and t hold nclass × n values; only the first `valid` columns count (default n). */
  update(y: ArrayLike<number>, t: ArrayLike<number>, n: number, valid?: number): void;
  /** One value per metric name, the sample-weighted mean over the batches since reset(). */
  values(): number[];
  config(): MetricConfig;
  /** Throws unless the metric can score outputs of this per-sample shape; Model.fit / Model.eval
   *  call it before anything runs (class-map metrics also take their class count from it). */
  checkOutput?(outShape: readonly number[]): void;
}

/** Index of the first maximum of column j (ties go to the first index, as neon's argmax). */
function argmaxColumn(a: ArrayLike<number>, nclass: number, n: number, j: number): number {
  let best = 0, bestValue = a[j];
  for (let k = 1; k < nclass; k++) {
    const v = a[k * n + j];
    if (v > bestValue) { best = k; bestValue = v; }
  }
  return best;
}

function checkBatch(name: string, y: ArrayLike<number>, t: ArrayLike<number>, n: number, valid: number): number {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}: batch width must be a positive integer, got ${n}`);
  if (y.length !== t.length) throw new Error(`${name}: outputs hold ${y.length} values but targets ${t.length}`);
  if (y.length % n !== 0 || y.length === 0) throw new Error(`${name}: ${y.length} output values are not nclass × ${n}`);
  if (!Number.isInteger(valid) || valid < 0 || valid > n) throw new Error(`${name}: valid count ${valid} is not in [0, ${n}]`);
  return y.length / n;
}

abstract class BatchMetric implements Metric {
  abstract readonly type: MetricConfig['type'];
  abstract readonly metricNames: readonly string[];
  private sums: number[] = [];
  private count = 0;

  /** neon's __call__: the metric values of one batch over its first `valid` columns. */
  protected abstract compute(y: ArrayLike<number>, t: ArrayLike<number>, nclass: number, n: number, valid: number): number[];
  abstract config(): MetricConfig;

  reset(): void {
    this.sums = [];
    this.count = 0;
  }

  /** These metrics read one class vector per sample. */
  checkOutput(outShape: readonly number[]): void {
    if (outShape.length !== 1) {
      throw new Error(`${this.type}: scores one class vector per sample, but the model gives [${outShape.join(', ')}] per sample ` +
        '(per-pixel classes: PixelAccuracy or MeanIoU; real values: MeanAbsoluteError)');
    }
  }

  update(y: ArrayLike<number>, t: ArrayLike<number>, n: number, valid = n): void {
    const nclass = checkBatch(this.type, y, t, n, valid);
    if (valid === 0) return;
    const v = this.compute(y, t, nclass, n, valid);
    if (this.sums.length === 0) this.sums = v.map(() => 0);
    for (let i = 0; i < v.length; i++) this.sums[i] += v[i] * valid;
    this.count += valid;
  }

  values(): number[] {
    if (this.count === 0) throw new Error(`${this.type}: values() before any update()`);
    return this.sums.map((s) => s / this.count);
  }
}

/** Fraction of samples whose arg-max output differs from the arg-max target. */
export class Misclassification extends BatchMetric {
  readonly type = 'Misclassification';
  readonly metricNames = ['Top1Misclass'];
  protected compute(y: ArrayLike<number>, t: ArrayLike<number>, nclass: number, n: number, valid: number): number[] {
    let wrong = 0;
    for (let j = 0; j < valid; j++) if (argmaxColumn(y, nclass, n, j) !== argmaxColumn(t, nclass, n, j)) wrong++;
    return [wrong / valid];
  }
  config(): MetricConfig {
    return { type: this.type };
  }
}

export class Accuracy extends BatchMetric {
  readonly type = 'Accuracy';
  readonly metricNames = ['Accuracy'];
  protected compute(y: ArrayLike<number>, t: ArrayLike<number>, nclass: number, n: number, valid: number): number[] {
    let right = 0;
    for (let j = 0; j < valid; j++) if (argmaxColumn(y, nclass, n, j) === argmaxColumn(t, nclass, n, j)) right++;
    return [right / valid];
  }
  config(): MetricConfig {
    return { type: this.type };
  }
}

function correctProb(y: ArrayLike<number>, t: ArrayLike<number>, nclass: number, n: number, j: number): number {
  let s = 0;
  for (let k = 0; k < nclass; k++) s += y[k * n + j] * t[k * n + j];
  return s;
}

/** mean −log Σ_k y·t (neon safelog). */
export class LogLoss extends BatchMetric {
  readonly type = 'LogLoss';
  readonly metricNames = ['LogLoss'];
  protected compute(y: ArrayLike<number>, t: ArrayLike<number>, nclass: number, n: number, valid: number): number[] {
    let s = 0;
    for (let j = 0; j < valid; j++) s -= safelog(correctProb(y, t, nclass, n, j));
    return [s / valid];
  }
  config(): MetricConfig {
    return { type: this.type };
  }
}

/** LogLoss, Top-1 and Top-k misclassification with neon's tie rule: when several outputs equal the
 *  target's, a sample counts as the fraction of the tied places that fall outside the top k. */
export class TopKMisclassification extends BatchMetric {
  readonly type = 'TopKMisclassification';
  readonly metricNames: readonly string[];
  readonly k: number;
  constructor({ k }: { k: number }) {
    super();
    if (!Number.isInteger(k) || k < 1) throw new Error(`TopKMisclassification: k must be a positive integer, got ${k}`);
    this.k = k;
    this.metricNames = ['LogLoss', 'Top1Misclass', `Top${k}Misclass`];
  }
  protected compute(y: ArrayLike<number>, t: ArrayLike<number>, nclass: number, n: number, valid: number): number[] {
    let logLoss = 0, top1 = 0, topk = 0;
    for (let j = 0; j < valid; j++) {
      const cp = correctProb(y, t, nclass, n, j);
      let greater = 0, equal = 0, max = -Infinity;
      for (let c = 0; c < nclass; c++) {
        const v = y[c * n + j];
        if (v > cp) greater++;
        if (v === cp) equal++;
        if (v > max) max = v;
      }
      // cost.py:381-386, verbatim: nSlots places remain in the top k for the nEq tied outputs.
      const slots = this.k - greater;
      topk += 1 - (slots > 0 ? 1 : 0) * ((equal <= slots ? 1 : 0) * (1 - slots / equal) + slots / equal);
      top1 += 1 - (max === cp ? 1 : 0) / equal;
      logLoss -= safelog(cp);
    }
    return [logLoss / valid, top1 / valid, topk / valid];
  }
  config(): MetricConfig {
    return { type: this.type, k: this.k };
  }
}

/** Class-averaged precision and recall: per class tp / (predicted + ε) and tp / (targets + ε),
 *  with y used as given (probabilities) unless binarize turns it into one-hot arg-max predictions. */
export class PrecisionRecall extends BatchMetric {
  readonly type = 'PrecisionRecall';
  readonly metricNames = ['Precision', 'Recall'];
  readonly numClasses: number;
  readonly binarize: boolean;
  readonly epsilon: number;
  constructor({ numClasses, binarize = false, epsilon = 1e-6 }: { numClasses: number; binarize?: boolean; epsilon?: number }) {
    super();
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`PrecisionRecall: numClasses must be a positive integer, got ${numClasses}`);
    this.numClasses = numClasses;
    this.binarize = binarize;
    this.epsilon = epsilon;
  }
  protected compute(y: ArrayLike<number>, t: ArrayLike<number>, nclass: number, n: number, valid: number): number[] {
    if (nclass !== this.numClasses) throw new Error(`PrecisionRecall: built for ${this.numClasses} classes, got outputs with ${nclass}`);
    const tp = new Float64Array(nclass), pred = new Float64Array(nclass), tgt = new Float64Array(nclass);
    for (let j = 0; j < valid; j++) {
      const top = this.binarize ? argmaxColumn(y, nclass, n, j) : -1;
      for (let k = 0; k < nclass; k++) {
        const yv = this.binarize ? (k === top ? 1 : 0) : y[k * n + j], tv = t[k * n + j];
        tp[k] += yv * tv; pred[k] += yv; tgt[k] += tv;
      }
    }
    let precision = 0, recall = 0;
    for (let k = 0; k < nclass; k++) {
      precision += tp[k] / (pred[k] + this.epsilon);
      recall += tp[k] / (tgt[k] + this.epsilon);
    }
    return [precision / nclass, recall / nclass];
  }
  config(): MetricConfig {
    return { type: this.type, numClasses: this.numClasses, binarize: this.binarize, epsilon: this.epsilon };
  }
}

export function metricFromConfig(cfg: MetricConfig): Metric {
  switch (cfg?.type) {
    case 'Misclassification': return new Misclassification();
    case 'Accuracy': return new Accuracy();
    case 'LogLoss': return new LogLoss();
    case 'TopKMisclassification': return new TopKMisclassification({ k: cfg.k });
    case 'PrecisionRecall': return new PrecisionRecall(cfg);
    case 'PixelAccuracy': case 'MeanIoU': case 'MeanAbsoluteError': case 'MetricList':
      return denseMetricFromConfig(cfg, metricFromConfig);
    default: throw new Error(`metricFromConfig: unknown metric '${String((cfg as { type?: unknown } | undefined)?.type)}'`);
  }
}

/** Adds one batch to a confusion matrix m[true][predicted] (arg-max of t and y, first index on ties);
 *  pass `into` to accumulate over batches. Only the first `valid` columns count. */
export function confusionMatrix(
  y: ArrayLike<number>, t: ArrayLike<number>, n: number, nclass: number,
  opts: { valid?: number; into?: number[][] } = {},
): number[][] {
  const valid = opts.valid ?? n;
  const classes = checkBatch('confusionMatrix', y, t, n, valid);
  if (classes !== nclass) throw new Error(`confusionMatrix: expected ${nclass} classes, the outputs hold ${classes}`);
  const m = opts.into ?? Array.from({ length: nclass }, () => new Array<number>(nclass).fill(0));
  if (m.length !== nclass || m.some((row) => row.length !== nclass)) throw new Error(`confusionMatrix: 'into' is not ${nclass} × ${nclass}`);
  for (let j = 0; j < valid; j++) m[argmaxColumn(t, nclass, n, j)][argmaxColumn(y, nclass, n, j)]++;
  return m;
}
