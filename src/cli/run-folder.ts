// The --out folder of `argon train` (issue 15 §5): one writer (run-lock.ts); model.argon,
// history.json and curves.svg describing the same epoch; no temporary files left behind.
// - Each epoch's three files are written in full under temporary names, then renamed into place,
//   model.argon last: it is the checkpoint, and it carries the history itself. A run that dies
//   between the renames (microseconds) leaves history.json and curves.svg ahead of it, never behind,
//   and the next start rewrites them from model.argon.
// - At start the lock is taken, temporary files of killed runs are removed, and a new run replaces
//   the files of an earlier one at once (so run.json never describes another run's model.argon).
// - An interrupt waits for a rename in progress, then removes temporary files and the lock and
//   names the last complete checkpoint (process-guard.ts).
import { rmSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Model } from '../model/model.ts';
import { History, historySvg, type Callback } from '../nn/callbacks/index.ts';
import { formatBytes } from '../summary.ts';
import { onInterrupt } from './process-guard.ts';
import { acquireRunLock, type RunLock } from './run-lock.ts';

const FILES = ['history.json', 'curves.svg', 'model.argon'] as const;
/** Temporary names of this module and of writeFileAtomic (io/atomic-write.ts: Model.save, historyPlot). */
const TEMP = /^(model\.argon|history\.json|curves\.svg|run\.json)\.tmp-[\w-]+$/;

export class RunFolder {
  /** Epochs in the last complete checkpoint (0: none yet). */
  committedEpoch = 0;
  private commitInProgress: Promise<void> | null = null;
  private closed = false;
  private temps = new Set<string>();
  private counter = 0;
  private readonly removeInterrupt: () => void;
  private readonly exitCleanup = () => this.cleanupSync();

  private constructor(readonly dir: string, private readonly lock: RunLock, private readonly title: string, private readonly epochs: number) {
    this.removeInterrupt = onInterrupt(() => this.interrupt());
    process.on('exit', this.exitCleanup);
  }

  /** Locks `dir` and makes it consistent: stale temporary files removed; for a new run the earlier
   *  run's files removed, for a resumed one history.json and curves.svg rewritten from `resumed`. */
  static async open(dir: string, opts: { title: string; epochs: number; resumed: Model | null; say: (m: string) => void }): Promise<RunFolder> {
    await mkdir(dir, { recursive: true });
    const lock = await acquireRunLock(dir, opts.say);
    const folder = new RunFolder(dir, lock, opts.title, opts.epochs);
    try {
      await folder.removeStaleTemps(opts.say);
      if (opts.resumed) {
        folder.committedEpoch = opts.resumed.epoch;
        await folder.repairHistory(opts.resumed, opts.say);
      } else if (await exists(join(dir, 'model.argon'))) {
        opts.say(`replacing the earlier run in ${dir}`);
        for (const f of FILES) await rm(join(dir, f), { force: true });
      }
    } catch (e) {
      await folder.close();
      throw e;
    }
    return folder;
  }

  /** Writes a file atomically through a temporary name in the folder (e.g. run.json). */
  async writeAtomic(name: string, data: string | Uint8Array): Promise<void> {
    const tmp = await this.writeTemp(name, data);
    await rename(tmp, join(this.dir, name));
    this.temps.delete(tmp);
  }

  /** The checkpoint callback: after every epoch, the three files of that epoch. */
  callback(model: Model): Callback {
    return { onEpochEnd: async () => { await this.commit(model); } };
  }

  /** Writes model.argon, history.json and curves.svg for the model's current epoch. */
  async commit(model: Model): Promise<void> {
    if (this.closed) return;
    const history = model.history ?? new History();
    const contents: Record<(typeof FILES)[number], string | Uint8Array> = {
      'history.json': `${JSON.stringify(history, null, 2)}\n`, 'curves.svg': historySvg(history, this.title), 'model.argon': model.toBytes(),
    };
    const work = (async () => {
      const temps = await Promise.all(FILES.map((f) => this.writeTemp(f, contents[f])));
      for (let i = 0; i < FILES.length; i++) {
        await rename(temps[i], join(this.dir, FILES[i]));
        this.temps.delete(temps[i]);
      }
      this.committedEpoch = model.epoch;
    })();
    this.commitInProgress = work;
    try {
      await work;
    } finally {
      this.commitInProgress = null;
    }
  }

  /** Where the last complete checkpoint is, for messages. */
  describeCheckpoint(): string {
    return this.committedEpoch > 0
      ? `the last complete checkpoint is ${join(this.dir, 'model.argon')} (epoch ${this.committedEpoch}); continue with: argon train --resume ${this.dir} --epochs ${this.epochs}`
      : 'no checkpoint was written yet';
  }

  /** Waits for a commit in progress, then removes temporary files and the lock (normal end, error
   *  or interrupt). The removal is synchronous: an interrupt must not hand the event loop back to a
   *  training loop that would run on meanwhile. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.commitInProgress) await this.commitInProgress.catch(() => undefined);
    this.cleanupSync();
    this.removeInterrupt();
    process.off('exit', this.exitCleanup);
  }

  private async interrupt(): Promise<string> {
    await this.close();
    return this.describeCheckpoint();
  }

  private cleanupSync(): void {
    for (const t of this.temps) rmSync(t, { force: true });
    this.temps.clear();
    this.lock.releaseSync();
  }

  private async writeTemp(name: string, data: string | Uint8Array): Promise<string> {
    const tmp = join(this.dir, `${name}.tmp-${process.pid}-${++this.counter}`);
    this.temps.add(tmp);
    await writeFile(tmp, data);
    return tmp;
  }

  private async removeStaleTemps(say: (m: string) => void): Promise<void> {
    let count = 0, bytes = 0;
    for (const name of await readdir(this.dir)) {
      if (!TEMP.test(name)) continue;
      const path = join(this.dir, name);
      bytes += (await stat(path).catch(() => ({ size: 0 }))).size;
      await rm(path, { force: true });
      count++;
    }
    if (count) say(`removed ${count} temporary file(s) (${formatBytes(bytes)}) left in ${this.dir} by an interrupted run`);
  }

  /** history.json and curves.svg rewritten from the checkpoint when they describe another epoch. */
  private async repairHistory(model: Model, say: (m: string) => void): Promise<void> {
    const history = model.history ?? new History();
    const text = await readFile(join(this.dir, 'history.json'), 'utf8').catch(() => null);
    let entries = -1;
    try {
      entries = text === null ? -1 : (JSON.parse(text) as { epoch: unknown[] }).epoch.length;
    } catch {
      entries = -1;
    }
    if (entries === history.length) return;
    say(`history.json ${entries < 0 ? 'was missing or unreadable' : `had ${entries} epoch(s)`}; rewritten from model.argon (${history.length})`);
    await this.writeAtomic('history.json', `${JSON.stringify(history, null, 2)}\n`);
    await this.writeAtomic('curves.svg', historySvg(history, this.title));
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
