// `argon train`: build a course network, train it on a data set with a progress bar, checkpoint
// every epoch (model.argon, history.json, curves.svg in --out), then report held-out accuracy.
import { Model } from '../model/model.ts';
import { costFor, modelNames, models, type ModelName, type Recipe } from '../models/index.ts';
import { progressBar, type Callback } from '../nn/callbacks/index.ts';
import { Accuracy } from '../nn/metrics.ts';
import { UsageError, type FlagSpecs, type Parsed } from './args.ts';
import { BUILTIN_DATA, defaultInputShape, loadData, parseShape } from './data.ts';
import { DATA_SAFETY_FLAGS, dataSafety } from './data-flags.ts';
import { recipeChanges, trainingPlan } from './recipe.ts';
import { carryOptimizerState, openRun, readRunJson, startBackend } from './resume.ts';
import type { RunFolder } from './run-folder.ts';

export const TRAIN_FLAGS: FlagSpecs = {
  task: { type: 'string', choices: ['classification', 'segmentation'], help: "'segmentation': per-pixel classes on fashion-mnist with --model fcn (pixel accuracy, mean IoU)" },
  model: { type: 'string', choices: modelNames, help: 'network to train (default cnn1)' },
  data: { type: 'string', placeholder: `csv|folder|${BUILTIN_DATA.join('|')}`, help: 'training data: a CSV manifest (path,label[,split]), a folder of class folders, or a built-in set (default mnist)' },
  test: { type: 'string', placeholder: 'csv|folder', help: 'held-out data for the accuracy report (built-in sets bring their own)' },
  epochs: { type: 'int', min: 1, help: 'train until this many epochs are complete (default: the recipe\'s)' },
  'batch-size': { type: 'int', min: 1, help: 'minibatch size (default 128)' },
  lr: { type: 'number', min: 0, help: 'learning rate (default 0.01)' },
  seed: { type: 'int', help: 'seed of initialisation, shuffling and dropout (default 1)' },
  backend: { type: 'string', choices: ['cpu', 'gpu', 'auto'], help: 'compute backend (default: ARGON_BACKEND or auto)' },
  threads: { type: 'int', min: 1, help: 'CPU kernel threads (default: every core); results are identical for any count' },
  recipe: { type: 'string', choices: ['default', 'course'], help: "'course' = the lecture verbatim; 'default' fixes what must be fixed (listed below)" },
  input: { type: 'string', placeholder: 'CxHxW', help: 'input shape images are resized to (default 3x64x64; 1x28x28 for the digit sets)' },
  limit: { type: 'int', min: 1, help: 'use only the first N training samples (quick runs)' },
  'skip-bad': { type: 'boolean', help: 'skip unreadable images (and count them) instead of failing' },
  classes: { type: 'int', min: 1, help: 'number of classes (default: the distinct labels of --data; labels must be 0..N-1)' },
  ...DATA_SAFETY_FLAGS,
  'random-crop': { type: 'int', min: 0, placeholder: 'N', help: 'augmentation (image data): pad N pixels, crop back at a random offset' },
  flip: { type: 'boolean', help: 'augmentation (image data): random horizontal flip' },
  resume: { type: 'string', placeholder: 'DIR', help: 'continue the run saved in DIR exactly where it left off (its settings are reused)' },
  out: { type: 'string', placeholder: 'DIR', help: 'where model.argon, history.json and curves.svg go (default runs/<model>)' },
  quiet: { type: 'boolean', help: 'no progress bar' },
  debug: { type: 'boolean', help: 'show stack traces' },
  help: { type: 'boolean', help: 'this help' },
};

export function trainHelp(): string {
  return [
    'Recipe changes made by --recipe default (the default):',
    ...recipeChanges().map((c) => `  - ${c}`),
  ].join('\n');
}

/** The settings a run is started with; saved as run.json so --resume needs no other flags. */
interface RunSettings {
  model: ModelName; data: string; test?: string; batchSize: number; lr: number; seed: number;
  recipe: Recipe; input: number[]; limit?: number; skipBad: boolean; classes?: number; allowOutside?: boolean;
  randomCrop?: number; flip?: boolean;
}

