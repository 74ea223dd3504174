// EPIPE and SIGINT end the `argon` command quietly (issue 15 §6): output piped into a reader that
// goes away (`argon … | head`) stops the command without a stack trace; Ctrl-C during training
// leaves nothing half-written, removes the lock and names the last complete checkpoint.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModelFile } from '../../src/io/model-file.ts';
import { makeCliData, QUICK } from './cli-data-fixture.ts';
import { tempDir } from '../data-fixtures.ts';
import { binPath } from '../cli-process.ts';

const { dir, cleanup } = tempDir('signals');
const { train } = makeCliData(dir);
const env: NodeJS.ProcessEnv = { ...process.env, ARGON_CACHE_DIR: join(dir, 'cache') };
delete env.FORCE_COLOR; // with NO_COLOR also set, Node warns on stderr about the pair

/** Runs argon with its stdout closed before it writes (a reader that went away). */
function withClosedStdout(args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => resolve({ code, err }));
  });
}

test('EPIPE: `argon … | head` ends quietly, also in the middle of training', async () => {
  for (const args of [['summary', '--model', 'resnet50', '--input', '3x224x224', '--classes', '1000'], ['train', '--help']]) {
    const r = await withClosedStdout(args);
    assert.is(r.err, '', `${args[0]}: stderr "${r.err}"`);
    assert.is(r.code, 0);
  }
  const out = join(dir, 'piped');
  const r = await withClosedStdout(['train', ...QUICK, '--data', train, '--epochs', '3', '--out', out]);
  assert.not.match(r.err, /EPIPE|    at /, r.err);
  assert.is(r.code, 0);
  assert.not.ok(readdirSync(out).some((f) => f.includes('.tmp-') || f.endsWith('.lock')), readdirSync(out).join(', '));
});

test('SIGINT during training: nothing half-written, the lock removed, the last checkpoint named', async () => {
  const out = join(dir, 'interrupted');
  const child = spawn(process.execPath, [binPath, 'train', ...QUICK, '--data', train, '--epochs', '100000', '--out', out],
    { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  child.stdout.resume();
  // A hang guard, not a timing check: up to 5 minutes on a busy machine.
  for (let i = 0; i < 3000 && !existsSync(join(out, 'model.argon')); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(existsSync(join(out, 'model.argon')), 'the run wrote its first checkpoint');
  await new Promise((r) => setTimeout(r, 300)); // a few more epochs, so the signal may land mid-save
  const code = await new Promise<number | null>((resolve) => { child.on('close', resolve); child.kill('SIGINT'); });
  assert.is(code, 130);
  const { header } = decodeModelFile<{ epoch: number }>(new Uint8Array(readFileSync(join(out, 'model.argon'))));
  assert.match(err, new RegExp(`argon: interrupted; the last complete checkpoint is ${out.replace(/[/.]/g, '\\$&')}/model\\.argon \\(epoch ${header.epoch}\\); continue with: argon train --resume`));
  assert.not.match(err, /    at /);
  const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as { epoch: number[] };
  assert.is(history.epoch.length, header.epoch, 'history.json describes the checkpoint\'s epoch');
  assert.equal(readdirSync(out).sort(), ['curves.svg', 'history.json', 'model.argon', 'run.json']);
});

test.after(cleanup);
test.run();
