// The demo's training worker: the whole model lives here, so the page stays responsive while it
// trains. 'argon-nn' resolves to the shipped browser bundle (build/argon.js) at build time.
import {
  ArrayIterator, GradientDescentMomentum, Misclassification, Model, costFor,
  cnn1, cnn2, getBackend, setBackend, type Backend,
} from 'argon-nn';
import type { Dataset, FromWorker, Pixels, ToWorker, TrainConfig } from './protocol.ts';

interface WorkerScope { postMessage(m: FromWorker, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null }
const scope = self as unknown as WorkerScope;
const post = (m: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(m, transfer);

let model: Model | null = null;
let classes: string[] = [];
let darkBackground = false;
let stopRequested = false;

class Stopped extends Error {}

function describe(b: Backend): string {
  const info = (b as { info?: { renderer?: string } }).info;
  if (b.name === 'webgl') return `GPU (WebGL2) on ${info?.renderer ?? 'an unknown renderer'}`;
  const threads = (b as { threads?: number }).threads;
  const variant = (b as { variant?: string }).variant;
  return `CPU (wasm${variant ? ` ${variant} SIMD` : ''}${threads ? `, ${threads} thread${threads > 1 ? 's' : ''}` : ''})`;
}

async function pickBackend(config: Pick<TrainConfig, 'backend' | 'threads'>): Promise<void> {
  await setBackend(config.backend, config.threads ? { threads: config.threads } : {});
  const b = await getBackend(config.backend);
  const warning = (b as { softwareWarning?: string | null }).softwareWarning ?? null;
  post({ type: 'backend', name: b.name, detail: describe(b), warning });
}

function iterator(data: Dataset, from: number, to: number, batchSize: number, shuffle: boolean): ArrayIterator {
  const F = data.lshape[0] * data.lshape[1] * data.lshape[2];
  return new ArrayIterator(data.X.subarray(from * F, to * F), data.y.subarray(from, to), {
    nclass: data.classes.length, lshape: data.lshape, batchSize: Math.min(batchSize, to - from), shuffle, seed: 1,
  });
}

async function train(config: TrainConfig, data: Dataset): Promise<void> {
  const t0 = performance.now();
  stopRequested = false;
  await pickBackend(config);
  model?.dispose();
  classes = data.classes;
  darkBackground = data.darkBackground;
  const n = data.y.length, ntrain = n - data.ntest;
  const build = config.net === 'cnn1' ? cnn1 : cnn2;
  model = new Model(build({ nclass: classes.length, inputShape: data.lshape }), { seed: 1, backend: config.backend });
  const trainSet = iterator(data, 0, ntrain, config.batchSize, true);
  const testSet = iterator(data, ntrain, Math.min(n, ntrain + Math.max(1, config.evalImages)), 100, false);
  // CrossEntropyMulti for the Softmax head cnn1/cnn2 get with more than 2 classes, else the course's pair.
  const cost = costFor(model.root);
  const m = model;
  let step = 0, accuracy: number | null = null, last = performance.now();
  const evaluate = async (): Promise<void> => {
    const [err] = await m.eval(testSet, new Misclassification());
    accuracy = 1 - err;
    post({ type: 'accuracy', step, accuracy });
  };
  let stopped = false;
  try {
    await m.fit(trainSet, {
      cost, optimizer: new GradientDescentMomentum(config.learningRate, { momentumCoef: 0.9 }), epochs: config.epochs,
      callbacks: [{
        onBatchEnd: async (batch, logs) => {
          step++;
          const now = performance.now();
          post({ type: 'batch', epoch: m.epoch, batch: batch + 1, nbatches: trainSet.nbatches, loss: logs.loss, imagesPerSecond: logs.size / ((now - last) / 1000) });
          last = now;
          if (step % config.evalEvery === 0) await evaluate();
          // Let a 'stop' message in between batches.
          await new Promise((r) => setTimeout(r, 0));
          if (stopRequested || (config.maxBatches !== null && step >= config.maxBatches)) throw new Stopped();
          last = performance.now();
        },
      }],
    });
  } catch (e) {
    if (!(e instanceof Stopped)) throw e;
    stopped = stopRequested;
  }
  await evaluate();
  post({ type: 'done', stopped, batches: step, accuracy, seconds: (performance.now() - t0) / 1000 });
}

async function predict(image: Pixels): Promise<void> {
  if (!model) throw new Error('train or load a model first');
  let pixels = image;
  if (darkBackground) {
    // MNIST digits are light strokes on black: invert a photo whose background is light.
    let sum = 0;
    for (let i = 0; i < image.data.length; i += 4) sum += (image.data[i] + image.data[i + 1] + image.data[i + 2]) / 3;
    if (sum / (image.data.length / 4) > 127) {
      const data = new Uint8ClampedArray(image.data);
      for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) data[i + c] = 255 - data[i + c];
      pixels = { ...image, data };
    }
  }
  const probs = await model.predict(pixels);
  post({ type: 'prediction', probs: Array.from(probs), classes });
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'train': return train(msg.config, msg.data);
    case 'stop': stopRequested = true; return;
    case 'predict': return predict(msg.image);
    case 'save': {
      if (!model) throw new Error('nothing to save yet: train or load a model first');
      const bytes = model.toBytes();
      post({ type: 'saved', bytes }, [bytes.buffer]);
      return;
    }
    case 'load': {
      await pickBackend(msg.config);
      model?.dispose();
      model = Model.fromBytes(msg.bytes, { backend: msg.config.backend });
      if (!model.pendingShape) throw new Error('the model file records no input shape');
      await model.build(model.pendingShape);
      classes = msg.classes.length === model.outputShape[0] ? msg.classes : Array.from({ length: model.outputShape[0] }, (_, i) => String(i));
      darkBackground = model.pendingShape[0] === 1 || model.inputShape[0] === 1;
      post({ type: 'loaded', inputShape: [...model.inputShape], classes });
      return;
    }
  }
}

scope.onmessage = (e) => {
  handle(e.data).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
};
