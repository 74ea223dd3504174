// One writer per run folder (issue 15 §5): `argon train --out DIR` holds DIR/argon-train.lock, a
// small JSON file with its pid, host and start time. The file is created complete and atomically
// (written under a private name, then hard-linked into place: link fails if the lock exists), so
// another process never reads a half-written lock. A lock whose process no longer runs on this host
// is stale and taken over with a message; a live one is refused with an error naming it. (Two runs
// taking over the same stale lock in the same millisecond could both remove it; the link that
// follows lets only one of them create the new lock, and the other then meets a live lock.)
import { hostname } from 'node:os';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from '../io/process-alive.ts';
import { UsageError } from './args.ts';

export const LOCK_NAME = 'argon-train.lock';

interface LockInfo { pid: number; host: string; started: string }

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
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
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
      say(held ? `taking over the stale lock of process ${held.pid} (since ${held.started}), which no longer runs`
        : `taking over an unreadable lock file ${path}`);
      await rm(path, { force: true });
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
