// The per-layer convolution planner (src/ops/conv-plan.ts): which algorithm each case gets, forcing
// one, inference planned independently of the batch size (a sample's prediction is the same bits
// in any batch, Winograd layers included), and the algorithm column of summary().
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { noGrad } from '../src/autograd/index.ts';
import { createWasmBackend, type WasmBackend } from '../src/backends/wasm/backend.ts';
import { Conv, Sequential, assignNames, buildLayers } from '../src/layers/index.ts';
import { models } from '../src/models/index.ts';
import { Rectlin } from '../src/nn/activations.ts';
import { INFERENCE_PLAN_BATCH, planConv, withConvAlgorithm } from '../src/ops/conv-plan.ts';
import { Random } from '../src/random.ts';
import { windowGeometry } from '../src/shape.ts';
import { formatSummary, summarize } from '../src/summary.ts';
import { Tensor } from '../src/tensor.ts';
import { randomArray } from './helpers.ts';

const all = { columnFree: true, winograd: true };
const train = { weightGrad: true, inputGrad: true };
const geom = (x: number[], win: number[], opts: { stride?: number; pad?: number; dilation?: number }) =>
  windowGeometry('t', x, win, opts, false);

test('planner: Winograd for the course nets\' wide 3×3 layers, never where it does not apply', () => {
  // CNN-1's second conv (dilated) and a ResNet stage-1 conv: Winograd; CNN-1's first (3 channels):
  // direct; strided, 5×5 and 1×1 windows: never Winograd.
  assert.is(planConv(geom([32, 32, 32, 128], [3, 3], { pad: 2, dilation: 2 }), 64, all, train).algorithm, 'winograd');
  assert.is(planConv(geom([64, 16, 16, 32], [3, 3], { pad: 1 }), 64, all, train).algorithm, 'winograd');
  const first = { weightGrad: true, inputGrad: false };
  assert.is(planConv(geom([3, 64, 64, 128], [3, 3], { pad: 2, dilation: 2 }), 32, all, first).algorithm, 'column-free');
  // With the direct weight gradient: MNIST's first layer (9 taps per filter) takes it, ResNet's 7×7
  // stem (147) does not; a layer whose input needs a gradient never does.
  const withDirect = { ...all, direct: true };
  assert.is(planConv(geom([1, 28, 28, 128], [3, 3], { pad: 1 }), 32, withDirect, first).algorithm, 'direct');
  assert.is(planConv(geom([1, 28, 28, 128], [3, 3], { pad: 1 }), 32, withDirect, train).algorithm, 'im2col');
  assert.is(planConv(geom([3, 64, 64, 32], [7, 7], { pad: 3, stride: 2 }), 64, withDirect, first).algorithm, 'column-free');

  assert.is(planConv(geom([64, 16, 16, 32], [3, 3], { pad: 1, stride: 2 }), 64, all, train).algorithm, 'im2col');
  assert.is(planConv(geom([64, 16, 16, 32], [5, 5], { pad: 2 }), 64, all, train).algorithm, 'column-free');
  assert.is(planConv(geom([64, 16, 16, 32], [1, 1], {}), 64, all, train).algorithm, 'pointwise');
  // Without the kernels, the choice falls back; forcing applies only where it can.
  const none = { columnFree: false, winograd: false };
  assert.is(planConv(geom([32, 32, 32, 128], [3, 3], { pad: 2, dilation: 2 }), 64, none, train).algorithm, 'im2col');
  // A backend whose column-free kernels are its fastest at every size (webgl's implicit GEMM) gets
  // them for small layers too; a 1×1 stride-1 conv stays a plain GEMM.
  const gpu = { columnFree: true, winograd: false, preferColumnFree: true };
  assert.is(planConv(geom([64, 16, 16, 32], [3, 3], { pad: 1, stride: 2 }), 64, gpu, train).algorithm, 'column-free');
  assert.is(planConv(geom([1, 28, 28, 8], [3, 3], { pad: 1 }), 8, gpu, first).algorithm, 'column-free');
  assert.is(planConv(geom([64, 16, 16, 32], [1, 1], {}), 64, gpu, train).algorithm, 'pointwise');
  assert.is(withConvAlgorithm('winograd', () => planConv(geom([3, 9, 9, 1], [3, 3], {}), 2, all, train).algorithm), 'winograd');
  assert.is(withConvAlgorithm('winograd', () => planConv(geom([3, 9, 9, 1], [3, 3], { stride: 2 }), 2, all, train).algorithm), 'im2col');
});

