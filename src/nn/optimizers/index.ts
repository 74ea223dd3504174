// Optimizers (neon optimizers/optimizer.py) and rebuilding one from its config (the model file).
import { scheduleFromConfig, type ScheduleConfig } from '../schedules.ts';
import { Adagrad } from './adagrad.ts';
import { Adam } from './adam.ts';
import { GradientDescentMomentum } from './gradientDescentMomentum.ts';
import { MultiOptimizer, type OptimizerMapping } from './multiOptimizer.ts';
import type { ClipOptions, Optimizer, OptimizerConfig } from './optimizer.ts';
import { RMSProp } from './rmsprop.ts';

export { Adagrad, type AdagradOptions } from './adagrad.ts';
export { Adam, type AdamOptions } from './adam.ts';
export { GradientDescentMomentum, type GradientDescentMomentumOptions } from './gradientDescentMomentum.ts';
export { MultiOptimizer, type OptimizerMapping } from './multiOptimizer.ts';
export { RMSProp, type RMSPropOptions } from './rmsprop.ts';
export type { ClipOptions, Optimizer, OptimizerConfig, OptimizerSlot, OptimizerState } from './optimizer.ts';

function num(cfg: OptimizerConfig, key: string): number {
  const v = cfg[key];
  if (typeof v !== 'number') throw new Error(`optimizerFromConfig: ${cfg.type}.${key} must be a number, got ${String(v)}`);
  return v;
}

function optNum(cfg: OptimizerConfig, key: string): number | undefined {
  const v = cfg[key];
  return v === null || v === undefined ? undefined : num(cfg, key);
}

function clips(cfg: OptimizerConfig): ClipOptions {
  return { gradientClipNorm: optNum(cfg, 'gradientClipNorm'), gradientClipValue: optNum(cfg, 'gradientClipValue'), paramClipValue: optNum(cfg, 'paramClipValue') };
}

function schedule(cfg: OptimizerConfig): { schedule?: ReturnType<typeof scheduleFromConfig> } {
  return cfg.schedule ? { schedule: scheduleFromConfig(cfg.schedule as ScheduleConfig) } : {};
}

export function optimizerFromConfig(cfg: OptimizerConfig): Optimizer {
  switch (cfg?.type) {
    case 'GradientDescentMomentum':
      return new GradientDescentMomentum(num(cfg, 'learningRate'), {
        momentumCoef: optNum(cfg, 'momentumCoef'), wdecay: optNum(cfg, 'wdecay'), nesterov: cfg.nesterov === true, ...clips(cfg), ...schedule(cfg),
      });
    case 'Adam':
      return new Adam({
        learningRate: optNum(cfg, 'learningRate'), beta1: optNum(cfg, 'beta1'), beta2: optNum(cfg, 'beta2'), epsilon: optNum(cfg, 'epsilon'),
        ...clips(cfg), ...schedule(cfg),
      });
    case 'RMSProp':
      return new RMSProp({
        decayRate: optNum(cfg, 'decayRate'), learningRate: optNum(cfg, 'learningRate'), epsilon: optNum(cfg, 'epsilon'), ...clips(cfg), ...schedule(cfg),
      });
    case 'Adagrad':
      return new Adagrad({ learningRate: optNum(cfg, 'learningRate'), epsilon: optNum(cfg, 'epsilon'), ...clips(cfg), ...schedule(cfg) });
    case 'MultiOptimizer': {
      const m = cfg.mapping as Record<string, OptimizerConfig> | undefined;
      if (!m || typeof m !== 'object' || !m.default) throw new Error("optimizerFromConfig: MultiOptimizer config needs a 'default' mapping");
      const mapping: Record<string, Optimizer> = {};
      for (const [key, c] of Object.entries(m)) mapping[key] = optimizerFromConfig(c);
      return new MultiOptimizer(mapping as OptimizerMapping);
    }
    default:
      throw new Error(`optimizerFromConfig: unknown optimizer '${String((cfg as { type?: unknown } | undefined)?.type)}'`);
  }
}
