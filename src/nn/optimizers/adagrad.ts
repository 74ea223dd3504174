// neon's Adagrad (optimizer.py:636-730): g = dW/bsz (element-clipped); G += g² (not scaled by the
// norm-clip factor s); W −= lr·s·g / √(G + ε). gradScale = 1/bsz and lr·s reproduce it exactly
// with the adagradUpdate kernel. neon's Adagrad takes no schedule; the optional one defaults to constant.
import type { Param } from '../../layers/layer.ts';
import { Schedule, type LearningRateSchedule } from '../schedules.ts';
import { BaseOptimizer, checkOptimizerOptions, type ClipOptions, type OptimizerConfig } from './optimizer.ts';

export interface AdagradOptions extends ClipOptions {
  learningRate?: number;
  epsilon?: number;
  schedule?: LearningRateSchedule;
}

export class Adagrad extends BaseOptimizer {
  readonly type = 'Adagrad';
  readonly learningRate: number;
  readonly epsilon: number;
  readonly schedule: LearningRateSchedule;

  constructor(opts: AdagradOptions = {}) {
    checkOptimizerOptions('Adagrad', opts, { learningRate: 'number', epsilon: { kind: 'number', min: 0 } });
    super(opts);
    this.learningRate = opts.learningRate ?? 0.01;
    this.epsilon = opts.epsilon ?? 1e-6;
    this.schedule = opts.schedule ?? new Schedule();
  }

  optimize(params: readonly Param[], batchSize: number, epoch: number): void {
    const lr = this.schedule.getLearningRate(this.learningRate, epoch);
    this.updateAll(params, batchSize, (param, s) => {
      const w = param.value, acc = this.slot(param, 'acc');
      return (g) => w.backend.run('adagradUpdate', { w: w.buf, g, acc, n: w.size, lr: lr * s, eps: this.epsilon, gradScale: 1 / batchSize });
    });
  }

  config(): OptimizerConfig {
    return { type: this.type, learningRate: this.learningRate, epsilon: this.epsilon, ...this.clipConfig(), schedule: this.schedule.config() };
  }
}