test('planner: a dense product where the window covers the whole input from every output position', () => {
  // Inference as on the wasm backend, which keeps the gathered weights between calls.
  const withDense = { ...all, dense: true, keepsFilters: true };
  const infer = { weightGrad: false, inputGrad: false };
  // ResNet's 3×3 layers on a 1×1 map (ResNet-18's last stage at 32 px): one product per filter and
  // channel, where Winograd does 16 and im2col 9; the strided 3×3 from 2×2 to 1×1: 4 instead of 9.
  for (const passes of [train, infer]) {
    assert.is(planConv(geom([512, 1, 1, 32], [3, 3], { pad: 1 }), 512, withDense, passes).algorithm, 'dense');
    assert.is(planConv(geom([256, 2, 2, 32], [3, 3], { pad: 1, stride: 2 }), 512, withDense, passes).algorithm, 'dense');
    // On a 2×2 map both multiply 16 times per filter and channel; Winograd measured faster there.
    assert.is(planConv(geom([512, 2, 2, 32], [3, 3], { pad: 1 }), 512, withDense, passes).algorithm, 'winograd');
  }
  // Not where some output position misses an input position (4×4), not without the kernels.
  assert.is(planConv(geom([256, 4, 4, 32], [3, 3], { pad: 1 }), 256, withDense, train).algorithm, 'winograd');
  assert.is.not(planConv(geom([512, 1, 1, 32], [3, 3], { pad: 1 }), 512, all, train).algorithm, 'dense');
  assert.is(withConvAlgorithm('dense', () => planConv(geom([4, 2, 2, 3], [3, 3], { pad: 1 }), 5, withDense, train).algorithm), 'dense');
  assert.is.not(withConvAlgorithm('dense', () => planConv(geom([4, 4, 4, 3], [3, 3], { pad: 1 }), 5, withDense, train).algorithm), 'dense');
});

test('planner: inference plans for a fixed batch, training for the actual one', () => {
  const g = geom([512, 2, 2, 1], [3, 3], { pad: 1 });
  const infer = { weightGrad: false, inputGrad: false };
  const at = (batch: number, passes: typeof infer) => planConv({ ...g, batch }, 512, all, passes).algorithm;
  for (const batch of [1, 7, 64, 512]) assert.is(at(batch, infer), at(INFERENCE_PLAN_BATCH, infer), `inference at batch ${batch}`);
  assert.is.not(at(1, train), at(512, train), 'training follows the batch (a 2×2 output: Winograd only pays at large batches)');
});

test('a prediction is the same bits in any batch, through Winograd layers', async () => {
  const be = await createWasmBackend({ threads: 2, minPartNs: 0 });
  // 64 channels at 4×4: planned for its own batch, Winograd would pay from about 8 images on (its
  // filter transform amortised), so batches of 1 to 8 would mix the algorithms.
  const root = new Sequential([
    new Conv([3, 3, 64], { padding: 1, batchNorm: true, activation: new Rectlin() }),
    new Conv([3, 3, 64], { padding: 1, activation: new Rectlin() }),
  ]);
  buildLayers(root, [64, 4, 4], { backend: be, random: new Random(3) });
  const g = (batch: number) => geom([64, 4, 4, batch], [3, 3], { pad: 1 });
  const infer = { weightGrad: false, inputGrad: false };
  assert.is(planConv(g(1), 64, all, infer).algorithm, 'winograd', 'the layers run by Winograd');
  assert.is.not(planConv(g(1), 64, all, train).algorithm, planConv(g(8), 64, all, train).algorithm, 'planned per batch, they would differ');
  expectSameInAnyBatch(be, root, [64, 4, 4]);
  root.dispose();
  await be.close();
});

/** Runs 6 samples through root as one batch and in smaller batches (1 to 4, where the GEMMs of a
 *  small feature map have so few columns that sgemm streams A unpacked) and asserts equal bits. */
