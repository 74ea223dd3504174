// Early stopping (neon's EarlyStopCallback takes a stop function of the validation loss; this is the
// usual patience rule over any logged value): stop once `patience` evaluated epochs in a row have
// not improved on the best value by more than minDelta.
import { checkOptions } from '../../check.ts';
import type { Callback, EpochLogs, TrainInfo } from './callback.ts';
import { improves, readMonitored, resolveMode, type MonitorMode } from './monitor.ts';

export interface EarlyStopOptions {
  patience: number;
  /** 'valLoss' (default), 'loss' or a metric name. */
  metric?: string;
  mode?: MonitorMode;
  minDelta?: number;
}

export class EarlyStop implements Callback {
  readonly patience: number;
  readonly metric: string;
  readonly minDelta: number;
  private readonly direction: 'min' | 'max';
  private info: TrainInfo | null = null;
  best: number | null = null;
  bestEpoch: number | null = null;
  wait = 0;
  stoppedEpoch: number | null = null;

  constructor({ patience, metric = 'valLoss', mode = 'auto', minDelta = 0 }: EarlyStopOptions) {
    if (!Number.isInteger(patience) || patience < 0) throw new Error(`earlyStop: patience must be a non-negative integer, got ${patience}`);
    this.patience = patience;
    this.metric = metric;
    this.minDelta = Math.abs(minDelta);
    this.direction = resolveMode(metric, mode);
  }

  onTrainBegin(info: TrainInfo): void {
    this.info = info;
  }

  onEpochEnd(epoch: number, logs: EpochLogs): void {
    const value = readMonitored(logs, this.metric);
    if (value === undefined) return;
    if (Number.isFinite(value) && improves(value, this.best, this.direction, this.minDelta)) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      if (!this.info) throw new Error('earlyStop: onTrainBegin was not called (pass the callback to model.fit)');
      this.info.stop();
    }
  }
}

export function earlyStop(opts: EarlyStopOptions): EarlyStop {
  checkOptions('earlyStop', opts, {
    patience: { kind: 'integer', min: 0, required: true }, metric: 'string', mode: { kind: 'string', expect: "'auto', 'min' or 'max'" },
    minDelta: { kind: 'number', min: 0 },
  });
  return new EarlyStop(opts);
}
