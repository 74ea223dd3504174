// summary() design advice (issue 7): early representational bottlenecks and the stacked-3×3
// equivalent of every k×k conv with k ≥ 5, printed before the totals; numbers counted by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Affine, Conv, Convolution, Pooling, Sequential, assignNames } from '../src/layers/index.ts';
import type { Layer } from '../src/layers/layer.ts';
import { models } from '../src/models/index.ts';
import { Rectlin } from '../src/nn/activations.ts';
import { formatSummary, summarize } from '../src/summary.ts';

function advice(layers: Layer[], shape: number[]): string[] {
  const root = new Sequential(layers);
  assignNames(root);
  root.configure(shape);
  return summarize(root, { inputShape: shape, batchSize: 1 }).advice;
}

test('bottleneck: FCNN-1 squeezes 12,288 values into 128 at its first layer; CNN-1 never goes under a quarter', () => {
  const fc = advice(models.fcnn1(), [3, 64, 64]);
  assert.is(fc.length, 1);
  assert.match(fc[0], /^representational bottleneck at Linear_0 \(Linear, layer 2 of 5, in the first third\): \[3, 64, 64\] → \[128\] keeps 128 of 12,288 values \(1 %/);
  // CNN-1's 3×3/2 poolings keep exactly a quarter: not "fewer than a quarter".
  assert.equal(advice(models.cnn1(), [3, 64, 64]), []);
  // CNN-2's 5×5/2 pooling of 62×62 keeps 29×29 (22 %).
  assert.match(advice(models.cnn2(), [3, 64, 64]).join('\n'), /bottleneck at Pooling_0 .* \[32, 62, 62\] → \[32, 29, 29\] keeps 26,912 of 123,008 values \(22 %/);
});

test('bottleneck: only the first third of the layers is checked', () => {
  const late = [new Conv([3, 3, 8], { padding: 1 }), new Conv([3, 3, 8], { padding: 1 }), new Pooling(4)];
  assert.equal(advice(late, [8, 16, 16]), [], 'the 1/16 pooling is the last of 3 layers');
  const early = [new Pooling(4), new Conv([3, 3, 8], { padding: 1 }), new Conv([3, 3, 8], { padding: 1 })];
  assert.is(advice(early, [8, 16, 16]).length, 1);
});

test('stacked 3×3: a 5×5 conv 32 → 32 (stride 1) saves 28 % of weights and FLOPs (Szegedy et al.)', () => {
  const [line] = advice([new Convolution([5, 5, 32], { padding: 2 })], [32, 10, 10]);
  // weights: 25·32·32 = 25,600 vs 9·(32·32 + 32·32) = 18,432; FLOPs: 2·100 positions × those.
  assert.is(line, 'Convolution_0: a 5×5 conv (32 → 32 maps) = 2 stacked 3×3 convs (32 → 32 → 32 maps, same receptive field and output): ' +
    '18,432 weights instead of 25,600 (saves 28 %), 3,686,400 FLOPs per sample instead of 5,120,000 (saves 28 %)');
});

test('stacked 3×3: the ResNet stem (7×7/2, 3 → 64) and a strided conv whose stack runs early layers at input resolution', () => {
  const [stem] = advice(models.resnet18(), [3, 64, 64]);
  // weights 9·(3·3·2 + 3·64) = 1,890; multiply-adds 9·(3·3·2·4096 + 3·64·1024) = 2,433,024.
  assert.match(stem, /^Convolution_0: a 7×7 conv \(3 → 64 maps\) = 3 stacked 3×3 convs \(3 → 3 → 3 → 64 maps/);
  assert.match(stem, /1,890 weights instead of 9,408 \(saves 80 %\), 4,866,048 FLOPs per sample instead of 19,267,584 \(saves 75 %\)$/);
  // A wide-to-narrow 5×5 (64 → 8) where the stack, which keeps 64 maps until its last conv, costs more.
  const grow = advice([new Convolution([5, 5, 8], { padding: 2 })], [64, 6, 6]).find((l) => l.includes('stacked')) ?? '';
  // 25·64·8 = 12,800 vs 9·(64·64 + 64·8) = 41,472.
  assert.match(grow, /41,472 weights instead of 12,800 \(costs 224 % more\)/);
});

test('stacked 3×3: 3-D 5×5×5 is priced with 3×3×3 taps; 3×3, 5×3 and 1-D windows are not', () => {
  const [cube] = advice([new Convolution([5, 5, 5, 4], { padding: 2 })], [4, 6, 6, 6]);
  assert.match(cube, /a 5×5×5 conv \(4 → 4 maps\) = 2 stacked 3×3×3 convs .*: 864 weights instead of 2,000 \(saves 57 %\)/);
  assert.equal(advice([new Convolution([3, 3, 4], { padding: 1 }), new Convolution([5, 3, 4], { padding: [2, 1] })], [4, 8, 8]), []);
  assert.match(advice([new Convolution([7, 4], { padding: 3 })], [4, 20]).join(''), /a 7-wide conv \(4 → 4 maps\) = 3 stacked 3-wide convs/);
});

test('advice is printed before the totals', () => {
  const root = new Sequential([new Conv([5, 5, 4], { padding: 2, activation: new Rectlin() }), new Affine(2)]);
  assignNames(root);
  root.configure([4, 8, 8]);
  const lines = formatSummary(summarize(root, { inputShape: [4, 8, 8], batchSize: 2 })).split('\n');
  const at = lines.findIndex((l) => l.startsWith('advice: Convolution_0: a 5×5 conv'));
  assert.ok(at > 0);
  assert.ok(at < lines.findIndex((l) => l.startsWith('multiply-adds per sample')));
  assert.ok(lines.some((l) => l.startsWith('advice: representational bottleneck at Linear_0')) === false, 'Linear_0 is row 3 of 3');
});

test.run();