function expectSameInAnyBatch(be: WasmBackend, root: Sequential, shape: [number, number, number]): void {
  const n = shape[0] * shape[1] * shape[2], data = randomArray(n * 6, 5, -1, 1);
  const run = (first: number, count: number): Float32Array => noGrad(() => {
    // data holds one sample per row; the layout is [C, H, W, N]: transpose into it.
    const chw = Tensor.fromArray(be, transpose(data.subarray(first * n, (first + count) * n), count, n), [...shape, count]);
    const y = root.forward(chw, { training: false, random: new Random(1) });
    const out = transpose(Float64Array.from(y.toArray()), y.size / count, count);
    chw.dispose(); y.dispose();
    return Float32Array.from(out);
  });
  const six = run(0, 6), per = six.length / 6;
  for (const [first, count] of [[0, 1], [2, 3], [5, 1], [1, 4], [3, 2]]) {
    const part = run(first, count);
    assert.equal(Array.from(part), Array.from(six.subarray(first * per, (first + count) * per)), `samples ${first}..${first + count - 1}`);
  }
}

test('a prediction is the same bits in any batch on 2×2 and 1×1 feature maps (matrix–vector GEMMs)', async () => {
  const be = await createWasmBackend({ threads: 2, minPartNs: 0 });
  // ResNet's last stages at a small input: a strided 3×3 conv to 1×1, a 3×3 conv over that single
  // position (its padding leaves only the centre tap), and a 1×1 head: at batch ≤ 4 each GEMM has
  // at most 4 columns.
  const root = new Sequential([
    new Conv([3, 3, 48], { strides: 2, padding: 1, batchNorm: true, activation: new Rectlin() }),
    new Conv([3, 3, 40], { padding: 1, activation: new Rectlin() }),
    new Conv([1, 1, 7], {}),
  ]);
  buildLayers(root, [37, 2, 2], { backend: be, random: new Random(4) });
  expectSameInAnyBatch(be, root, [37, 2, 2]);
  root.dispose();
  await be.close();
});

/** rows × cols row-major → cols × rows. */
function transpose(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

test('summary names each convolution\'s algorithm', () => {
  const root = new Sequential(models.resnet18({ inputShape: [3, 64, 64], nclass: 2 }));
  assignNames(root);
  root.configure([3, 64, 64]);
  const text = formatSummary(summarize(root, { inputShape: [3, 64, 64], batchSize: 32 }));
  assert.match(text, /Convolution_2 .* winograd\n/);
  // The last stage's 2×2 maps: Winograd in inference too where the backend keeps the transformed
  // filters between calls (the wasm backend, the default), im2col's fused kernel otherwise.
  assert.match(text, /Convolution_18 .* winograd\n/);
  const s = summarize(root, { inputShape: [3, 64, 64], batchSize: 32, kernels: { columnFree: true, winograd: true, direct: true } });
  assert.match(formatSummary(s), /Convolution_18 .* winograd \(inference: direct\)\n/);
  // Kept: the 3×3 stride-1 layers' transformed filters, 16 matrices of K × C floats each (K a
  // multiple of 4), each over 4 KiB here and so padded to a multiple of 4 KiB plus a cache line
  // (L1 sets: winograd-common.ts).
  const kept = s.rows.filter((r) => r.type === 'Convolution' && r.conv?.geometry.stride[1] === 1 && r.conv.geometry.window[1] === 3)
    .reduce((sum, r) => sum + 16 * (Math.ceil((r.conv!.k * r.conv!.geometry.channels * 4) / 4096) * 4096 + 64), 0);
  assert.is(summarize(root, { inputShape: [3, 64, 64], batchSize: 32 }).memory.keptFilters, kept);
  assert.is(s.memory.keptFilters, 0, 'nothing kept where the backend does not keep transforms');
  assert.match(text, /Convolution_1 .* 1×1\n/);
  assert.match(text, /Convolution_7 .* im2col\n/);
  assert.match(text, /^algorithm: how each convolution runs/m);
  // At 32 px the last stage's maps are 1×1: its 3×3 layers (and the strided one into it) run dense.
  const small = new Sequential(models.resnet18({ inputShape: [3, 32, 32], nclass: 2 }));
  assignNames(small);
  small.configure([3, 32, 32]);
  const s32 = summarize(small, { inputShape: [3, 32, 32], batchSize: 32 });
  const dense = s32.rows.filter((r) => r.algorithm?.train === 'dense').map((r) => r.name);
  assert.equal(dense, ['Convolution_17', 'Convolution_18', 'Convolution_19', 'Convolution_20']);
  assert.match(formatSummary(s32), /Convolution_18 .* dense\n/);
});

test.run();
