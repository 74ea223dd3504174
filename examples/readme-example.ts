// The README's "course's code, line by line" example, kept here so the type checker and
// `node --import tsx examples/readme-example.ts [faces dir]` keep it true.
import {
  Model, Conv, Pooling, Affine, DataTransform, Normalizer, Kaiming, Xavier, Rectlin, Logistic,
  GeneralizedCost, CrossEntropyBinary, GradientDescentMomentum, ImageManifest, Accuracy, progressBar,
} from '../src/index.ts';

const faces = process.argv[2] ?? '../shared/data/faces';
const layers = [
  new DataTransform(new Normalizer({ divisor: 128 })),
  new Conv([3, 3, 32], { padding: 2, strides: 1, dilation: 2, init: new Kaiming(), activation: new Rectlin() }),
  new Pooling([3, 3], { padding: 1, strides: 2, op: 'max' }),
  new Conv([3, 3, 64], { padding: 2, strides: 1, dilation: 2, init: new Kaiming(), activation: new Rectlin() }),
  new Pooling([3, 3], { padding: 1, strides: 2, op: 'max' }),
  new Affine(2, { init: new Xavier({ local: false }), activation: new Logistic({ shortcut: true }) }),
];
const model = new Model(layers, { seed: 1 });
const train = await ImageManifest.open(`${faces}/train.csv`, { inputShape: [3, 64, 64], batchSize: 128, shuffle: true });
const test = await ImageManifest.open(`${faces}/test.csv`, { inputShape: [3, 64, 64], batchSize: 128 });
await model.fit(train, {
  cost: new GeneralizedCost({ costfunc: new CrossEntropyBinary() }),
  optimizer: new GradientDescentMomentum(0.01, { momentumCoef: 0.9, wdecay: 0.0005 }),
  epochs: 10, callbacks: [progressBar()],
});
console.log(await model.eval(test, new Accuracy()));
await model.save('cnn1.argon');
