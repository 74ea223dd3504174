// Which logged number a callback watches and which direction is better.
import type { EpochLogs } from './callback.ts';

export type MonitorMode = 'min' | 'max' | 'auto';

/** 'loss', 'valLoss', or a metric name from the validation metrics (e.g. 'Top1Misclass', 'Accuracy'). */
export function readMonitored(logs: EpochLogs, metric: string): number | undefined {
  if (metric === 'loss') return logs.loss;
  if (metric === 'valLoss') return logs.valLoss;
  return logs.metrics?.[metric];
}

const HIGHER_IS_BETTER = new Set(['Accuracy', 'Precision', 'Recall']);

/** 'auto': larger is better for Accuracy, Precision and Recall; smaller for losses and error rates. */
export function resolveMode(metric: string, mode: MonitorMode): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  if (mode !== 'auto') throw new Error(`mode must be 'min', 'max' or 'auto', got '${String(mode)}'`);
  return HIGHER_IS_BETTER.has(metric) ? 'max' : 'min';
}

export function improves(value: number, best: number | null, mode: 'min' | 'max', minDelta = 0): boolean {
  if (best === null) return true;
  return mode === 'min' ? value < best - minDelta : value > best + minDelta;
}
