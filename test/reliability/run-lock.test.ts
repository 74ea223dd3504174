// Taking over a stale run lock when two runs try at once (src/cli/run-lock.ts): the run that comes
// second must not remove the lock the first one just created.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireRunLock, LOCK_NAME, moveAsideIfStill, type LockInfo } from '../../src/cli/run-lock.ts';

/** A pid no process has (beyond Linux's pid_max). */
const DEAD_PID = 2 ** 22 + 12345;

test('a second takeover of the same stale lock leaves the first run\'s fresh lock in place', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'argon-lock-'));
  try {
    const path = join(dir, LOCK_NAME);
    const stale: LockInfo = { pid: DEAD_PID, host: hostname(), started: '2026-01-01T00:00:00.000Z' };
    await writeFile(path, `${JSON.stringify(stale)}\n`);
    // Run B reads the stale lock, then run A takes it over before B acts.
    const said: string[] = [];
    const a = await acquireRunLock(dir, (m) => said.push(m));
    assert.match(said.join(' '), new RegExp(`stale lock of process ${DEAD_PID}`));
    const fresh = await readFile(path, 'utf8');
    // B now tries to move "the stale lock" aside: it finds A's lock, puts it back and gives up.
    assert.is(await moveAsideIfStill(path, stale, `${path}.b.stale`), false);
    assert.is(await readFile(path, 'utf8'), fresh, 'the fresh lock is intact');
    assert.equal((await readdir(dir)).sort(), [LOCK_NAME]);
    a.releaseSync();
    assert.equal(await readdir(dir), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a takeover with nothing left to move (another run moved it first) does nothing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'argon-lock-'));
  try {
    const path = join(dir, LOCK_NAME);
    assert.is(await moveAsideIfStill(path, { pid: DEAD_PID, host: hostname(), started: 'x' }, `${path}.b.stale`), false);
    assert.equal(await readdir(dir), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
