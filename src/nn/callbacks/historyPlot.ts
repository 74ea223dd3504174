// Writes the training history as JSON and an SVG chart of its curves (loss, validation loss, each
// metric against the 0-based epoch) after every epoch and at the end, so a crash keeps the curves.
// Node only for the files (io/atomic-write.ts); historySvg works anywhere.
import { writeFileAtomic } from '../../io/atomic-write.ts';
import { checkOptions } from '../../check.ts';
import { lineChartSvg, type Series } from '../../plot.ts';
import type { Callback, History, TrainInfo } from './callback.ts';

export interface HistoryPlotOptions {
  /** The output directory. */
  path: string;
  jsonName?: string;
  svgName?: string;
  title?: string;
}

/** The chart's series: training loss, validation loss (if any epoch has one) and each metric. */
export function historySeries(history: History): Series[] {
  const x = history.epoch;
  const series: Series[] = [{ name: 'loss', values: history.loss, x }];
  if (history.valLoss.some((v) => v !== null)) series.push({ name: 'valLoss', values: history.valLoss, x });
  for (const [name, values] of Object.entries(history.metrics)) series.push({ name, values, x });
  return series;
}

export function historySvg(history: History, title = 'Training curves'): string {
  return lineChartSvg(historySeries(history), { title, xLabel: 'epoch', yLabel: 'cost / metric' });
}

export class HistoryPlot implements Callback {
  private history: History | null = null;
  readonly jsonPath: string;
  readonly svgPath: string;

  constructor(private readonly opts: HistoryPlotOptions) {
    if (!opts?.path) throw new Error('historyPlot: a path (output directory) is required');
    const dir = opts.path.replace(/[\\/]+$/, '') || opts.path;
    this.jsonPath = `${dir}/${opts.jsonName ?? 'history.json'}`;
    this.svgPath = `${dir}/${opts.svgName ?? 'curves.svg'}`;
  }

  onTrainBegin(info: TrainInfo): void {
    this.history = info.history;
  }

  /** Writes both files now. */
  async write(history: History): Promise<void> {
    const feature = 'historyPlot (in a browser: historySvg(history))';
    await writeFileAtomic(this.jsonPath, `${JSON.stringify(history, null, 2)}\n`, feature);
    await writeFileAtomic(this.svgPath, historySvg(history, this.opts.title), feature);
  }

  async onEpochEnd(): Promise<void> {
    if (this.history) await this.write(this.history);
  }

  async onTrainEnd(history: History): Promise<void> {
    await this.write(history);
  }
}

export function historyPlot(opts: HistoryPlotOptions): HistoryPlot {
  checkOptions('historyPlot', opts, { path: { kind: 'string', required: true, expect: "an output folder, e.g. 'runs/net'" }, jsonName: 'string', svgName: 'string', title: 'string' });
  return new HistoryPlot(opts);
}
