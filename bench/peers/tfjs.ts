// TF.js (tfjs-core with tfjs-backend-wasm or tfjs-backend-cpu) in the comparison, with the networks
// written in tfjs-core ops (NHWC). Bundled by bench/compare.ts with esbuild before it runs: tfjs-
// core's ESM files import without extensions, and the backends must share its one ESM instance.
//   bench/compare.ts → node build/bench/tfjs.mjs --backend wasm|cpu [--iters N] [--train-batch N] id…
// TF.js runs single-threaded in Node (tfjs-backend-wasm turns threads off there: tfjs#3830).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { medianMs } from '../timing.ts';
import { NETS, WORKLOADS, emit, parseWorkload, type NetSpec, type WorkloadId } from '../workloads.ts';

const { values, positionals } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' }, iters: { type: 'string', default: '3' },
    'train-batch': { type: 'string' }, 'infer-batch': { type: 'string' },
  },
  allowPositionals: true,
});
const backend = values.backend as 'wasm' | 'cpu';
const iters = Number(values.iters);
const peer = `TF.js ${backend}`;
const req = createRequire(import.meta.url);
setWasmPaths(req.resolve('@tensorflow/tfjs-backend-wasm/package.json').replace(/package\.json$/, 'dist/'));
await tf.setBackend(backend);
await tf.ready();
const note = (batch: number) => `tfjs ${tf.version_core}, 1 thread${batch ? `, batch ${batch}` : ''}`;

type Params = tf.Variable[];

function variable(shape: number[], scale: number, fill?: number): tf.Variable {
  return tf.variable(fill === undefined ? tf.randomUniform(shape, -scale, scale) : tf.fill(shape, fill));
}

/** tfjs types a Variable's rank loosely; the shapes here are known. */
const r4 = (t: tf.Tensor): tf.Tensor4D => t as tf.Tensor4D;
const r1 = (t: tf.Tensor): tf.Tensor1D => t as tf.Tensor1D;

interface Net { params: Params; forward(x: tf.Tensor4D, training: boolean): tf.Tensor2D; head: 'sigmoid' | 'softmax' }

function cnn1(spec: NetSpec): Net {
  const d = spec.dilation ?? 1, [c, h, w] = spec.input;
  const w1 = variable([3, 3, c, 32], Math.sqrt(6 / (9 * c))), w2 = variable([3, 3, 32, 64], Math.sqrt(6 / 288));
  const flat = 64 * Math.ceil(h / 4) * Math.ceil(w / 4);
  const w3 = variable([flat, spec.nclass], Math.sqrt(3 / flat));
  return {
    params: [w1, w2, w3], head: 'sigmoid',
    forward: (x) => {
      let y = tf.maxPool(tf.relu(tf.conv2d(x, r4(w1), 1, 'same', 'NHWC', d)), 3, 2, 'same');
      y = tf.maxPool(tf.relu(tf.conv2d(y, r4(w2), 1, 'same', 'NHWC', d)), 3, 2, 'same');
      return tf.matMul(tf.reshape(y, [x.shape[0], flat]), w3);
    },
  };
}

