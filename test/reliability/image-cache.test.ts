// Decoded-image caches (issue 13 §4, issue 15 §4): they live in a cache directory (ARGON_CACHE_DIR,
// else the platform's user cache dir), never beside the data; they carry a hash of their source
// (the manifest's bytes and each image's size and mtime) and of their own contents, and a stale,
// edited or truncated cache is rebuilt, never trusted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userCacheDir } from '../../src/data/cache-dir.ts';
import { ImageFolder } from '../../src/data/image-folder.ts';
import { ImageManifest } from '../../src/data/image-manifest.ts';
import { png, tempDir } from '../data-fixtures.ts';

const { dir, cleanup } = tempDir('cache');
const data = join(dir, 'data'), cacheDir = join(dir, 'cache');
mkdirSync(join(data, 'a'), { recursive: true });
mkdirSync(join(data, 'b'));
/** An 8×8 RGB PNG, every sample v. */
const flat = (v: number) => png(8, 8, 3, () => v);
for (let i = 0; i < 4; i++) writeFileSync(join(data, i < 2 ? 'a' : 'b', `${i}.png`), flat(30 * i));
const csv = join(data, 'train.csv');
writeFileSync(csv, 'path,label\na/0.png,0\na/1.png,0\nb/2.png,1\nb/3.png,1\n');
const listing = () => readdirSync(data).sort();
const before = listing();
const open = (extra: Record<string, unknown> = {}) =>
  ImageManifest.open(csv, { inputShape: [3, 8, 8], batchSize: 2, cacheDir, ...extra });

test('the platform cache directories', () => {
  assert.is(userCacheDir({ platform: 'linux', env: {}, home: '/home/u' }), '/home/u/.cache/argon');
  assert.is(userCacheDir({ platform: 'linux', env: { XDG_CACHE_HOME: '/xdg' }, home: '/home/u' }), '/xdg/argon');
  assert.is(userCacheDir({ platform: 'linux', env: { XDG_CACHE_HOME: 'relative' }, home: '/home/u' }), '/home/u/.cache/argon',
    'a relative XDG_CACHE_HOME is ignored, as the XDG spec says');
  assert.is(userCacheDir({ platform: 'darwin', env: {}, home: '/Users/u' }), '/Users/u/Library/Caches/argon');
  assert.is(userCacheDir({ platform: 'win32', env: { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, home: 'C:\\Users\\u' }),
    'C:\\Users\\u\\AppData\\Local\\argon\\Cache');
  assert.is(userCacheDir({ platform: 'linux', env: { ARGON_CACHE_DIR: '/fast/argon' }, home: '/home/u' }), '/fast/argon');
});

test('written to the cache directory, nothing beside the data; a second load decodes nothing', async () => {
  const a = await open();
  assert.is(a.fromCache, false);
  assert.ok(a.cachePath !== null && a.cachePath.startsWith(cacheDir), `cache at ${a.cachePath}`);
  assert.ok(a.cacheBytes > 4 * 192, `${a.cacheBytes} bytes`);
  assert.is(a.cacheBytes, statSync(a.cachePath!).size);
  assert.equal(listing(), before, 'nothing written beside the data');
  const b = await open();
  assert.is(b.fromCache, true);
  assert.is(b.decoded, 0);
  assert.equal(b.images.pixels, a.images.pixels);
  // ARGON_CACHE_DIR is the default when no cacheDir is given.
  const envDir = join(dir, 'env-cache'), saved = process.env.ARGON_CACHE_DIR;
  process.env.ARGON_CACHE_DIR = envDir;
  try {
    const c = await ImageManifest.open(csv, { inputShape: [3, 8, 8], batchSize: 2 });
    assert.ok(c.cachePath!.startsWith(envDir), `cache at ${c.cachePath}`);
  } finally {
    if (saved === undefined) delete process.env.ARGON_CACHE_DIR;
    else process.env.ARGON_CACHE_DIR = saved;
  }
  const f = new ImageFolder(data, { inputShape: [3, 8, 8], batchSize: 2, cacheDir });
  await f.load();
  assert.ok(f.cachePath!.startsWith(cacheDir));
  assert.equal(listing(), before, 'a folder data set writes nothing into it either');
});

test('a changed image (size or mtime) or manifest rebuilds the cache', async () => {
  await open();
  const img = join(data, 'b', '3.png');
  const t = statSync(img).mtime;
  utimesSync(img, t, new Date(t.getTime() + 5000));
  const touched = await open();
  assert.is(touched.fromCache, false, 'a newer image is decoded again');
  assert.is(touched.decoded, 4);
  assert.is((await open()).fromCache, true);
  writeFileSync(img, flat(200));
  const changed = await open();
  assert.is(changed.fromCache, false);
  assert.is(changed.images.pixels[3 * 192], 200);
  writeFileSync(csv, readFileSync(csv, 'utf8').replace('b/3.png,1', 'b/3.png,0'));
  const relabelled = await open();
  assert.is(relabelled.fromCache, false);
  assert.equal(Array.from(relabelled.images.labels), [0, 0, 1, 0]);
  writeFileSync(csv, readFileSync(csv, 'utf8').replace('b/3.png,0', 'b/3.png,1'));
});

test('an edited, truncated or foreign cache file is rebuilt, never trusted', async () => {
  const good = await open();
  const path = good.cachePath!;
  const original = readFileSync(path);
  const tamper = async (bytes: Uint8Array, what: string) => {
    writeFileSync(path, bytes);
    const m = await open();
    assert.is(m.fromCache, false, `${what}: rebuilt`);
    assert.equal(Array.from(m.images.labels), [0, 0, 1, 1], `${what}: labels from the data`);
    assert.is(m.nclass, 2, `${what}: no phantom classes`);
    assert.equal(m.images.pixels, good.images.pixels, `${what}: pixels from the data`);
  };
  // One label changed to 5 (the audit's case): the labels follow the fixed-size header.
  const label = Uint8Array.from(original);
  const labelsAt = label.length - 4 * 192 - 2 /* "[]" */ - 16;
  new DataView(label.buffer).setInt32(labelsAt + 12, 5, true);
  await tamper(label, 'label edited');
  const pixel = Uint8Array.from(original);
  pixel[pixel.length - 1] ^= 0xff;
  await tamper(pixel, 'pixel edited');
  await tamper(original.subarray(0, original.length - 10), 'truncated');
  await tamper(new TextEncoder().encode('not a cache at all'), 'foreign');
});

test('cache: false writes nothing anywhere', async () => {
  const off = join(dir, 'off-cache');
  const m = await ImageManifest.open(csv, { inputShape: [3, 8, 8], batchSize: 2, cache: false, cacheDir: off });
  assert.is(m.cachePath, null);
  assert.throws(() => readdirSync(off));
  assert.equal(listing(), before);
});

test.after(cleanup);
test.run();
