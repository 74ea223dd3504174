// Training one network of the degradation experiment and recording its errors: the training error
// as He et al. plot it (the share of misclassified training samples in the minibatches as they are
// trained on, in training mode), averaged over each quarter epoch, and, after every epoch, the
// training error of the epoch and the test error (inference mode) on the held-out images.
import { backward, noGrad } from '../../src/autograd/index.ts';
import type { ArrayData } from '../../src/data/array-iterator.ts';
import { ArrayIterator } from '../../src/data/array-iterator.ts';
import { Model } from '../../src/model/model.ts';
import { CrossEntropyMulti, GeneralizedCost } from '../../src/nn/costs.ts';
import { GradientDescentMomentum } from '../../src/nn/optimizers/index.ts';
import { Tensor, tidy } from '../../src/tensor.ts';
import { cifarNet, type Family } from './nets.ts';

export interface RunSettings {
  epochs: number;
  batchSize: number;
  lr: number;
  width: number;
  seed: number;
}

export interface EpochRecord { epoch: number; trainError: number; testError: number; seconds: number }

export interface NetResult {
  family: Family;
  depth: number;
  params: number;
  epochs: EpochRecord[];
  /** Training error over each quarter epoch: x = epochs completed (0.25, 0.5, …). */
  trainCurve: { x: number; error: number }[];
  /** Set when the cost stopped being finite. */
  diverged?: string;
}

/** Misclassified samples of a [10, n] output (first maximum) against the labels. */
function wrong(y: ArrayLike<number>, labels: Int32Array, n: number): number {
  let bad = 0;
  for (let j = 0; j < n; j++) {
    let best = 0;
    for (let k = 1; k < 10; k++) if (y[k * n + j] > y[best * n + j]) best = k;
    if (best !== labels[j]) bad++;
  }
  return bad;
}

async function testError(model: Model, test: ArrayData): Promise<number> {
  const it = new ArrayIterator(test.X, test.y, { nclass: 10, lshape: [1, 28, 28], batchSize: Math.min(250, test.y.length) });
  let bad = 0;
  for await (const b of it.batches()) {
    bad += noGrad(() => tidy(() => {
      const y = model.root.forward(Tensor.fromArray(model.backend, b.x, [1, 28, 28, b.n]), { training: false, random: model.random });
      return wrong(y.toArray(), b.labels, b.n);
    }));
  }
  return bad / test.y.length;
}

export async function trainNet(family: Family, depth: number, train: ArrayData, test: ArrayData, s: RunSettings, log: (line: string) => void): Promise<NetResult> {
  const model = new Model(cifarNet(family, depth, s.width), { seed: s.seed, name: `${family}-${depth}` });
  await model.build([1, 28, 28]);
  const params = model.params();
  // He et al. §4.2: SGD, momentum 0.9, weight decay 1e-4 (their lr 0.1 at batch 128).
  const optimizer = new GradientDescentMomentum(s.lr, { momentumCoef: 0.9, wdecay: 1e-4 });
  const cost = new GeneralizedCost({ costfunc: new CrossEntropyMulti() });
  const data = new ArrayIterator(train.X, train.y, { nclass: 10, lshape: [1, 28, 28], batchSize: s.batchSize, shuffle: true, seed: s.seed });
  const result: NetResult = { family, depth, params: params.reduce((a, p) => a + p.value.size, 0), epochs: [], trainCurve: [] };
  const started = Date.now();
  // Batches after which a quarter epoch ends (about equal windows, the last one ending the epoch).
  const quarters = new Set([1, 2, 3, 4].map((k) => Math.max(1, Math.round((k * data.nbatches) / 4))));
  for (let epoch = 0; epoch < s.epochs && !result.diverged; epoch++) {
    let epochBad = 0, epochSeen = 0, windowBad = 0, windowSeen = 0, batch = 0;
    for await (const b of data.batches()) {
      const bad = tidy(() => {
        const { pre, final } = model.root.forwardPre(Tensor.fromArray(model.backend, b.x, [1, 28, 28, b.n]), { training: true, random: model.random });
        const { loss, y } = cost.loss(pre, final, Tensor.fromArray(model.backend, b.targets, [10, b.n]));
        const value = loss.item();
        if (!Number.isFinite(value)) { result.diverged = `cost ${value} at epoch ${epoch}, batch ${batch}`; return 0; }
        const missed = wrong(y.toArray(), b.labels, b.n);
        backward(loss);
        optimizer.optimize(params, b.n, epoch);
        for (const p of params) { p.value.grad?.dispose(); p.value.grad = null; }
        return missed;
      });
      if (result.diverged) break;
      epochBad += bad; epochSeen += b.n; windowBad += bad; windowSeen += b.n;
      batch++;
      if (quarters.has(batch)) {
        result.trainCurve.push({ x: epoch + batch / data.nbatches, error: windowBad / windowSeen });
        windowBad = 0; windowSeen = 0;
      }
    }
    if (result.diverged) break;
    const rec = { epoch: epoch + 1, trainError: epochBad / epochSeen, testError: await testError(model, test), seconds: (Date.now() - started) / 1000 };
    result.epochs.push(rec);
    log(`  ${family}-${depth} epoch ${rec.epoch}: training error ${(100 * rec.trainError).toFixed(2)} %, test error ${(100 * rec.testError).toFixed(2)} %, ${rec.seconds.toFixed(0)} s`);
  }
  if (result.diverged) log(`  ${family}-${depth} diverged: ${result.diverged}`);
  model.dispose();
  optimizer.dispose();
  return result;
}
