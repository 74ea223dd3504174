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

/** One minibatch: forward, cost, backward, update. Returns the batch's mean cost. A NaN or
 *  infinite cost stops training before the weights are touched. */
function trainStep(model: Model, batch: Batch, opts: FitOptions, params: Param[], epoch: number, index: number): number {
  return tidy(() => {
    const { x, t } = batchTensors(model, batch);
    const { pre, final } = model.root.forwardPre(x, { training: true, random: model.random });
    const { loss } = opts.cost.loss(pre, final, t);
    const value = opts.cost.mean(loss, batch.n);
    if (!Number.isFinite(value)) {
      throw new Error(`training stopped: the cost is ${value} at epoch ${epoch}, batch ${index} (try a lower learning rate)`);
    }
    backward(loss);
    opts.optimizer.optimize(params, batch.n, epoch);
    for (const p of params) { p.value.grad?.dispose(); p.value.grad = null; }
    return value;
  });
}

export async function fitModel(model: Model, data: DataIterator, opts: FitOptions): Promise<History> {
  const { epochs } = opts;
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`fit: epochs must be a positive integer, got ${epochs}`);
  const evalEvery = opts.evalEvery ?? 1;
  await prepareFor(model, data);
  if (opts.valid) await prepareFor(model, opts.valid);
  checkMetric(opts.metric, model.outputShape);
  if (data.seeded === false) data.reseed?.(model.seed);
  if (model.dataState !== null) data.setState?.(model.dataState);
  model.optimizer = opts.optimizer;
  const params = model.params();
  const runner = new CallbackRunner(opts.callbacks ?? [], { history: model.history ?? undefined });
  model.history = runner.history;
  let stopped = false;
  await runner.trainBegin({
    epochs, initialEpoch: model.epoch, nbatches: data.nbatches, batchSize: data.batchSize, ndata: data.ndata,
    costName: opts.cost.costfunc.type, save: (path) => model.save(path), stop: () => { stopped = true; },
  });
  for (let epoch = model.epoch; epoch < epochs && !stopped; epoch++) {
    await runner.epochBegin(epoch);
    let total = 0, batches = 0;
    for await (const batch of data.batches()) {
      const loss = trainStep(model, batch, opts, params, epoch, batches);
      total += loss;
      await runner.batchEnd(batches++, { loss, size: batch.n });
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
  return runner.trainEnd();
}

export async function evaluateModel(model: Model, data: DataIterator, opts: { cost?: GeneralizedCost; metric?: Metric }): Promise<EvalResult> {
  await prepareFor(model, data);
  checkMetric(opts.metric, model.outputShape);
  const source = data.plain?.() ?? data;
  opts.metric?.reset();
  let total = 0, count = 0;
  for await (const batch of source.batches()) {
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
    opts.metric?.update(y, batch.targets, batch.n);
  }
  return { loss: opts.cost ? total / count : null, metrics: opts.metric?.values() ?? [] };
}
