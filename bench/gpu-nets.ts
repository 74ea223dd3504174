// Training-step workloads of `npm run bench:gpu`: CNN-1 at 3×64×64 and ResNet-18 at 3×32×32 on
// Argon's webgl backend and, with --peers, the same networks with the same initial weights as
// TF.js graphs (gpu-tf-net.ts). TF.js cannot take a gradient through a dilated convolution, so
// the side-by-side CNN-1 uses dilation 1 (padding 1) on both engines; the course's dilation-2
// CNN-1 is timed on Argon alone. A step is one Model.fit over one batch (upload, forward,
// backward, update, and the loss read back); TF.js's is optimizer.minimize with the loss read back.
import * as tf from '@tensorflow/tfjs-core';
import { WebglBackend } from '../src/backends/webgl/backend.ts';
import { ArrayIterator } from '../src/data/array-iterator.ts';
import { Affine, Conv } from '../src/layers/compound.ts';
import { Pooling } from '../src/layers/convolution.ts';
import type { Layer } from '../src/layers/layer.ts';
import { DataTransform } from '../src/layers/transform.ts';
import { Model } from '../src/model/model.ts';
import { cnn1, resnet18 } from '../src/models/index.ts';
import { Logistic, Normalizer, Rectlin } from '../src/nn/activations.ts';
import { CrossEntropyBinary, CrossEntropyMulti, GeneralizedCost } from '../src/nn/costs.ts';
import { Kaiming, Xavier } from '../src/nn/initializers.ts';
import { GradientDescentMomentum } from '../src/nn/optimizers/index.ts';
import type { Engine } from './gpu-kernels.ts';
import { tfNetFromOnnx, type TfNet } from './gpu-tf-net.ts';

export type NetName = 'cnn1' | 'cnn1-dilation2' | 'resnet18';

export interface NetWorkload {
  name: string;
  net: NetName;
  batch: number;
  size: number;
  /** TF.js can train it (not the dilated CNN-1). */
  peer: boolean;
}

/** CNN-1 as the course builds it, with the dilation the side-by-side run can use. */
function cnn1Layers(dilation: number, size: number): Layer[] {
  if (dilation === 2) return cnn1({ inputShape: [3, size, size] });
  const conv = (k: number) => new Conv([3, 3, k], { padding: 1, strides: 1, dilation: 1, init: new Kaiming(), activation: new Rectlin() });
  const pool = () => new Pooling([3, 3], { padding: 1, strides: 2, op: 'max' });
  return [
    new DataTransform(new Normalizer({ divisor: 128 })), conv(32), pool(), conv(64), pool(),
    new Affine(2, { init: new Xavier({ local: false }), activation: new Logistic({ shortcut: true }) }),
  ];
}

export function netWorkloads(quick: boolean): NetWorkload[] {
  const list: NetWorkload[] = [
    { name: 'CNN-1 training step, 3×64×64, b8 (dilation 1)', net: 'cnn1', batch: 8, size: 64, peer: true },
    { name: 'CNN-1 training step, 3×64×64, b16 (dilation 1)', net: 'cnn1', batch: 16, size: 64, peer: true },
  ];
  if (!quick) {
    list.push({ name: 'CNN-1 training step, 3×64×64, b16 (course: dilation 2)', net: 'cnn1-dilation2', batch: 16, size: 64, peer: false });
    list.push({ name: 'ResNet-18 training step, 3×32×32, b4', net: 'resnet18', batch: 4, size: 32, peer: true });
  }
  return list;
}

/** Random pixels and labels for `steps` batches, in Argon's rows (NCHW, 0–255) and TF.js's NHWC. */
function data(w: NetWorkload, steps: number): { X: Uint8Array; y: Int32Array } {
  const n = w.batch * steps, F = 3 * w.size * w.size;
  const X = new Uint8Array(n * F);
  for (let i = 0; i < X.length; i++) X[i] = Math.imul(i + 1, 2654435761) >>> 24;
  return { X, y: Int32Array.from({ length: n }, (_, i) => (i * 7) % 2) };
}

/** Engines whose loss() is the first step's loss; `backend` is the webgl backend Argon's model
 *  runs on; `cpu` is the same network on Argon's cpu backend (wasm) in the same page. */
