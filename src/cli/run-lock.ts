// One writer per run folder (issue 15 §5): `argon train --out DIR` holds DIR/argon-train.lock, a
// small JSON file with its pid, host and start time. The file is created complete and atomically
// (written under a private name, then hard-linked into place: link fails if the lock exists), so
// another process never reads a half-written lock. A lock whose process no longer runs on this host
// is stale and taken over with a message; a live one is refused with an error naming it. A stale
// lock is taken over by renaming it aside (atomic) and checking that the file moved is still the
// stale one: two runs taking over at once cannot both succeed, because the later one either finds
// nothing to move, or moves the earlier one's fresh lock, sees its pid, puts it back and stops.
import { hostname } from 'node:os';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from '../io/process-alive.ts';
import { UsageError } from './args.ts';

export const LOCK_NAME = 'argon-train.lock';

export interface LockInfo { pid: number; host: string; started: string }

export interface RunLock {
  path: string;
  /** Removes the lock if it is still ours (synchronous: also at process exit). */
  releaseSync(): void;
}

function parse(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    return Number.isInteger(v.pid) && typeof v.host === 'string' ? { pid: v.pid!, host: v.host, started: String(v.started ?? '?') } : null;
  } catch {
    return null;
  }
}

/** Renames the lock at `path` to `aside` and removes it, if it is still the one read as `held`
 *  (another run may have replaced it meanwhile: then it goes back, and the caller's next link
 *  attempt meets it). False when there was nothing to move or it was not the stale lock. */
export async function moveAsideIfStill(path: string, held: LockInfo | null, aside: string): Promise<boolean> {
  try {
    await rename(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  const moved = parse(await readFile(aside, 'utf8').catch(() => ''));
  const same = held === null ? moved === null : moved !== null && moved.pid === held.pid && moved.started === held.started;
  if (!same) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
  return same;
}

/** Takes DIR's lock or throws; `say` receives the message when a stale lock is taken over. */
export async function acquireRunLock(dir: string, say: (message: string) => void): Promise<RunLock> {
  const path = join(dir, LOCK_NAME);
  const mine: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  const text = `${JSON.stringify(mine)}\n`;
  const draft = `${path}.${process.pid}.draft`;
  await writeFile(draft, text);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(draft, path);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw e;
      }
      const held = parse(await readFile(path, 'utf8').catch(() => ''));
      if (held && held.host !== mine.host) {
        throw new UsageError(`${dir} is locked by process ${held.pid} on host ${held.host} (since ${held.started}); ` +
          `if no argon train runs there any more, delete ${path}`);
      }
      if (held && processAlive(held.pid)) {
        throw new UsageError(`${dir} is in use by another argon train (process ${held.pid}, since ${held.started}); ` +
          'wait for it to finish, or train into another --out');
      }
      if (await moveAsideIfStill(path, held, `${path}.${process.pid}.stale`)) {
        say(held ? `taking over the stale lock of process ${held.pid} (since ${held.started}), which no longer runs`
          : `taking over an unreadable lock file ${path}`);
      }
    }
  } finally {
    await rm(draft, { force: true });
  }
  return {
    path,
    releaseSync() {
      try {
        if (parse(readFileSync(path, 'utf8'))?.pid === process.pid) rmSync(path, { force: true });
      } catch {
        // nothing left to do at exit
      }
    },
  };
}
