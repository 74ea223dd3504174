// The numerics guard of fit (issue 15 §3). Bad numbers are stopped where they enter, so the error
// names their cause instead of a later symptom:
// - every batch's inputs are checked for NaN/±Infinity before the forward pass (a NaN pixel used to
//   vanish in the forward pass through Rectlin and max pooling, reach the weights through the
//   gradient, and be reported one batch later as "the cost is NaN … try a lower learning rate");
// - the weights are checked after every update (one sumSquares per parameter, summed on the
//   backend, one read), so an update that overflows is named by its own batch, and a non-finite
//   cost with finite inputs and weights can only be the forward pass of that batch;
// - warnings, each once per fit: a loss stuck at the cross-entropy clip (neon's safelog floor e^−50:
//   a saturated, confidently wrong output costs exactly 50 per term, so a diverged run shows a
//   steady, finite loss near 50 and no error), and a BatchNorm that sees one value per channel in
//   training (layers report it through RunContext.warn).
import type { Backend, DeviceBuffer } from '../backends/backend.ts';
import type { Param } from '../layers/index.ts';
import type { GeneralizedCost } from '../nn/costs.ts';
import { checkBatchFinite, firstNonFinite } from '../finite.ts';
import type { Tensor } from '../tensor.ts';

/** Probabilities below this are clipped by the cross-entropy costs (ops/cost.ts LOG_FLOOR). */
const CLIP_FLOOR = Math.exp(-50);
/** Batches in a row with most samples at the clip before the warning. */
const STUCK_BATCHES = 5;
/** Final activations whose outputs are probabilities in [0, 1] (see couldBeStuck). */
const PROBABILITY_OUTPUTS = new Set(['Logistic', 'Softmax', 'PixelwiseSoftmax']);

export class TrainingGuard {
  private readonly warned = new Set<string>();
  private stuck = 0;
  private stuckFrom = '';
  /** checkWeights' two one-value device buffers, allocated at its first call; dispose frees them. */
  private scratch: { backend: Backend; total: DeviceBuffer; one: DeviceBuffer } | null = null;

  constructor(private readonly cost: GeneralizedCost, private readonly onWarning: (message: string) => void) {}

  /** RunContext.warn: the first warning of each key is passed on. */
  readonly warn = (key: string, message: string): void => {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.onWarning(message);
  };

  /** A batch [..., n] (batch innermost) with a NaN or infinite input stops training here. */
  checkBatch(x: Float32Array, n: number, inputShape: readonly number[], epoch: number, batch: number): void {
    checkBatchFinite(`training stopped before the update (the weights were not changed): epoch ${epoch}, batch ${batch}`, x, n, { inputShape });
  }

  /** The cost of a batch with finite inputs and weights is non-finite: its forward pass overflowed. */
  costNotFinite(value: number, epoch: number, batch: number): Error {
    return new Error(`training stopped: the cost is ${value} at epoch ${epoch}, batch ${batch}: its inputs and the weights are finite, ` +
      `so the forward pass overflowed (try a lower learning rate, or scale the inputs) — the weights were not changed`);
  }

  /** After an update: throws naming this batch when any weight is NaN or infinite. */
  checkWeights(params: readonly Param[], epoch: number, batch: number): void {
    if (params.length === 0) return;
    const { backend, total, one } = this.scratchFor(params[0].value.backend);
    params.forEach((p, i) => {
      if (p.value.backend !== backend) throw new Error(`checkWeights: '${p.name}' lives on another backend`);
      if (i === 0) { backend.run('sumSquares', { x: p.value.buf, out: total, n: p.value.size }); return; }
      backend.run('sumSquares', { x: p.value.buf, out: one, n: p.value.size });
      backend.run('axpby', { x: one, y: total, out: total, n: 1, a: 1, b: 1 });
    });
    if (Number.isFinite(backend.read(total)[0])) return;
    const bad = params.find((p) => firstNonFinite(p.value.toArray()) >= 0);
    throw new Error(`training stopped: the update of epoch ${epoch}, batch ${batch} made the weights not finite ` +
      `(${bad ? `first '${bad.name}'` : 'their sum of squares overflows float32'}): lower the learning rate. ` +
      'The weights in memory are unusable; checkpoints already written are intact');
  }

