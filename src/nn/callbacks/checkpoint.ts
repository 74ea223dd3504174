// Saving during training: checkpoint() every k epochs (neon's SerializeModelCallback) and saveBest()
// when the watched value improves (neon's SaveBestStateCallback, which watches the validation loss).
// The model's save() writes atomically, so an interrupted save keeps the previous file.
import { checkOptions } from '../../check.ts';
import type { Callback, EpochLogs, History, TrainInfo } from './callback.ts';
import { improves, readMonitored, resolveMode, type MonitorMode } from './monitor.ts';

function needInfo(info: TrainInfo | null, who: string): TrainInfo {
  if (!info) throw new Error(`${who}: onTrainBegin was not called (pass the callback to model.fit)`);
  return info;
}

/** '{epoch}' in the path becomes the epoch index. */
const pathFor = (path: string, epoch: number) => path.replaceAll('{epoch}', String(epoch));

export class Checkpoint implements Callback {
  private info: TrainInfo | null = null;
  private lastSaved: number | null = null;
  private lastEpoch: number | null = null;

  constructor(readonly path: string, readonly every: number) {
    if (!path) throw new Error('checkpoint: a path is required');
    if (!Number.isInteger(every) || every < 1) throw new Error(`checkpoint: every must be a positive integer, got ${every}`);
  }

  onTrainBegin(info: TrainInfo): void {
    this.info = info;
  }

  async onEpochEnd(epoch: number): Promise<void> {
    this.lastEpoch = epoch;
    if ((epoch + 1) % this.every !== 0) return;
    await needInfo(this.info, 'checkpoint').save(pathFor(this.path, epoch));
    this.lastSaved = epoch;
  }

  /** The last finished epoch is always saved, so a run can be resumed from where it ended. */
  async onTrainEnd(_history: History): Promise<void> {
    if (this.lastEpoch === null || this.lastSaved === this.lastEpoch) return;
    await needInfo(this.info, 'checkpoint').save(pathFor(this.path, this.lastEpoch));
    this.lastSaved = this.lastEpoch;
  }
}

export function checkpoint(opts: { path: string; every?: number }): Checkpoint {
  checkOptions('checkpoint', opts, { path: { kind: 'string', required: true, expect: "a file path, e.g. 'runs/net/model.argon'" }, every: { kind: 'integer', min: 1 } });
  const { path, every = 1 } = opts;
  return new Checkpoint(path, every);
}

export class SaveBest implements Callback {
  private info: TrainInfo | null = null;
  private readonly direction: 'min' | 'max';
  best: number | null = null;
  bestEpoch: number | null = null;

  constructor(readonly path: string, readonly metric: string, mode: MonitorMode) {
    if (!path) throw new Error('saveBest: a path is required');
    this.direction = resolveMode(metric, mode);
  }

  onTrainBegin(info: TrainInfo): void {
    this.info = info;
  }

  async onEpochEnd(epoch: number, logs: EpochLogs): Promise<void> {
    const value = readMonitored(logs, this.metric);
    if (value === undefined || !Number.isFinite(value) || !improves(value, this.best, this.direction)) return;
    await needInfo(this.info, 'saveBest').save(pathFor(this.path, epoch));
    this.best = value;
    this.bestEpoch = epoch;
  }
}

/** Saves whenever `metric` (default the validation loss) reaches a new best. Epochs without that
 *  value (no validation this epoch) are skipped. */
export function saveBest(opts: { path: string; metric?: string; mode?: MonitorMode }): SaveBest {
  checkOptions('saveBest', opts, {
    path: { kind: 'string', required: true, expect: "a file path, e.g. 'runs/net/best.argon'" }, metric: 'string',
    mode: { kind: 'string', expect: "'auto', 'min' or 'max'" },
  });
  const { path, metric = 'valLoss', mode = 'auto' } = opts;
  return new SaveBest(path, metric, mode);
}
