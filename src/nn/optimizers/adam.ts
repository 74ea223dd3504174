// neon's Adam (optimizer.py:825-930): t counts optimize() calls; g = dW/bsz (element-clipped);
// m, v are EMAs of g and g² (NOT scaled by the norm-clip factor s); W −= s·l·m/(√v + ε) with
// l = lr·√(1 − β2ᵗ)/(1 − β1ᵗ). The adamUpdate kernel applies its gradScale to the moments and its
// lr to the step only, so gradScale = 1/bsz and lr·s reproduce neon exactly.
// neon's Adam takes no schedule; the optional one here defaults to a constant rate.
import type { Param } from '../../layers/layer.ts';
import { Schedule, type LearningRateSchedule } from '../schedules.ts';
import { BaseOptimizer, checkOptimizerOptions, type ClipOptions, type OptimizerConfig } from './optimizer.ts';

export interface AdamOptions extends ClipOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  schedule?: LearningRateSchedule;
}

export class Adam extends BaseOptimizer {
  readonly type = 'Adam';
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly schedule: LearningRateSchedule;

  constructor(opts: AdamOptions = {}) {
    checkOptimizerOptions('Adam', opts, { learningRate: 'number', beta1: { kind: 'number', min: 0, max: 1 }, beta2: { kind: 'number', min: 0, max: 1 }, epsilon: { kind: 'number', min: 0 } });
    super(opts);
    this.learningRate = opts.learningRate ?? 0.001;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
    this.schedule = opts.schedule ?? new Schedule();
  }

  optimize(params: readonly Param[], batchSize: number, epoch: number): void {
    const lr = this.schedule.getLearningRate(this.learningRate, epoch);
    const step = this.step + 1;
    this.updateAll(params, batchSize, (param, s) => {
      const w = param.value, m = this.slot(param, 'm'), v = this.slot(param, 'v');
      return (g) => w.backend.run('adamUpdate', {
        w: w.buf, g, m, v, n: w.size, lr: lr * s, beta1: this.beta1, beta2: this.beta2, eps: this.epsilon,
        gradScale: 1 / batchSize, step,
      });
    });
  }

  config(): OptimizerConfig {
    return {
      type: this.type, learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon,
      ...this.clipConfig(), schedule: this.schedule.config(),
    };
  }
}
