// neon's RMSProp (optimizer.py:542-633): g = dW/bsz (element-clipped); m = ρ·m + (1 − ρ)·g²
// (not scaled by the norm-clip factor s); W −= lr·s·g / (√(m + ε) + ε). The kernel scales the
// gradient by gradScale in both places and multiplies only the step by lr, so gradScale = 1/bsz
// and lr·s reproduce neon exactly.
import type { Param } from '../../layers/layer.ts';
import { Schedule, type LearningRateSchedule } from '../schedules.ts';
import { BaseOptimizer, checkOptimizerOptions, type ClipOptions, type OptimizerConfig } from './optimizer.ts';

export interface RMSPropOptions extends ClipOptions {
  decayRate?: number;
  learningRate?: number;
  epsilon?: number;
  schedule?: LearningRateSchedule;
}

export class RMSProp extends BaseOptimizer {
  readonly type = 'RMSProp';
  readonly decayRate: number;
  readonly learningRate: number;
  readonly epsilon: number;
  readonly schedule: LearningRateSchedule;

  constructor(opts: RMSPropOptions = {}) {
    checkOptimizerOptions('RMSProp', opts, { decayRate: { kind: 'number', min: 0, max: 1 }, learningRate: 'number', epsilon: { kind: 'number', min: 0 } });
    super(opts);
    this.decayRate = opts.decayRate ?? 0.95;
    this.learningRate = opts.learningRate ?? 2e-3;
    this.epsilon = opts.epsilon ?? 1e-6;
    this.schedule = opts.schedule ?? new Schedule();
  }

  optimize(params: readonly Param[], batchSize: number, epoch: number): void {
    const lr = this.schedule.getLearningRate(this.learningRate, epoch);
    this.updateAll(params, batchSize, (param, s) => {
      const w = param.value, m = this.slot(param, 'ms');
      return (g) => w.backend.run('rmspropUpdate', {
        w: w.buf, g, m, n: w.size, lr: lr * s, decay: this.decayRate, eps: this.epsilon, gradScale: 1 / batchSize,
      });
    });
  }

  config(): OptimizerConfig {
    return {
      type: this.type, decayRate: this.decayRate, learningRate: this.learningRate, epsilon: this.epsilon,
      ...this.clipConfig(), schedule: this.schedule.config(),
    };
  }
}