function resnet18(spec: NetSpec): Net {
  const params: Params = [];
  const v = (shape: number[], scale: number, fill?: number) => { const t = variable(shape, scale, fill); params.push(t); return t; };
  const conv = (cin: number, cout: number, k: number) => v([k, k, cin, cout], Math.sqrt(6 / (k * k * cin)));
  const bnParams = (ch: number) => ({ gamma: v([ch], 0, 1), beta: v([ch], 0, 0), mean: tf.zeros([ch]), variance: tf.ones([ch]) });
  type Bn = ReturnType<typeof bnParams>;
  const bn = (x: tf.Tensor4D, p: Bn, training: boolean): tf.Tensor4D => {
    if (!training) return tf.batchNorm4d(x, r1(p.mean), r1(p.variance), r1(p.beta), r1(p.gamma), 1e-3);
    const m = tf.moments(x, [0, 1, 2]);
    return tf.batchNorm4d(x, r1(m.mean), r1(m.variance), r1(p.beta), r1(p.gamma), 1e-3);
  };
  const stem = { w: conv(spec.input[0], 64, 7), bn: bnParams(64) };
  const blocks: { pre: Bn | null; w1: tf.Variable; bn1: Bn; w2: tf.Variable; side: tf.Variable | null; stride: number }[] = [];
  let cin = 64, first = true;
  for (const nfm of [64, 64, 128, 128, 256, 256, 512, 512]) {
    const stride = nfm === cin ? 1 : 2;
    blocks.push({ pre: first ? null : bnParams(cin), w1: conv(cin, nfm, 3), bn1: bnParams(nfm), w2: conv(nfm, nfm, 3),
      side: first || stride !== 1 ? conv(cin, nfm, 1) : null, stride });
    cin = nfm;
    first = false;
  }
  const headBn = bnParams(512), fc = v([512, spec.nclass], Math.sqrt(6 / 512));
  // Explicit padding as the course's convs (k/2 each side): TF's 'same' pads asymmetrically at stride 2.
  const pad = (k: number): [[number, number], [number, number], [number, number], [number, number]] =>
    [[0, 0], [k >> 1, k >> 1], [k >> 1, k >> 1], [0, 0]];
  return {
    params, head: 'softmax',
    forward: (x, training) => {
      let y = tf.relu(bn(tf.conv2d(x, r4(stem.w), 2, pad(7)), stem.bn, training));
      y = tf.maxPool(y, 3, 2, 'same');
      for (const b of blocks) {
        const pre = b.pre ? tf.relu(bn(y, b.pre, training)) : y;
        const main = tf.conv2d(tf.relu(bn(tf.conv2d(pre, r4(b.w1), b.stride, pad(3)), b.bn1, training)), r4(b.w2), 1, pad(3));
        y = tf.add(b.side ? tf.conv2d(y, r4(b.side), b.stride, 'valid') : y, main);
      }
      y = tf.relu(bn(y, headBn, training));
      return tf.matMul(tf.mean(y, [1, 2]) as tf.Tensor2D, fc);
    },
  };
}

function input(spec: NetSpec, batch: number): tf.Tensor4D {
  const [c, h, w] = spec.input;
  return tf.randomUniform([batch, h, w, c], 0, 2) as tf.Tensor4D;
}

async function measure(id: WorkloadId): Promise<void> {
  const wl = parseWorkload(id);
  if (!wl) {
    const a = tf.randomNormal([1024, 1024]), b = tf.randomNormal([1024, 1024]);
    const ms = await medianMs(async () => { const c = tf.matMul(a, b); await c.data(); c.dispose(); }, backend === 'cpu' ? 1 : 7, 1);
    emit({ workload: id, peer, value: (2 * 1024 ** 3) / (ms * 1e6), unit: 'GFLOP/s', note: note(0) });
    return;
  }
  const spec = NETS[wl.net];
  const net = wl.net === 'resnet18' ? resnet18(spec) : cnn1(spec);
  const override = wl.mode === 'train' ? values['train-batch'] : values['infer-batch'];
  const batch = override ? Math.min(Number(override), spec.batch) : spec.batch;
  const x = input(spec, batch);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % spec.nclass), 'int32'), spec.nclass);
  const opt = tf.train.momentum(0.01, 0.9);
  const step = wl.mode === 'train'
    ? async () => {
      const loss = opt.minimize(() => {
        const z = net.forward(x, true);
        return net.head === 'softmax' ? tf.losses.softmaxCrossEntropy(labels, z) : tf.losses.sigmoidCrossEntropy(labels, z);
      }, true, net.params);
      await loss?.data();
      loss?.dispose();
    }
    : async () => {
      const y = tf.tidy(() => net.forward(x, false));
      await y.data();
      y.dispose();
    };
  try {
    const slow = backend === 'cpu' && wl.mode === 'train';
    const ms = await medianMs(step, slow ? 1 : iters, slow ? 0 : 1);
    emit({ workload: id, peer, value: batch / (ms / 1000), unit: 'img/s', note: note(batch) });
  } catch (e) {
    emit({ workload: id, peer, skip: `fails: ${(e as Error).message.split('\n')[0].slice(0, 140)}` });
  } finally {
    for (const p of net.params) p.dispose();
    x.dispose();
    labels.dispose();
  }
}

for (const id of (positionals.length ? positionals : WORKLOADS) as WorkloadId[]) await measure(id);
