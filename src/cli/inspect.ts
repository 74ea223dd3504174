// `argon eval`, `argon predict` and `argon summary`: use a trained model, or describe a network.
import { Model } from '../model/model.ts';
import { argmax } from '../model/predict.ts';
import { modelNames, models, type ModelName } from '../models/index.ts';
import { confusionMatrix } from '../nn/metrics.ts';
import { closest, UsageError, type FlagSpecs, type Parsed } from './args.ts';
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
  model: { type: 'string', placeholder: `${modelNames.join('|')}|DIR|file.argon`, help: 'a course network, or a trained model (a training output folder or a .argon file)' },
  file: { type: 'string', placeholder: 'DIR|file.argon', help: 'a saved model (the same as --model DIR)' },
  input: { type: 'string', placeholder: 'CxHxW', help: 'per-sample input shape (default 3x64x64; a saved model: its own)' },
  batch: { type: 'int', min: 1, help: 'batch size for the memory estimate (default 32)' },
  classes: { type: 'int', min: 1, help: 'output classes of a course network (default 2)' },
  ...common,
};

function modelPath(arg: string | undefined): string {
  if (!arg) throw new UsageError('--model is required (a training output folder or a .argon file)');
  return arg.endsWith('.argon') ? arg : `${arg}/model.argon`;
}

/** The model's class names, unless they only repeat the indices (MNIST's digits '0'…'9'). */
function namesOf(model: Model): readonly string[] | null {
  const names = model.classNames;
  return names && names.some((n, k) => n !== String(k)) ? names : null;
}

export async function evaluateCommand(args: Parsed): Promise<void> {
  const f = args.flags;
  const model = await Model.load(modelPath(f.get('model') as string | undefined));
  const data = f.get('data') as string | undefined;
  if (!data) throw new UsageError('--data is required (labelled data to evaluate on)');
  const loaded = await loadData({
    data, test: undefined, inputShape: model.inputShape, batchSize: (f.get('batch-size') as number | undefined) ?? 128,
    seed: 1, skipBad: f.has('skip-bad'), nclass: model.outputShape[0], safety: dataSafety(args), evaluation: true,
    classNames: model.classNames ?? undefined,
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
  // Rows say the class's name when the model knows it; columns keep the index, to stay narrow.
  const named = namesOf(model);
  const names = matrix.map((_, k) => (named?.[k] !== undefined ? `${k} ${named[k]}` : String(k)));
  const first = Math.max(6, ...names.map((n) => n.length + 2));
  console.log(`${'true'.padEnd(first)}${matrix.map((_, k) => String(k).padStart(width)).join('')}`);
  matrix.forEach((r, k) => console.log(`${names[k].padEnd(first)}${r.map((v) => String(v).padStart(width)).join('')}`));
  model.dispose();
}

export async function predictCommand(args: Parsed): Promise<void> {
  if (args.positional.length === 0) throw new UsageError('predict needs at least one image path: argon predict --model DIR a.jpg b.png');
  const model = await Model.load(modelPath(args.flags.get('model') as string | undefined));
  const named = namesOf(model);
  for (const path of args.positional) {
    const p = await model.predict(path);
    const best = argmax(p);
    const label = named?.[best] !== undefined ? `${named[best]} (class ${best}, p ${p[best].toFixed(4)})` : `class ${best} (p ${p[best].toFixed(4)})`;
    console.log(`${path}: ${label}  [${Array.from(p, (v) => v.toFixed(4)).join(', ')}]`);
  }
  model.dispose();
}

/** A saved model, for `summary --model DIR|file.argon` (or --file). */
async function savedModel(where: string): Promise<Model> {
  const { readFileBytes } = await import('../model/persist.ts');
  return Model.fromBytes(await readFileBytes(modelPath(where)), { source: modelPath(where) });
}

/** Whether `--model` names a saved model rather than a course network. */
async function isSavedModel(arg: string): Promise<boolean> {
  if (arg.endsWith('.argon')) return true;
  const fs = await import('node:fs/promises');
  return fs.stat(`${arg}/model.argon`).then(() => true, () => false);
}

export async function summaryCommand(args: Parsed): Promise<void> {
  const f = args.flags;
  const batchSize = (f.get('batch') as number | undefined) ?? 32;
  const arg = (f.get('file') ?? f.get('model')) as string | undefined;
  if (!arg) throw new UsageError(`--model is required: one of ${modelNames.join(', ')}, or a trained model's folder or .argon file`);
  if (f.has('file') || !(modelNames as readonly string[]).includes(arg)) {
    if (!f.has('file') && !(await isSavedModel(arg))) {
      const near = closest(arg, modelNames);
      throw new UsageError(`--model: '${arg}' is neither a course network (${modelNames.join(', ')}) ` +
        `nor a trained model (a folder holding model.argon, or a .argon file)${near ? `; did you mean '${near}'?` : ''}`);
    }
    if (f.has('classes')) throw new UsageError('--classes applies to a course network; a saved model has its own');
    const model = await savedModel(arg);
    const shape = f.has('input') ? parseShape(f.get('input') as string, 'input') : model.pendingShape;
    if (!shape) throw new UsageError('--input is required: the file records no input shape');
    model.summary({ inputShape: shape, batchSize });
    if (model.classNames) console.log(`classes: ${model.classNames.join(', ')}`);
    return;
  }
  const name = arg as ModelName;
  const inputShape = f.has('input') ? parseShape(f.get('input') as string, 'input') : [3, 64, 64];
  const nclass = (f.get('classes') as number | undefined) ?? 2;
  const model = new Model(models[name]({ nclass, inputShape }), { name });
  model.summary({ inputShape, batchSize });
}
