// Model.fit and Model.evaluate. fit reads like neon's _epoch_fit (model.py:179-223): per minibatch
// forward, cost, backward, optimize; per epoch the callbacks, validation, and the state a resumed
// run needs (epoch count, the iterator's shuffling state).
import { backward, noGrad } from '../autograd/index.ts';
import type { Batch, DataIterator } from '../data/iterator.ts';
import type { Param } from '../layers/index.ts';
import { CallbackRunner, type Callback, type EpochLogs, type History } from '../nn/callbacks/index.ts';
import type { GeneralizedCost } from '../nn/costs.ts';
import type { Metric } from '../nn/metrics.ts';
import type { Optimizer } from '../nn/optimizers/optimizer.ts';
import { Tensor, tidy } from '../tensor.ts';
import type { Model } from './model.ts';
import { checkBatchFinite } from '../finite.ts';
import { TrainingGuard } from './numerics-guard.ts';
import { yieldSometimes } from './yield.ts';
import { checkMetric, checkTargets, targetTensor } from './targets.ts';

export interface FitOptions {
  cost: GeneralizedCost;
  optimizer: Optimizer;
  /** Train until this many epochs are complete (a resumed model continues from its epoch count). */
  epochs: number;
  valid?: DataIterator;
  metric?: Metric;
  /** Evaluate on `valid` every this many epochs (default 1). */
  evalEvery?: number;
  callbacks?: Callback[];
  /** Receives each warning of the numerics guard once per fit (default: console.warn). */
  onWarning?: (message: string) => void;
}

export interface EvalResult { loss: number | null; metrics: number[] }

export async function prepareFor(model: Model, data: DataIterator): Promise<void> {
  await data.load?.();
  await model.build(data.inputShape);
  checkTargets(model.outputShape, data);
}

function batchTensors(model: Model, batch: Batch): { x: Tensor; t: Tensor } {
  const x = Tensor.fromArray(model.backend, batch.x, [...model.inputShape, batch.n]);
  const t = targetTensor(model.backend, batch, model.outputShape);
  return { x, t };
}

/** One minibatch: forward, cost, backward, update. Returns the batch's mean cost. Non-finite inputs
 *  or cost stop training before the weights are touched; an update that makes them non-finite
 *  stops it naming this batch (numerics-guard.ts). */
function trainStep(model: Model, batch: Batch, opts: FitOptions, params: Param[], guard: TrainingGuard, epoch: number, index: number): number {
  guard.checkBatch(batch.x, batch.n, model.inputShape, epoch, index);
  return tidy(() => {
    const { x, t } = batchTensors(model, batch);
    const { pre, final } = model.root.forwardPre(x, { training: true, random: model.random, warn: guard.warn });
    const { loss, y } = opts.cost.loss(pre, final, t);
    const value = opts.cost.mean(loss, batch.n);
    if (!Number.isFinite(value)) throw guard.costNotFinite(value, epoch, index);
    guard.observe(y, final?.type ?? null, batch.targets, batch.n, value, epoch, index);
    backward(loss);
    opts.optimizer.optimize(params, batch.n, epoch);
    for (const p of params) { p.value.grad?.dispose(); p.value.grad = null; }
    guard.checkWeights(params, epoch, index);
    return value;
  });
}

export async function fitModel(model: Model, data: DataIterator, opts: FitOptions): Promise<History> {
  const { epochs } = opts;
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`fit: epochs must be a positive integer, got ${epochs}`);
  await prepareFor(model, data);
  if (opts.valid) await prepareFor(model, opts.valid);
  checkMetric(opts.metric, model.outputShape);
  if (data.seeded === false) data.reseed?.(model.seed);
  if (model.dataState !== null) {
    try {
      data.setState?.(model.dataState);
    } catch (e) {
      throw new Error(`fit: the model's saved dataState (its iterator's shuffling state) does not fit this iterator: ${(e as Error).message}`);
    }
  }
  model.optimizer = opts.optimizer;
  if (data.classNames && !model.classNames) model.classNames = [...data.classNames];
  const guard = new TrainingGuard(opts.cost, opts.onWarning ?? ((m) => console.warn(`warning: ${m}`)));
  const runner = new CallbackRunner(opts.callbacks ?? [], { history: model.history ?? undefined });
  model.history = runner.history;
  try {
    await trainEpochs(model, data, opts, runner, guard);
  } finally {
    guard.dispose();
  }
  return runner.trainEnd();
}

/** The epochs of fit from the model's epoch count to opts.epochs (or a callback's stop). */
async function trainEpochs(model: Model, data: DataIterator, opts: FitOptions, runner: CallbackRunner, guard: TrainingGuard): Promise<void> {
  const { epochs } = opts;
  const evalEvery = opts.evalEvery ?? 1;
  const params = model.params();
  let stopped = false;
  await runner.trainBegin({
    epochs, initialEpoch: model.epoch, nbatches: data.nbatches, batchSize: data.batchSize, ndata: data.ndata,
    costName: opts.cost.costfunc.type, save: (path) => model.save(path), stop: () => { stopped = true; },
  });
  for (let epoch = model.epoch; epoch < epochs && !stopped; epoch++) {
    await runner.epochBegin(epoch);
    let total = 0, batches = 0;
    for await (const batch of data.batches()) {
      const loss = trainStep(model, batch, opts, params, guard, epoch, batches);
      total += loss;
      await runner.batchEnd(batches++, { loss, size: batch.n });
      await yieldSometimes();
    }
    const logs: EpochLogs = { loss: total / batches };
    if (opts.valid && (epoch + 1) % evalEvery === 0) {
      const started = Date.now();
      const r = await evaluateModel(model, opts.valid, { cost: opts.cost, metric: opts.metric });
      logs.valLoss = r.loss ?? undefined;
      logs.valSeconds = (Date.now() - started) / 1000;
      if (opts.metric) logs.metrics = Object.fromEntries(opts.metric.metricNames.map((n, i) => [n, r.metrics[i]]));
    }
    model.epoch = epoch + 1;
    model.dataState = data.getState?.() ?? null;
    await runner.epochEnd(epoch, logs);
  }
}

export async function evaluateModel(model: Model, data: DataIterator, opts: { cost?: GeneralizedCost; metric?: Metric }): Promise<EvalResult> {
  await prepareFor(model, data);
  checkMetric(opts.metric, model.outputShape);
  const source = data.plain?.() ?? data;
  opts.metric?.reset();
  let total = 0, count = 0;
  let index = 0;
  for await (const batch of source.batches()) {
    checkBatchFinite(`evaluate: batch ${index++}`, batch.x, batch.n, { inputShape: model.inputShape });
    const { y, loss } = noGrad(() => tidy(() => {
      const { x, t } = batchTensors(model, batch);
      const { pre, final } = model.root.forwardPre(x, { training: false, random: model.random });
      if (opts.cost) {
        const r = opts.cost.loss(pre, final, t);
        return { y: r.y.toArray(), loss: opts.cost.mean(r.loss, batch.n) };
      }
      return { y: (final ? final.apply(pre) : pre).toArray(), loss: 0 };
    }));
    total += loss * batch.n;
    count += batch.n;
    await yieldSometimes();
    opts.metric?.update(y, batch.targets, batch.n);
  }
  return { loss: opts.cost ? total / count : null, metrics: opts.metric?.values() ?? [] };
}
