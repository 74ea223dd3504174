// `argon eval`, `argon predict` and `argon summary`: use a trained model, or describe a network.
import { Model } from '../model/model.ts';
import { modelNames, models, type ModelName } from '../models/index.ts';
import { confusionMatrix } from '../nn/metrics.ts';
import { UsageError, type FlagSpecs, type Parsed } from './args.ts';
import { loadData, parseShape } from './data.ts';
import { DATA_SAFETY_FLAGS, dataSafety } from './data-flags.ts';

const common: FlagSpecs = {
  debug: { type: 'boolean', help: 'show stack traces' },
  help: { type: 'boolean', help: 'this help' },
};

export const EVAL_FLAGS: FlagSpecs = {
  model: { type: 'string', placeholder: 'DIR', help: 'a training output folder (holding model.argon) or a .argon file' },
  data: { type: 'string', placeholder: 'csv|folder|mnist|fashion-mnist', help: 'labelled data to evaluate on (built-in sets: their held-out part)' },
  'batch-size': { type: 'int', min: 1, help: 'minibatch size (default 128)' },
  'skip-bad': { type: 'boolean', help: 'skip unreadable images (and count them) instead of failing' },
  ...DATA_SAFETY_FLAGS,
  ...common,
};

export const PREDICT_FLAGS: FlagSpecs = {
  model: { type: 'string', placeholder: 'DIR', help: 'a training output folder (holding model.argon) or a .argon file' },
  ...common,
};

export const SUMMARY_FLAGS: FlagSpecs = {
  model: { type: 'string', choices: modelNames, help: 'a course network (or give --file)' },
  file: { type: 'string', placeholder: 'DIR|file.argon', help: 'a saved model instead of a named network' },
  input: { type: 'string', placeholder: 'CxHxW', help: 'per-sample input shape (default 3x64x64)' },
  batch: { type: 'int', min: 1, help: 'batch size for the memory estimate (default 32)' },
  classes: { type: 'int', min: 1, help: 'output classes (default 2)' },
  ...common,
};

function modelPath(arg: string | undefined): string {
  if (!arg) throw new UsageError('--model is required (a training output folder or a .argon file)');
  return arg.endsWith('.argon') ? arg : `${arg}/model.argon`;
}

export async function evaluateCommand(args: Parsed): Promise<void> {
  const f = args.flags;
  const model = await Model.load(modelPath(f.get('model') as string | undefined));
  const data = f.get('data') as string | undefined;
  if (!data) throw new UsageError('--data is required (labelled data to evaluate on)');
  const loaded = await loadData({
    data, test: undefined, inputShape: model.inputShape, batchSize: (f.get('batch-size') as number | undefined) ?? 128,
    seed: 1, skipBad: f.has('skip-bad'), nclass: model.outputShape[0], safety: dataSafety(args), evaluation: true,
  });
  const set = loaded.held ?? loaded.train;
  const nclass = model.outputShape[0];
  if (set.nclass > nclass) throw new UsageError(`--data has ${set.nclass} classes but the model predicts ${nclass}`);
  const matrix = Array.from({ length: nclass }, () => new Array<number>(nclass).fill(0));
  const outputs = await model.getOutputs(set);
  let correct = 0, row = 0;
  for await (const batch of (set.plain?.() ?? set).batches()) {
    const y = new Float32Array(nclass * batch.n);
    for (let j = 0; j < batch.n; j++) for (let k = 0; k < nclass; k++) y[k * batch.n + j] = outputs[(row + j) * nclass + k];
    const t = new Float32Array(nclass * batch.n);
    for (let j = 0; j < batch.n; j++) t[batch.labels[j] * batch.n + j] = 1;
    confusionMatrix(y, t, batch.n, nclass, { into: matrix });
    row += batch.n;
  }
  for (let k = 0; k < nclass; k++) correct += matrix[k][k];
  console.log(`samples: ${row}`);
  console.log(`accuracy: ${(correct / row).toFixed(4)}`);
  console.log('confusion matrix (rows: true class, columns: predicted):');
  const width = Math.max(5, ...matrix.flat().map((v) => String(v).length + 1));
  console.log(`${'true'.padEnd(6)}${matrix.map((_, k) => String(k).padStart(width)).join('')}`);
  matrix.forEach((r, k) => console.log(`${String(k).padEnd(6)}${r.map((v) => String(v).padStart(width)).join('')}`));
  model.dispose();
}

export async function predictCommand(args: Parsed): Promise<void> {
  if (args.positional.length === 0) throw new UsageError('predict needs at least one image path: argon predict --model DIR a.jpg b.png');
  const model = await Model.load(modelPath(args.flags.get('model') as string | undefined));
  for (const path of args.positional) {
    const p = await model.predict(path);
    const best = p.indexOf(Math.max(...p));
    console.log(`${path}: class ${best}  [${Array.from(p, (v) => v.toFixed(4)).join(', ')}]`);
  }
  model.dispose();
}

export async function summaryCommand(args: Parsed): Promise<void> {
  const f = args.flags;
  const batchSize = (f.get('batch') as number | undefined) ?? 32;
  if (f.has('file')) {
    const model = Model.fromBytes(await (await import('../model/persist.ts')).readFileBytes(modelPath(f.get('file') as string)));
    const shape = f.has('input') ? parseShape(f.get('input') as string, 'input') : model.pendingShape;
    if (!shape) throw new UsageError('--input is required: the file records no input shape');
    model.summary({ inputShape: shape, batchSize });
    return;
  }
  const name = f.get('model') as ModelName | undefined;
  if (!name) throw new UsageError(`--model is required (one of ${modelNames.join(', ')}) or --file`);
  const inputShape = f.has('input') ? parseShape(f.get('input') as string, 'input') : [3, 64, 64];
  const nclass = (f.get('classes') as number | undefined) ?? 2;
  const model = new Model(models[name]({ nclass, inputShape }), { name });
  model.summary({ inputShape, batchSize });
}