export interface NetEngines {
  argon: Engine & { loss(): number };
  cpu: Engine & { loss(): number };
  tf: (Engine & { loss(): number }) | null;
  backend: WebglBackend;
}

/** An Argon model of the workload on `backend`, training one batch per run. */
async function argonNet(w: NetWorkload, backend: 'gpu' | 'cpu', X: Uint8Array, y: Int32Array, batches: number): Promise<{ engine: Engine & { loss(): number }; model: Model }> {
  const layers = w.net === 'resnet18' ? resnet18({ inputShape: [3, w.size, w.size] }) : cnn1Layers(w.net === 'cnn1' ? 1 : 2, w.size);
  const model = new Model(layers, { seed: 7, backend });
  await model.build([3, w.size, w.size]);
  const F = 3 * w.size * w.size;
  const cost = new GeneralizedCost({ costfunc: w.net !== 'resnet18' ? new CrossEntropyBinary() : new CrossEntropyMulti() });
  const optimizer = new GradientDescentMomentum(0.01, { momentumCoef: 0.9 });
  let step = 0, last = NaN, first = NaN;
  const engine = {
    async run(): Promise<void> {
      const b = step++ % batches;
      const it = new ArrayIterator(X.subarray(b * w.batch * F, (b + 1) * w.batch * F), y.subarray(b * w.batch, (b + 1) * w.batch),
        { nclass: 2, lshape: [3, w.size, w.size], batchSize: w.batch });
      // fit's epochs is the epoch to train up to (resume semantics): one more each step.
      const h = await model.fit(it, { cost, optimizer, epochs: model.epoch + 1 });
      last = h.loss[h.loss.length - 1];
      if (Number.isNaN(first)) first = last;
    },
    result: () => new Float32Array([last]),
    loss: () => first,
    dispose: () => model.dispose(),
  };
  return { engine, model };
}

/** The engines for a workload; step i of each trains on batch i % batches of the same data. */
export async function netEngines(w: NetWorkload, peers: boolean, batches: number): Promise<NetEngines> {
  const { X, y } = data(w, batches);
  const F = 3 * w.size * w.size;
  const gpu = await argonNet(w, 'gpu', X, y, batches);
  const cpu = await argonNet(w, 'cpu', X, y, batches);
  const tfNet: TfNet | null = peers && w.peer ? tfNetFromOnnx(gpu.model.toOnnx(), w.net !== 'resnet18' ? 'binary' : 'multi', 0.01) : null;
  let tfLoss = NaN, tfStep = 0, tfFirst = NaN;
  let tfEngine: (Engine & { loss(): number }) | null = null;
  if (tfNet) {
    const xs: tf.Tensor4D[] = [], ts: tf.Tensor2D[] = [];
    for (let b = 0; b < batches; b++) {
      const nhwc = new Float32Array(w.batch * F);
      for (let n = 0; n < w.batch; n++) for (let c = 0; c < 3; c++) for (let p = 0; p < w.size * w.size; p++) {
        nhwc[(n * w.size * w.size + p) * 3 + c] = X[(b * w.batch + n) * F + c * w.size * w.size + p];
      }
      xs.push(tf.tensor4d(nhwc, [w.batch, w.size, w.size, 3]));
      ts.push(tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(y.subarray(b * w.batch, (b + 1) * w.batch), 'int32'), 2), 'float32') as tf.Tensor2D));
    }
    tfEngine = {
      run() {
        const b = tfStep++ % batches;
        tfLoss = tfNet.step(xs[b], ts[b]);
        if (Number.isNaN(tfFirst)) tfFirst = tfLoss;
      },
      result: () => new Float32Array([tfLoss]),
      loss: () => tfFirst,
      dispose() { tfNet.dispose(); for (const t of [...xs, ...ts]) t.dispose(); },
    };
  }
  const backend = gpu.model.backend;
  if (!(backend instanceof WebglBackend)) throw new Error(`the model runs on '${backend.name}', not webgl`);
  return { argon: gpu.engine, cpu: cpu.engine, tf: tfEngine, backend };
}
