// Training callbacks (neon callbacks/callbacks.py, reshaped as hooks with plain log objects), the
// per-epoch History fit() returns, and CallbackRunner, which times epochs, fills the history and
// calls every hook in order, awaiting the asynchronous ones (saving a model is asynchronous).

export interface BatchLogs {
  /** The batch's mean cost per sample (neon's minibatch cost). */
  loss: number;
  /** Samples in the batch. */
  size: number;
}

export interface EpochLogs {
  /** Mean training cost over the epoch's batches (neon's total_cost / nbatches). */
  loss: number;
  /** Mean cost per sample on the validation set, when it was evaluated this epoch. */
  valLoss?: number;
  /** Seconds the validation pass took. */
  valSeconds?: number;
  /** Validation metrics by metric name (e.g. Top1Misclass), when evaluated this epoch. */
  metrics?: Record<string, number>;
  /** Filled in by CallbackRunner when the model leaves them out. */
  seconds?: number;
  imagesPerSecond?: number;
}

/** What the model hands the callbacks when training begins. */
export interface TrainInfo {
  /** Epochs this fit() runs to (epoch indices are 0-based and end at epochs − 1). */
  epochs: number;
  /** First epoch of this run (> 0 when resuming). */
  initialEpoch?: number;
  nbatches: number;
  batchSize: number;
  ndata: number;
  /** The cost's name for the validation loss line, e.g. 'CrossEntropyBinary'. */
  costName?: string;
  /** Writes the model (weights, optimizer state, RNG state) to path atomically. */
  save(path: string): Promise<void>;
  /** Ends training after the current epoch (neon's model.finished). */
  stop(): void;
  /** Filled in by CallbackRunner. */
  history: History;
}

export type MaybePromise = void | Promise<void>;

export interface Callback {
  onTrainBegin?(info: TrainInfo): MaybePromise;
  onEpochBegin?(epoch: number): MaybePromise;
  onBatchEnd?(batch: number, logs: BatchLogs): MaybePromise;
  onEpochEnd?(epoch: number, logs: EpochLogs): MaybePromise;
  onTrainEnd?(history: History): MaybePromise;
}

export interface HistoryData {
  /** 0-based epoch index of each entry. */
  epoch: number[];
  loss: number[];
  valLoss: (number | null)[];
  metrics: Record<string, (number | null)[]>;
  seconds: number[];
  imagesPerSecond: number[];
}

/** One entry per finished epoch; JSON.stringify(history) gives HistoryData. */
export class History implements HistoryData {
  epoch: number[] = [];
  loss: number[] = [];
  valLoss: (number | null)[] = [];
  metrics: Record<string, (number | null)[]> = {};
  seconds: number[] = [];
  imagesPerSecond: number[] = [];

  get length(): number {
    return this.epoch.length;
  }

  record(epoch: number, logs: EpochLogs): void {
    const before = this.epoch.length;
    this.epoch.push(epoch);
    this.loss.push(logs.loss);
    this.valLoss.push(logs.valLoss ?? null);
    this.seconds.push(logs.seconds ?? 0);
    this.imagesPerSecond.push(logs.imagesPerSecond ?? 0);
    for (const name of Object.keys(logs.metrics ?? {})) this.metrics[name] ??= new Array<number | null>(before).fill(null);
    for (const [name, values] of Object.entries(this.metrics)) values.push(logs.metrics?.[name] ?? null);
  }

  toJSON(): HistoryData {
    return {
      epoch: [...this.epoch], loss: [...this.loss], valLoss: [...this.valLoss],
      metrics: Object.fromEntries(Object.entries(this.metrics).map(([k, v]) => [k, [...v]])),
      seconds: [...this.seconds], imagesPerSecond: [...this.imagesPerSecond],
    };
  }

  /** Rebuilds a history saved as JSON (resuming appends to it). */
  static fromJSON(data: HistoryData): History {
    const h = new History();
    const n = data?.epoch?.length;
    const arrays = [data?.loss, data?.valLoss, data?.seconds, data?.imagesPerSecond, ...Object.values(data?.metrics ?? {})];
    if (!Number.isInteger(n) || arrays.some((a) => !Array.isArray(a) || a.length !== n)) {
      throw new Error('History.fromJSON: not a history (epoch, loss, valLoss, metrics, seconds, imagesPerSecond of one length)');
    }
    Object.assign(h, JSON.parse(JSON.stringify(data)) as HistoryData);
    return h;
  }
}

const clock = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Drives the callbacks for Model.fit: call trainBegin, then per epoch epochBegin, batchEnd per batch,
 *  epochEnd (after validation), and finally trainEnd, which returns the history. */
export class CallbackRunner {
  readonly history: History;
  private readonly now: () => number;
  private epochStart = 0;
  private lastBatch = 0;
  private images = 0;

  constructor(private readonly callbacks: readonly Callback[], opts: { history?: History; now?: () => number } = {}) {
    this.history = opts.history ?? new History();
    this.now = opts.now ?? clock;
  }

  async trainBegin(info: Omit<TrainInfo, 'history'>): Promise<TrainInfo> {
    const full: TrainInfo = { ...info, history: this.history };
    for (const cb of this.callbacks) await cb.onTrainBegin?.(full);
    return full;
  }

  async epochBegin(epoch: number): Promise<void> {
    this.epochStart = this.lastBatch = this.now();
    this.images = 0;
    for (const cb of this.callbacks) await cb.onEpochBegin?.(epoch);
  }

  async batchEnd(batch: number, logs: BatchLogs): Promise<void> {
    this.images += logs.size;
    this.lastBatch = this.now();
    for (const cb of this.callbacks) await cb.onBatchEnd?.(batch, logs);
  }

  /** Records the epoch (seconds from epochBegin; images/s over the training batches) and calls the hooks. */
  async epochEnd(epoch: number, logs: EpochLogs): Promise<EpochLogs> {
    const trainSeconds = (this.lastBatch - this.epochStart) / 1000;
    const full: EpochLogs = {
      ...logs,
      seconds: logs.seconds ?? (this.now() - this.epochStart) / 1000,
      imagesPerSecond: logs.imagesPerSecond ?? (trainSeconds > 0 ? this.images / trainSeconds : 0),
    };
    this.history.record(epoch, full);
    for (const cb of this.callbacks) await cb.onEpochEnd?.(epoch, full);
    return full;
  }

  async trainEnd(): Promise<History> {
    for (const cb of this.callbacks) await cb.onTrainEnd?.(this.history);
    return this.history;
  }
}
