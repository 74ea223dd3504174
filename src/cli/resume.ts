// `argon train --resume DIR` trains the model that DIR/model.argon holds, and says so (issue 15 §5):
// run.json only supplies the settings. When run.json names another network (an earlier run in the
// folder, a second writer before locking existed) the file wins and the note says which; a --model
// that contradicts the file is an error rather than silently ignored.
import type { BackendName } from '../backends/select.ts';
import { Model } from '../model/model.ts';
import { modelNames, type ModelName } from '../models/index.ts';
import { UsageError } from './args.ts';

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
