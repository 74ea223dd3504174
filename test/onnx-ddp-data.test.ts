// tools/onnx/argon_data.py, the preprocessing train_ddp.py feeds PyTorch, against Argon's own loaders:
// PNG images of awkward sizes (decoded identically by Pillow and fast-png) listed by a CSV manifest
// with a split column and by a folder, resized to 3×16×20 and grey 1×16×20, must give Argon's pixels
// byte for byte; and once Argon has cached a listing, Python must find that cache (the same cache
// folder, name, key and checksum rules) and read exactly Argon's pixels from it, and refuse it once an
// image has changed. Needs numpy and Pillow; skipped without them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { ImageFolder } from '../src/data/image-folder.ts';
import { ImageManifest } from '../src/data/image-manifest.ts';
import { missingPython, python } from './python-tools.ts';
import { randomArray } from './helpers.ts';

const SIZES: [number, number][] = [[23, 37], [16, 20], [50, 9], [41, 64], [7, 7]];

async function makeImages(dir: string): Promise<string[]> {
  const names: string[] = [];
  for (const [k, [h, w]] of SIZES.entries()) {
    const data = Uint8Array.from(randomArray(h * w * 3, 10 + k, 0, 256), Math.floor);
    const name = `img${k}.png`;
    await writeFile(join(dir, name), encode({ width: w, height: h, data, channels: 3, depth: 8 }));
    names.push(name);
  }
  return names;
}

/** Python's pixels for a listing, concatenated, and where they came from. */
async function pythonPixels(data: string, shape: number[], mode: string, split: string | undefined, cacheDir: string): Promise<{ pixels: Uint8Array; from: string }> {
  const out = join(cacheDir, '..', `python-pixels-${Math.random().toString(36).slice(2)}.bin`);
  const code = [
    'import sys; sys.path.insert(0, "tools/onnx")',
    'from argon_data import ArgonImages',
    `im = ArgonImages(${JSON.stringify(data)}, ${JSON.stringify(shape)}, split=${split === undefined ? 'None' : JSON.stringify(split)}, pixels=${JSON.stringify(mode)})`,
    `open(${JSON.stringify(out)}, "wb").write(b"".join(im.image(i).tobytes() for i in range(len(im))))`,
    'print(im.pixels_from)',
  ].join('\n');
  const from = (await python(['-c', code], { env: { ...process.env, ARGON_CACHE_DIR: cacheDir } })).trim();
  return { pixels: new Uint8Array(await readFile(out)), from };
}

test('argon_data.py: Argon\'s resize, grey conversion and listing order, byte for byte; Argon\'s cache found and read', async () => {
  const why = await missingPython(['numpy', 'PIL'], 'apt-get install python3-numpy python3-pil');
  if (why) { console.log(`  (skipped: ${why})`); return; }
  const dir = await mkdtemp(join(tmpdir(), 'argon-pydata-'));
  try {
    await compareWithArgon(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** Manifest and folder listings of awkward PNGs: Pillow + Argon's resize, then Argon's cache. */
async function compareWithArgon(dir: string): Promise<void> {
  const cacheDir = join(dir, 'cache');
  const names = await makeImages(dir);
  // Rows out of file order, a split column, and a label column; only 'a' rows are kept.
  const rows = [[3, 1, 'a'], [0, 0, 'a'], [4, 2, 'b'], [1, 1, 'a'], [2, 0, 'a']];
  const csv = join(dir, 'list.csv');
  await writeFile(csv, `path,label,split\n${rows.map(([k, label, split]) => `${names[k as number]},${label},${split}`).join('\n')}\n`);
  for (const shape of [[3, 16, 20], [1, 16, 20]]) {
    const argon = await ImageManifest.open(csv, { inputShape: shape, batchSize: 2, split: 'a', cache: false });
    const viaPillow = await pythonPixels(csv, shape, 'pillow', 'a', cacheDir);
    assert.match(viaPillow.from, /Pillow/);
    assert.equal(viaPillow.pixels, argon.images.pixels, `Pillow + Argon's resize at ${shape.join('x')}`);
  }
  // Argon writes its cache into the cache folder; Python must compute the same name and key.
  const cached = await ImageManifest.open(csv, { inputShape: [3, 16, 20], batchSize: 2, split: 'a', cacheDir });
  assert.ok(cached.cachePath?.startsWith(cacheDir), `cache written into the cache folder: ${cached.cachePath}`);
  const viaCache = await pythonPixels(csv, [3, 16, 20], 'argon', 'a', cacheDir);
  assert.ok(viaCache.from.includes(cached.cachePath!), viaCache.from);
  assert.equal(viaCache.pixels, cached.images.pixels);
  // A folder of class folders: the same order, labels and cache rules.
  const root = join(dir, 'classes');
  for (const [cls, ks] of [['b-cats', [0, 2]], ['a-dogs', [1, 3, 4]]] as const) {
    await mkdir(join(root, cls), { recursive: true });
    for (const k of ks) await writeFile(join(root, cls, names[k]), await readFile(join(dir, names[k])));
  }
  const folder = new ImageFolder(root, { inputShape: [3, 16, 20], batchSize: 2, cacheDir });
  await folder.load();
  const fromFolder = await pythonPixels(root, [3, 16, 20], 'argon', undefined, cacheDir);
  assert.ok(fromFolder.from.includes('decode cache'), fromFolder.from);
  assert.equal(fromFolder.pixels, folder.images.pixels);
  assert.equal((await pythonPixels(root, [3, 16, 20], 'pillow', undefined, cacheDir)).pixels, folder.images.pixels);
  const refused = async (data: string, shape: number[], split?: string): Promise<string> => {
    try { await pythonPixels(data, shape, 'argon', split, cacheDir); } catch (e) { return (e as Error).message; }
    return '';
  };
  assert.match(await refused(csv, [3, 8, 8], 'a'), /no usable Argon cache for input 3x8x8 \(no cache at /);
  // A changed image (its modification time) makes the cache stale for Python as for Argon.
  await utimes(join(dir, names[3]), new Date(), new Date(Date.now() - 5000));
  assert.match(await refused(csv, [3, 16, 20], 'a'), /another state of the data set/);
}

test.run();
