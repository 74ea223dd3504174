// Starting or resuming a run of `argon train` (either task), in the order both need: run.json read
// once, the backend started, then — for --resume — the checkpoint loaded, the folder locked
// (run-folder.ts) and run.json written, and the saved optimizer state carried into the new
// optimizer.
//
// `argon train --resume DIR` trains the model that DIR/model.argon holds, and says so (issue 15 §5):
// run.json only supplies the settings. When run.json names another network (an earlier run in the
// folder, a second writer before locking existed) the file wins and the note says which; a --model
// that contradicts the file is an error rather than silently ignored.
import { checkBackendName, getBackend, setBackend, type BackendName } from '../backends/select.ts';
import { Model } from '../model/model.ts';
import { modelNames, type ModelName } from '../models/index.ts';
import type { Optimizer } from '../nn/optimizers/optimizer.ts';
import { UsageError, type Parsed } from './args.ts';
import { RunFolder } from './run-folder.ts';

/** The settings an earlier run saved in DIR/run.json (each task reads its own fields from them). */
export async function readRunJson(dir: string): Promise<Record<string, unknown>> {
  const fs = await import('node:fs/promises');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(`${dir}/run.json`, 'utf8'));
  } catch (e) {
    throw new UsageError(`--resume: cannot read ${dir}/run.json (${(e as Error).message}); is DIR the --out of an earlier run?`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`--resume: ${dir}/run.json does not hold a JSON object`);
  return parsed as Record<string, unknown>;
}

/** --backend and --threads: the CPU backend's threads are set, and a backend that cannot start says
 *  so before any data is read. */
export async function startBackend(flags: Parsed['flags']): Promise<BackendName | undefined> {
  const backend = flags.has('backend') ? checkBackendName(flags.get('backend') as string, '--backend') : undefined;
  if (flags.has('threads')) await setBackend(backend ?? 'auto', { threads: flags.get('threads') as number });
  else if (backend) await getBackend(backend);
  return backend;
}

export async function loadResumed(dir: string, opts: { requested?: string; runJson: string; backend?: BackendName }): Promise<{ model: Model; name: ModelName }> {
  const path = `${dir}/model.argon`;
  const { stat } = await import('node:fs/promises');
  if (!(await stat(path).then((s) => s.isFile(), () => false))) {
    throw new UsageError(`--resume: ${dir} holds no checkpoint yet (no model.argon: the run stopped before its first epoch ended); start it again without --resume`);
  }
  const model = await Model.load(path, { backend: opts.backend });
  const held = model.name;
  if (!(modelNames as readonly string[]).includes(held)) {
    model.dispose();
    throw new UsageError(`--resume: ${path} holds '${held}', not one of the course networks argon train makes (${modelNames.join(', ')})`);
  }
  if (opts.requested !== undefined && opts.requested !== held) {
    model.dispose();
    throw new UsageError(`--resume continues the ${held} saved in ${path}; --model ${opts.requested} does not match it (train a new model into another --out)`);
  }
  if (opts.runJson !== held) console.log(`note: ${dir}/run.json names ${opts.runJson}, but ${path} holds ${held}: resuming the ${held} in the file`);
  return { model, name: held as ModelName };
}

export interface OpenRunOptions {
  out: string;
  /** Continue the run saved in `out`. */
  resume: boolean;
  /** Train until this many epochs are complete; a resumed run must have fewer. */
  epochs: number;
  /** The network --model asks for, and the one run.json names (loadResumed). */
  requested?: string;
  runJson: ModelName;
  backend?: BackendName;
  /** The folder's title and run.json's contents, for the network being trained. */
  describe: (name: ModelName) => { title: string; settings: object };
  say: (message: string) => void;
}

/** The run's locked folder with run.json written, and for --resume the checkpoint's model (null for
 *  a new run) and network. The checkpoint is read before the lock is taken (the lock checks the
 *  history against it); its files are replaced atomically, so a run writing there meanwhile cannot
 *  leave it half-read, and the lock then refuses to share the folder. Nothing stays held on failure. */
export async function openRun(o: OpenRunOptions): Promise<{ model: Model | null; name: ModelName; folder: RunFolder }> {
  let model: Model | null = null;
  let folder: RunFolder | null = null;
  try {
    let name = o.runJson;
    if (o.resume) {
      ({ model, name } = await loadResumed(o.out, { requested: o.requested, runJson: o.runJson, backend: o.backend }));
      if (model.epoch >= o.epochs) throw new UsageError(`--resume: the run in ${o.out} already has ${model.epoch} epoch(s); pass --epochs above that`);
    }
    const { title, settings } = o.describe(name);
    folder = await RunFolder.open(o.out, { title, epochs: o.epochs, resumed: model, say: o.say });
    await folder.writeAtomic('run.json', `${JSON.stringify(settings, null, 2)}\n`);
    return { model, name, folder };
  } catch (e) {
    await folder?.close();
    model?.dispose();
    throw e;
  }
}

/** A resumed run gets the optimizer an uninterrupted run of the same epochs would have had (its
 *  schedule depends on the total), with the saved state (velocities, step) carried over. */
export function carryOptimizerState(optimizer: Optimizer, model: Model): Optimizer {
  if (model.optimizer) {
    optimizer.setState(model.optimizer.getState());
    model.optimizer.dispose();
  }
  return optimizer;
}
