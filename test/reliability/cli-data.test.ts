// The `argon` command's data flags (issue 15 §4, issue 13 §4): --classes, --allow-outside, the
// image cache (--cache-dir, --no-cache, ARGON_CACHE_DIR; the first run says where and how large),
// and test/eval sets smaller than the batch size.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCliData } from './cli-data-fixture.ts';
import { tempDir } from '../data-fixtures.ts';
import { argon } from '../cli-process.ts';

const { dir, cleanup } = tempDir('clidata');
const { data, train, csv, rows } = makeCliData(dir);
writeFileSync(join(dir, 'outside.png'), readFileSync(join(data, 'img', '0.png')));
const held = csv('test.csv', rows(32, 37)); // 5 rows, fewer than the batch size
const cacheDir = join(dir, 'cache');
const env = { ARGON_CACHE_DIR: cacheDir };
const base = ['--model', 'fcnn1', '--input', '3x8x8', '--epochs', '1', '--batch-size', '16', '--quiet'];
const before = readdirSync(data).sort();

test('train with a test set smaller than the batch size; the first run reports its cache, the next reads it', async () => {
  const out = join(dir, 'run');
  const r = await argon(['train', ...base, '--data', train, '--test', held, '--out', out], { env });
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /accuracy: [01]\.\d{4}/);
  const reported = [...r.out.matchAll(/image cache: decoded (\S+) into (\S+) \(([\d.]+) KiB\)/g)];
  assert.is(reported.length, 2, r.out);
  assert.ok(reported.every((m) => m[2].startsWith(cacheDir) && existsSync(m[2])), r.out);
  assert.equal(readdirSync(data).sort(), before, 'nothing written beside the data');
  const again = await argon(['train', ...base, '--data', train, '--test', held, '--out', join(dir, 'run2')], { env });
  assert.is(again.code, 0, again.err);
  assert.not.match(again.out, /image cache/, 'a run that reads its cache says nothing about it');
  const ev = await argon(['eval', '--model', out, '--data', held], { env });
  assert.is(ev.code, 0, ev.err);
  assert.match(ev.out, /samples: 5\naccuracy: /);
});

test('--cache-dir moves the cache, --no-cache writes none', async () => {
  const other = join(dir, 'other-cache');
  const moved = await argon(['train', ...base, '--data', train, '--out', join(dir, 'run3'), '--cache-dir', other], { env });
  assert.is(moved.code, 0, moved.err);
  assert.match(moved.out, new RegExp(`image cache: decoded \\S+ into ${other.replace(/[/.]/g, '\\$&')}`));
  const none = join(dir, 'never');
  const off = await argon(['train', ...base, '--data', train, '--out', join(dir, 'run4'), '--no-cache'], { env: { ARGON_CACHE_DIR: none } });
  assert.is(off.code, 0, off.err);
  assert.not.ok(existsSync(none), 'no cache directory created');
  assert.not.match(off.out, /image cache/);
});

test('a label outside the classes names its row; --classes allows classes without samples', async () => {
  const seven = csv('seven.csv', [...rows(0, 31), 'img/31.png,7']);
  const r = await argon(['train', ...base, '--data', seven, '--out', join(dir, 'run5')], { env });
  assert.is(r.code, 1);
  assert.match(r.err, /line 33 \('img\/31\.png'\) has label 7/);
  assert.match(r.err, /--classes/);
  assert.not.match(r.err, /    at /);
  const ok = await argon(['train', ...base, '--data', seven, '--classes', '8', '--out', join(dir, 'run6')], { env });
  assert.is(ok.code, 0, ok.err);
  assert.match(ok.out, /8 classes/);
});

test('an image outside the manifest\'s folder is refused unless --allow-outside', async () => {
  const up = csv('up.csv', [...rows(0, 31), '../outside.png,1']);
  const r = await argon(['train', ...base, '--data', up, '--out', join(dir, 'run7')], { env });
  assert.is(r.code, 1);
  assert.match(r.err, /line 33 names '\.\.\/outside\.png', which resolves outside/);
  assert.match(r.err, /--allow-outside/);
  const ok = await argon(['train', ...base, '--data', up, '--allow-outside', '--out', join(dir, 'run8')], { env });
  assert.is(ok.code, 0, ok.err);
});

test.after(cleanup);
test.run();