  private scratchFor(backend: Backend): { backend: Backend; total: DeviceBuffer; one: DeviceBuffer } {
    if (this.scratch?.backend !== backend) {
      this.dispose();
      this.scratch = { backend, total: backend.alloc(1), one: backend.alloc(1) };
    }
    return this.scratch;
  }

  /** Frees checkWeights' scratch buffers (fit calls it when it ends, however it ends). */
  dispose(): void {
    if (!this.scratch) return;
    const { backend, total, one } = this.scratch;
    this.scratch = null;
    backend.dispose(total);
    backend.dispose(one);
  }

  /** Watches the outputs y against targets t ([..., n], batch innermost) for a loss stuck at the
   *  cross-entropy clip: most samples with a clipped term, STUCK_BATCHES batches in a row. `value`
   *  is the batch's mean cost and `final` the type of the activation that made y (null: none); when
   *  they rule the clip out, y is not copied to the host. */
  observe(output: Tensor, final: string | null, t: ArrayLike<number>, n: number, value: number, epoch: number, batch: number): void {
    const type = this.cost.costfunc.type;
    if (this.warned.has('clip') || (type !== 'CrossEntropyBinary' && type !== 'CrossEntropyMulti')) return;
    if (!this.couldBeStuck(final, t, value)) { this.stuck = 0; return; }
    const y = output.toArray();
    let count = 0;
    for (let j = 0; j < n; j++) {
      for (let i = j; i < y.length; i += n) {
        const p = y[i], q = t[i];
        if ((q > 0 && p < CLIP_FLOOR) || (type === 'CrossEntropyBinary' && q < 1 && 1 - p < CLIP_FLOOR)) { count++; break; }
      }
    }
    if (2 * count < n) { this.stuck = 0; return; }
    if (this.stuck++ === 0) this.stuckFrom = `epoch ${epoch}, batch ${batch}`;
    if (this.stuck < STUCK_BATCHES) return;
    this.warn('clip', `the loss is stuck at the ${type} clip: in ${STUCK_BATCHES} batches in a row from ${this.stuckFrom}, most samples ` +
      'had a probability below e^-50 for their target, which the cost clips to 50 per term, so the loss stays finite while the ' +
      'outputs are saturated. The learning rate is probably too high (or the inputs are not scaled)');
  }

  /** False only when the batch's mean cost `value` proves fewer than half its samples have a clipped
   *  term. A clipped term (p < e^−50 under a target weight w > 0: w is t, or 1 − t in the binary
   *  cost's second term) costs exactly 50·w·factor, and every other term is ≥ 0 when t and y lie in
   *  [0, 1] (y from a probability activation). So half the samples at the clip make the mean at least
   *  25·wmin·factor; 24 leaves room for float32 rounding of the cost. Anything else (targets outside
   *  [0, 1], an output of unknown range, a factor ≤ 0) is inspected. */
  private couldBeStuck(final: string | null, t: ArrayLike<number>, value: number): boolean {
    const factor = this.cost.costfunc.factor;
    if (final === null || !PROBABILITY_OUTPUTS.has(final) || !(factor > 0)) return true;
    const binary = this.cost.costfunc.type === 'CrossEntropyBinary';
    let wmin = Infinity;
    for (let i = 0; i < t.length; i++) {
      const q = t[i];
      if (!(q >= 0 && q <= 1)) return true;
      if (q > 0 && q < wmin) wmin = q;
      if (binary && q < 1 && 1 - q < wmin) wmin = 1 - q;
    }
    return value >= 24 * wmin * factor;
  }
}
