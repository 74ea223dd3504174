// Child of kill-during-save.test.ts: saves a 4 MB model to argv[2] over and over (each save a new
// epoch count, so every file differs), writing one 's' to stdout after each completed save, until
// it is killed. Runs the built Node bundle (fast start, no TypeScript loader).
import { Affine, Logistic, Model, setBackend } from '../../../build/argon.node.mjs';

const path = process.argv[2];
await setBackend('cpu', { threads: 1 }); // starts in a tenth of the time of a threaded backend
const model = new Model([new Affine(1000, { activation: new Logistic() })], { seed: 1 });
await model.build([1, 32, 32]);
for (;;) {
  model.epoch++;
  await model.save(path);
  process.stdout.write('s');
}
