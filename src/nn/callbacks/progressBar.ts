// neon's ProgressBarCallback (callbacks.py:1015-1113) plus images/s and an ETA:
//   Epoch 0   [Train |██████████          |   50/100  batches, 0.69 cost, 1.23s, 2600 img/s, ETA 0:01]
// cost is the mean of the last 10 batch costs (neon's TrainCostCallback window, kept across epochs).
// On a TTY the line is redrawn in place (\r) at most every 0.1 s and at the last batch; elsewhere
// (a file, a CI log) one plain line is printed per tenth of the epoch. The epoch's last line adds
// the validation loss as neon does (` [CrossEntropyBinary Loss 0.45, 1.20s]`) and any metrics.
import { checkOptions } from '../../check.ts';
import type { BatchLogs, Callback, EpochLogs, TrainInfo } from './callback.ts';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressBarOptions {
  /** Default: process.stdout in Node, console.log elsewhere. */
  stream?: ProgressStream;
  /** Minimum seconds between TTY redraws (neon's update_thresh_s). */
  updateSeconds?: number;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

const WINDOW = 10;
const BAR = 20;

function defaultStream(): ProgressStream {
  const proc = (globalThis as { process?: { stdout?: ProgressStream } }).process;
  if (proc?.stdout && typeof proc.stdout.write === 'function') return proc.stdout;
  // Browsers: console.log adds its own line break, and nothing can be redrawn.
  return { write: (text: string) => { const line = text.replace(/^\r|\n$/g, ''); if (line) console.log(line); }, isTTY: false };
}

function clockTime(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** neon's get_progress_string, verbatim, for batch mb (1-based) of nb. */
export function progressString(epoch: number, mb: number, nb: number, cost: number, seconds: number): string {
  const bar = '█'.repeat(Math.floor((mb / nb) * BAR)).padEnd(BAR);
  return `Epoch ${String(epoch).padEnd(3)} [Train |${bar}| ${String(mb).padStart(4)}/${String(nb).padEnd(4)} batches, ` +
    `${cost.toFixed(2)} cost, ${seconds.toFixed(2)}s`;
}

export class ProgressBar implements Callback {
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly updateMs: number;
  private readonly now: () => number;
  private readonly costs: number[] = [];
  private nbatches = 0;
  private costName = 'Validation';
  private epoch = 0;
  private start = 0;
  private lastDraw = -Infinity;
  private lastLen = 0;
  private decile = 0;
  private images = 0;
  private mb = 0;
  private trainSeconds = 0;

  constructor(opts: ProgressBarOptions = {}) {
    this.stream = opts.stream ?? defaultStream();
    this.tty = this.stream.isTTY === true;
    this.updateMs = (opts.updateSeconds ?? 0.1) * 1000;
    this.now = opts.now ?? (() => (typeof performance !== 'undefined' ? performance.now() : Date.now()));
  }

  onTrainBegin(info: TrainInfo): void {
    this.nbatches = info.nbatches;
    if (info.costName) this.costName = info.costName;
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
    this.start = this.now();
    this.lastDraw = this.start;
    this.lastLen = 0;
    this.decile = 0;
    this.images = 0;
    this.mb = 0;
    this.trainSeconds = 0;
  }

  private cost(): number {
    return this.costs.reduce((a, b) => a + b, 0) / Math.max(1, this.costs.length);
  }

  private line(final: boolean): string {
    const nb = Math.max(this.nbatches, this.mb);
    const ips = this.trainSeconds > 0 ? this.images / this.trainSeconds : 0;
    let s = `${progressString(this.epoch, this.mb, nb, this.cost(), this.trainSeconds)}, ${Math.round(ips)} img/s`;
    if (!final && this.mb < nb && this.mb > 0) s += `, ETA ${clockTime((this.trainSeconds / this.mb) * (nb - this.mb))}`;
    return s + ']';
  }

  private draw(text: string): void {
    if (this.tty) {
      this.stream.write(`\r${text.padEnd(this.lastLen)}`);
      this.lastLen = text.length;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  onBatchEnd(_batch: number, logs: BatchLogs): void {
    const t = this.now();
    this.mb++;
    this.images += logs.size;
    this.trainSeconds = (t - this.start) / 1000;
    this.costs.push(logs.loss);
    if (this.costs.length > WINDOW) this.costs.shift();
    const last = this.mb >= this.nbatches;
    if (this.tty) {
      if (t - this.lastDraw > this.updateMs || last) { this.lastDraw = t; this.draw(this.line(false)); }
      return;
    }
    const decile = Math.floor((this.mb * 10) / Math.max(1, this.nbatches));
    if (!last && decile > this.decile) { this.decile = decile; this.draw(this.line(false)); }
  }

  onEpochEnd(_epoch: number, logs: EpochLogs): void {
    let text = this.line(true);
    if (logs.valLoss !== undefined) {
      const parts = [`${this.costName} Loss ${logs.valLoss.toFixed(2)}`];
      if (logs.valSeconds !== undefined) parts[0] += `, ${logs.valSeconds.toFixed(2)}s`;
      for (const [name, v] of Object.entries(logs.metrics ?? {})) parts.push(`${name} ${v.toFixed(4)}`);
      text += ` [${parts.join(', ')}]`;
    } else if (logs.metrics && Object.keys(logs.metrics).length > 0) {
      text += ` [${Object.entries(logs.metrics).map(([n, v]) => `${n} ${v.toFixed(4)}`).join(', ')}]`;
    }
    this.draw(text);
    if (this.tty) this.stream.write('\n');
  }
}

export function progressBar(opts: ProgressBarOptions = {}): ProgressBar {
  checkOptions('progressBar', opts, { stream: 'object', updateSeconds: { kind: 'number', min: 0 }, now: 'function' });
  return new ProgressBar(opts);
}
