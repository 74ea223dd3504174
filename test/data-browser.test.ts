// The browser image loader (src/data/browser-images.ts) in headless Chromium, on files picked with
// real <input webkitdirectory> elements (playwright's setInputFiles on folders written to a temp
// dir): decoded pixels against the known ones (PNG exact, JPEG within 2 levels), resize and grey
// identical to Node's pipeline, UTKFace/subfolder/manifest labels, corrupt files named or skipped,
// the same result in a Web Worker, and (when ../shared/data/faces exists) 64 real photos against
// Node's jpeg-js decode. Skipped, with the reason, where Chromium is not installed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundlePage, chromiumMissing, collectErrors, launch, REPO, serve } from './browser/harness.ts';
import { chw, copyRealFaces, CORRUPT, LISTED, PETS, PHOTOS, WIDE, writeFixtures, type Known } from './browser/image-fixtures.ts';
import type { ImagesApi, Plain } from './browser/images-page.ts';
import { jpg, png, tempDir } from './data-fixtures.ts';
import { decodeImage } from '../src/data/image-decode.ts';
import { toModelInput } from '../src/data/image-ops.ts';

type G = { argonImages: ImagesApi };
type Shape = readonly [number, number, number];

/** Node's pipeline on the known pixels: toModelInput (resize, BT.601 grey) of the HWC image. */
function expected(k: Known, shape: Shape): Uint8Array {
  const c = chw(k), data = new Uint8Array(k.w * k.h * 3);
  for (let p = 0; p < k.w * k.h; p++) for (let ch = 0; ch < 3; ch++) data[p * 3 + ch] = c[ch * k.w * k.h + p];
  return toModelInput({ width: k.w, height: k.h, channels: 3, data }, shape);
}

