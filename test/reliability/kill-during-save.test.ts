// kill -9 during a save never leaves a corrupt model file (issue 15 §7, a case that held in the
// audit, kept): a child saves a 4 MB model (a save takes about 80 ms) in a loop and is killed at a random moment, a dozen
// times; every time the file loads and holds a complete epoch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModelFile } from '../../src/io/model-file.ts';
import { tempDir } from '../data-fixtures.ts';

const child = new URL('./children/save-loop.mjs', import.meta.url).pathname;
const { dir, cleanup } = tempDir('kill');
const KILLS = 12;

/** Starts a saver, waits for its first complete save plus `delayMs`, kills it with SIGKILL. */
function killMidway(path: string, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let saves = 0, err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.stdout.on('data', (d: Buffer) => {
      if (saves === 0) setTimeout(() => p.kill('SIGKILL'), delayMs);
      saves += d.length;
    });
    // 'close', not 'exit': every 's' the child wrote before it died has been read by then.
    p.on('close', (code, signal) => (signal === 'SIGKILL' ? resolve(saves) : reject(new Error(`saver exited ${code}: ${err}`))));
  });
}

test(`kill -9 at ${KILLS} random moments during saves: the file always loads`, async () => {
  const path = join(dir, 'model.argon');
  let seed = 12345;
  const random = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
  let epochs = 0;
  for (let i = 0; i < KILLS; i++) {
    const saves = await killMidway(path, Math.floor(random() * 100));
    const { header, tensors } = decodeModelFile<{ epoch: number }>(new Uint8Array(readFileSync(path)), path);
    // Save k writes epoch k, then prints its 's': the file holds at least the last reported save
    // (a later one when the kill fell after a rename but before its 's' was read), never an older one.
    assert.ok(saves >= 1 && header.epoch >= saves, `kill ${i}: epoch ${header.epoch} after ${saves} reported saves`);
    assert.is(tensors.get('Linear_0.W')!.values.length, 1000 * 1024);
    epochs += header.epoch;
  }
  console.log(`kill -9: ${KILLS} kills mid-save, every file complete (saved epochs ${epochs} in all)`);
});

test.after(cleanup);
test.run();
