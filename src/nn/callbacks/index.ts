export {
  History, CallbackRunner,
  type Callback, type BatchLogs, type EpochLogs, type TrainInfo, type HistoryData, type MaybePromise,
} from './callback.ts';
export { progressBar, progressString, ProgressBar, type ProgressBarOptions, type ProgressStream } from './progressBar.ts';
export { checkpoint, saveBest, Checkpoint, SaveBest } from './checkpoint.ts';
export { earlyStop, EarlyStop, type EarlyStopOptions } from './earlyStop.ts';
export { historyPlot, historySeries, historySvg, HistoryPlot, type HistoryPlotOptions } from './historyPlot.ts';
export type { MonitorMode } from './monitor.ts';
