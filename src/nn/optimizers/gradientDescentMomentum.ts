// neon's GradientDescentMomentum (optimizer.py:416-539): g = dW/bsz (element-clipped), s = the
// norm-clip factor; g' = s·g + wdecay·W (weight decay is not scaled by s and hits every parameter,
// BatchNorm's gamma and beta included); momentum ≠ 0: v = μ·v − lr·g', W += v (Nesterov:
// W += μ·v − lr·g' with the new v); momentum = 0: W −= lr·g' and no velocity is kept.
import type { Param } from '../../layers/layer.ts';
import { shown } from '../../check.ts';
import { Schedule, type LearningRateSchedule } from '../schedules.ts';
import { BaseOptimizer, checkOptimizerOptions, type ClipOptions, type OptimizerConfig } from './optimizer.ts';

export interface GradientDescentMomentumOptions extends ClipOptions {
  momentumCoef?: number;
  wdecay?: number;
  nesterov?: boolean;
  schedule?: LearningRateSchedule;
}

export class GradientDescentMomentum extends BaseOptimizer {
  readonly type = 'GradientDescentMomentum';
  readonly learningRate: number;
  readonly momentumCoef: number;
  readonly wdecay: number;
  readonly nesterov: boolean;
  readonly schedule: LearningRateSchedule;

  constructor(learningRate: number, opts: GradientDescentMomentumOptions = {}) {
    checkOptimizerOptions('GradientDescentMomentum', opts, { momentumCoef: 'number', wdecay: { kind: 'number', min: 0 }, nesterov: 'boolean' });
    super(opts);
    if (typeof learningRate !== 'number' || !Number.isFinite(learningRate)) {
      throw new Error(`GradientDescentMomentum: the first argument is the learning rate, a number (new GradientDescentMomentum(0.01, { momentumCoef: 0.9 })), got ${shown(learningRate)}`);
    }
    this.learningRate = learningRate;
    this.momentumCoef = opts.momentumCoef ?? 0;
    this.wdecay = opts.wdecay ?? 0;
    this.nesterov = opts.nesterov ?? false;
    this.schedule = opts.schedule ?? new Schedule();
    if (this.nesterov && this.momentumCoef === 0) throw new Error('GradientDescentMomentum: nesterov requires a non-zero momentumCoef');
  }

  optimize(params: readonly Param[], batchSize: number, epoch: number): void {
    const lr = this.schedule.getLearningRate(this.learningRate, epoch);
    const momentum = this.momentumCoef;
    // neon computes but never writes back the parameter clip when momentum is 0 (optimizer.py:523);
    // here paramClipValue always applies (updateAll clips after every update).
    this.updateAll(params, batchSize, (param, s) => {
      const w = param.value;
      // With momentum 0 the kernel neither reads nor writes v; neon keeps no state then.
      const v = momentum !== 0 ? this.slot(param, 'velocity') : w.buf;
      return (g) => w.backend.run('sgdUpdate', {
        w: w.buf, g, v, n: w.size, lr, momentum, wdecay: this.wdecay, gradScale: s / batchSize, nesterov: this.nesterov,
      });
    });
  }

  config(): OptimizerConfig {
    return {
      type: this.type, learningRate: this.learningRate, momentumCoef: this.momentumCoef, wdecay: this.wdecay,
      nesterov: this.nesterov, ...this.clipConfig(), schedule: this.schedule.config(),
    };
  }
}