export async function train(args: Parsed): Promise<void> {
  const f = args.flags;
  const resume = f.get('resume') as string | undefined;
  const runJson = resume ? await readRunJson(resume) : null;
  // A segmentation run's run.json says so, so --resume DIR alone continues it.
  if (f.get('task') === 'segmentation' || runJson?.task === 'segmentation') {
    return (await import('./segment.ts')).segmentCommand(args, runJson);
  }
  const saved = runJson as Partial<RunSettings> | null;
  if (args.positional.length) throw new UsageError(`train takes no positional arguments, got '${args.positional.join(' ')}'`);
  const recipe = (f.get('recipe') as Recipe | undefined) ?? saved?.recipe ?? 'default';
  const plan = trainingPlan(recipe);
  const data = (f.get('data') as string | undefined) ?? saved?.data ?? 'mnist';
  const settings: RunSettings = {
    model: (f.get('model') as ModelName | undefined) ?? saved?.model ?? 'cnn1',
    data,
    test: (f.get('test') as string | undefined) ?? saved?.test,
    batchSize: (f.get('batch-size') as number | undefined) ?? saved?.batchSize ?? plan.batchSize,
    lr: (f.get('lr') as number | undefined) ?? saved?.lr ?? plan.learningRate,
    seed: (f.get('seed') as number | undefined) ?? saved?.seed ?? 1,
    recipe,
    input: f.has('input') ? parseShape(f.get('input') as string, 'input') : saved?.input ?? defaultInputShape(data),
    limit: (f.get('limit') as number | undefined) ?? saved?.limit,
    skipBad: f.has('skip-bad') || (saved?.skipBad ?? false),
    classes: (f.get('classes') as number | undefined) ?? saved?.classes,
    allowOutside: f.has('allow-outside') || (saved?.allowOutside ?? false),
    randomCrop: (f.get('random-crop') as number | undefined) ?? saved?.randomCrop,
    flip: f.has('flip') || (saved?.flip ?? false),
  };
  const epochs = (f.get('epochs') as number | undefined) ?? plan.epochs;
  const backend = await startBackend(f);
  const out = resume ?? (f.get('out') as string | undefined) ?? `runs/${settings.model}`;

  // The folder is locked before any image is decoded (resume.ts: openRun).
  let model: Model | null = null;
  let folder: RunFolder | null = null;
  try {
    ({ model, folder, name: settings.model } = await openRun({
      out, resume: resume !== undefined, epochs, requested: f.get('model') as string | undefined, runJson: settings.model, backend,
      describe: (name) => ({ title: `${name} on ${settings.data}`, settings: { ...settings, model: name } }),
      say: (m) => console.log(m),
    }));

    const loaded = await loadData({
      data: settings.data, test: settings.test, inputShape: settings.input, batchSize: settings.batchSize, seed: settings.seed,
      skipBad: settings.skipBad, limit: settings.limit, nclass: settings.classes, safety: { ...dataSafety(args), allowOutside: settings.allowOutside ?? false },
      randomCrop: settings.randomCrop, flip: settings.flip,
    });
    const skipped = (loaded.train as { skipped?: number }).skipped;
    if (skipped) console.log(`skipped ${skipped} unreadable image(s) (--skip-bad)`);
    if (model) console.log(`resuming ${settings.model} from ${out}/model.argon at epoch ${model.epoch} of ${epochs}`);
    else model = new Model(models[settings.model]({ nclass: loaded.nclass, inputShape: loaded.inputShape, recipe }), { seed: settings.seed, backend, name: settings.model });
    const optimizer = carryOptimizerState(plan.optimizer(settings.lr, epochs), model);
    const cost = costFor(model.root);
    const augment = [settings.randomCrop ? `random crop ${settings.randomCrop}` : '', settings.flip ? 'flip' : ''].filter(Boolean).join(', ');
    console.log(`training ${settings.model} (${recipe} recipe) on ${settings.data}: ${loaded.train.ndata} samples of ${loaded.inputShape.join('x')}, ` +
      `${loaded.nclass} classes, batch ${settings.batchSize}, ${epochs} epochs, lr ${settings.lr}, cost ${cost.costfunc.type}` +
      `${augment ? `, augmentation: ${augment}` : ''}`);
    const started = Date.now();
    // model.argon, history.json and curves.svg are written together after every epoch (run-folder.ts).
    const callbacks: Callback[] = [folder.callback(model)];
    if (!f.has('quiet')) callbacks.unshift(progressBar());
    // The held-out set is scored after every epoch, so history.json and curves.svg show its accuracy.
    const valid = loaded.held ? { valid: loaded.held, metric: new Accuracy() } : {};
    await model.fit(loaded.train, { cost, optimizer, epochs, callbacks, ...valid });
    console.log(`training time: ${((Date.now() - started) / 1000).toFixed(1)} s; saved ${out}/model.argon, history.json, curves.svg`);
    if (loaded.held) {
      const [accuracy] = await model.eval(loaded.held, new Accuracy());
      console.log(`held-out: ${loaded.heldName}`);
      console.log(`accuracy: ${accuracy.toFixed(4)}`);
    }
  } finally {
    await folder?.close();
    model?.dispose();
  }
}