function row(d: Plain, i: number, F: number): number[] {
  return d.X.slice(i * F, (i + 1) * F);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.is(a.length, b.length, 'lengths');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const byPath = (ks: Known[]): Known[] => [...ks].sort((a, b) => (a.path < b.path ? -1 : 1));
const sorted = (xs: string[]): string[] => [...xs].sort();

const missing = chromiumMissing();
if (missing) {
  test.skip(`browser image loader in Chromium: skipped, ${missing}`, () => {});
} else {
  const out = join(REPO, 'build/test/images');
  await bundlePage(join(REPO, 'test/browser/images-page.ts'), out, { minify: false });
  await bundlePage(join(REPO, 'test/browser/images-worker.ts'), out, { minify: false });
  const inputs = ['photos', 'pets', 'listed', 'faces'].map((id) => `<input id="${id}" type="file" webkitdirectory multiple>`);
  writeFileSync(join(out, 'index.html'), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>argon images</title>${inputs.join('')}` +
    '<script type="module" src="images-page.js"></script>\n');
  const { dir, cleanup } = tempDir('browser-images');
  writeFixtures(dir);
  const faces = copyRealFaces(dir, 64);
  const server = await serve(REPO);
  const browser = await launch();
  const page = await browser.newPage();
  const errors = collectErrors(page);
  await page.goto(`${server.url}/build/test/images/index.html`);
  await page.waitForFunction(() => 'argonImages' in globalThis, null, { timeout: 180_000 });
  for (const id of ['photos', 'pets', 'listed']) await page.setInputFiles(`#${id}`, join(dir, id));
  if (faces) await page.setInputFiles('#faces', faces.dir);

  const files = (id: string, l: Shape, skipBad: boolean) =>
    page.evaluate(({ id, l, skipBad }) => (globalThis as unknown as G).argonImages.files(id, l, skipBad), { id, l, skipBad });
  const manifest = (id: string, l: Shape, opts: { skipBad?: boolean; split?: string; csvPath?: boolean }) =>
    page.evaluate(({ id, l, opts }) => (globalThis as unknown as G).argonImages.manifest(id, l, opts), { id, l, opts });

  test('UTKFace names: labels, sorted classes, exact PNG pixels, JPEG within 2 levels, the corrupt file skipped', async () => {
    const d = await files('photos', [3, 16, 16], true);
    const known = byPath(PHOTOS);
    assert.equal(d.classes, ['female', 'male']);
    assert.equal(d.names, known.map((k) => k.path));
    assert.equal(d.y, known.map((k) => (/^photos\/\d+_1_/.test(k.path) ? 0 : 1)));
    assert.equal(d.skipped, [CORRUPT]);
    assert.equal(sorted(d.ignored), ['photos/notes.txt', 'photos/wide.png']);
    for (const [i, k] of known.entries()) {
      const got = row(d, i, 768), want = Array.from(chw(k));
      if (k.jpeg) {
        const diff = maxDiff(got, want);
        assert.ok(diff <= 2, `${k.path}: JPEG pixels differ by up to ${diff}`);
        const node = toModelInput(await decodeImage(new Uint8Array(readFileSync(join(dir, k.path))), k.path), [3, 16, 16]);
        assert.ok(maxDiff(got, node) <= 2, `${k.path}: browser and jpeg-js decodes differ by ${maxDiff(got, node)}`);
      } else {
        assert.equal(got, want, k.path);
      }
    }
  });

  test('a corrupt image is an error naming the file (without skipBad)', async () => {
    const msg = await page.evaluate(() => (globalThis as unknown as G).argonImages.filesError('photos', [3, 16, 16]));
    assert.ok(msg !== null && msg.includes('cannot decode image') && msg.includes(CORRUPT), `message: ${msg}`);
  });

  test('grey (C = 1) and resizing are exactly Node\'s toModelInput (BT.601 luma, half-pixel bilinear)', async () => {
    const d = await files('photos', [1, 16, 16], true);
    byPath(PHOTOS).forEach((k, i) => {
      if (!k.jpeg) assert.equal(row(d, i, 256), Array.from(expected(k, [1, 16, 16])), k.path);
    });
    for (const shape of [[3, 8, 8], [1, 7, 9], [3, 40, 31]] as const) {
      const got = await page.evaluate(({ l, p }) => (globalThis as unknown as G).argonImages.one('photos', p, l), { l: shape, p: WIDE.path });
      assert.equal(got, Array.from(expected(WIDE, shape)), `wide.png at ${shape.join('×')}`);
    }
  });

  test('subfolder labels (webkitRelativePath): classes sorted, a file at the top ignored', async () => {
    const d = await files('pets', [3, 16, 16], false);
    assert.equal(d.classes, ['cat', 'dog']);
    assert.equal(d.names, ['pets/cat/1.png', 'pets/cat/3.png', 'pets/dog/2.png']);
    assert.equal(d.y, [0, 0, 1]);
    assert.equal(d.ignored, ['pets/top.png']);
    d.names.forEach((n, i) => assert.equal(row(d, i, 768), Array.from(chw(PETS.find((k) => k.path === n)!)), n));
  });

  test('a CSV manifest matched to picked files: labels from the CSV, split, a missing file named or skipped', async () => {
    const err = await manifest('listed', [3, 16, 16], {});
    assert.type(err, 'string');
    assert.match(err as string, /'images\/gone\.png' is listed but not among the 4 picked file/);
    for (const csvPath of [true, false]) {
      const d = await manifest('listed', [3, 16, 16], { skipBad: true, csvPath });
      assert.type(d, 'object');
      const m = d as Plain;
      assert.equal(m.names, ['listed/images/a.png', 'listed/images/b.png']);
      assert.equal(m.y, [2, 0]);
      assert.equal(m.classes, ['0', '1', '2']);
      assert.equal(m.skipped, ['images/gone.png']);
      assert.equal(sorted(m.ignored), ['listed/manifest.csv', 'listed/other/a.png']);
      assert.equal(row(m, 0, 768), Array.from(chw(LISTED[0])));
      assert.equal(row(m, 1, 768), Array.from(chw(LISTED[1])));
    }
    const train = await manifest('listed', [3, 16, 16], { split: 'train' }) as Plain;
    assert.equal(train.y, [2, 0]);
  });

  test('File objects built from bytes (no folder, no type) and a nameless Blob', async () => {
    const k = PHOTOS[0];
    const items = [
      { name: '30_1_0_20170101.png', bytes: Array.from(png(16, 16, 3, k.rgb)) },
      { name: '33_0_0_20170102.jpg', bytes: Array.from(jpg(16, 16, PHOTOS[2].rgb)) },
      { name: '34_0_0_20170103.png', bytes: [1, 2, 3, 4] },
    ];
    const r = await page.evaluate(({ items }) => (globalThis as unknown as G).argonImages.fromBytes(items, [3, 16, 16]), { items });
    assert.equal(r.result.names, ['30_1_0_20170101.png', '33_0_0_20170102.jpg']);
    assert.equal(r.result.y, [0, 1]);
    assert.equal(r.result.skipped, ['34_0_0_20170103.png']);
    assert.equal(row(r.result, 0, 768), Array.from(chw(k)));
    assert.ok(r.blobError?.includes("cannot decode image 'blob'"), `blob error: ${r.blobError}`);
  });

  test('the same in a Web Worker (OffscreenCanvas, no DOM)', async () => {
    const w = await page.evaluate(() => (globalThis as unknown as G).argonImages.inWorker('photos', [3, 16, 16]));
    if ('error' in w) assert.unreachable(w.error);
    else {
      const d = await files('photos', [3, 16, 16], true);
      assert.is(w.document, false);
      assert.equal(w.classes, d.classes);
      assert.equal(w.y, d.y);
      assert.equal(w.skipped, d.skipped);
      assert.equal(w.X, d.X);
    }
  });

  if (!faces) {
    test.skip(`real photos: skipped, ${join(REPO, '../shared/data/faces')} is not there`, () => {});
  } else {
    test('64 real UTKFace photos through their manifest: labels as the CSV, pixels near Node\'s jpeg-js decode', async () => {
      const d = await manifest('faces', [3, 64, 64], {}) as Plain;
      const rows = [...faces.rows].sort((a, b) => (a.path < b.path ? -1 : 1));
      assert.equal(d.names, rows.map((r) => `faces/${r.path}`));
      assert.equal(d.y, rows.map((r) => r.label));
      // The two decoders differ where 4:2:0 chroma is upsampled (libjpeg-turbo's "fancy" triangle
      // filter vs jpeg-js's), so compare the distribution: measured mean 1.1, 99.7 % within 8 levels.
      let worst = 0, sum = 0, far = 0;
      for (let i = 0; i < rows.length; i++) {
        const bytes = new Uint8Array(readFileSync(join(faces.dir, rows[i].path)));
        const node = toModelInput(await decodeImage(bytes, rows[i].path), [3, 64, 64]);
        const got = row(d, i, node.length);
        for (let j = 0; j < node.length; j++) {
          const e = Math.abs(got[j] - node[j]);
          sum += e; worst = Math.max(worst, e); if (e > 8) far++;
        }
      }
      const mean = sum / d.X.length;
      console.log(`real photos: browser vs jpeg-js decode, mean |diff| ${mean.toFixed(3)}, ` +
        `${((100 * far) / d.X.length).toFixed(2)} % over 8 levels, max ${worst}`);
      assert.ok(mean < 1.5, `mean difference ${mean}`);
      assert.ok(far / d.X.length < 0.01, `${far} of ${d.X.length} values differ by more than 8 levels`);
    });
  }

  test('no errors on the page', async () => {
    await browser.close();
    await server.close();
    cleanup();
    assert.equal(errors, []);
  });
}

test.run();
