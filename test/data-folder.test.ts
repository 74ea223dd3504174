// ImageFolder (class per subfolder) and ImageList with UTKFace file-name labels.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ImageFolder, ImageList, utkFaceLabel } from '../src/data/image-folder.ts';
import { collect, jpg, png, tempDir, throwsWith, write } from './data-fixtures.ts';

const { dir, cleanup } = tempDir('folder');

test('ImageFolder: a class folder with no images still counts as a class (in the middle or last)', async () => {
  for (const empty of ['b', 'c']) {
    const root = join(dir, `with-empty-${empty}`);
    for (const cls of ['a', 'b', 'c']) mkdirSync(join(root, cls), { recursive: true });
    for (const cls of ['a', 'b', 'c'].filter((c) => c !== empty)) write(join(root, cls), 'x.png', png(4, 4, 3, () => 50));
    const f = new ImageFolder(root, { inputShape: [3, 4, 4], batchSize: 2, cache: false });
    const [b] = await collect(f);
    assert.equal(f.classNames, ['a', 'b', 'c']);
    assert.is(f.nclass, 3, `empty folder ${empty}`);
    assert.equal(Array.from(b.labels), empty === 'b' ? [0, 2] : [0, 1]);
    await throwsWith(() => new ImageFolder(root, { inputShape: [3, 4, 4], batchSize: 2, cache: false, nclass: 5 }).load(), 'nclass 5 disagrees with the 3 class names');
  }
});

test('ImageFolder: sorted subfolders are the classes, files sorted within, other files ignored', async () => {
  const root = join(dir, 'classes');
  for (const cls of ['dog', 'cat', 'Zebra']) mkdirSync(join(root, cls), { recursive: true });
  write(join(root, 'cat'), 'b.png', png(4, 4, 3, () => 11));
  write(join(root, 'cat'), 'a.PNG', png(4, 4, 3, () => 10));
  write(join(root, 'dog'), 'c.jpg', jpg(4, 4, () => 128));
  write(join(root, 'dog'), 'notes.txt', 'not an image');
  write(join(root, 'Zebra'), 'z.png', png(4, 4, 1, () => 200));
  const f = new ImageFolder(root, { inputShape: [3, 4, 4], batchSize: 4, cache: false });
  const [b] = await collect(f);
  // Code-unit order: 'Zebra' < 'cat' < 'dog'.
  assert.equal(f.classNames, ['Zebra', 'cat', 'dog']);
  assert.equal(Array.from(b.labels), [0, 1, 1, 2]);
  assert.equal([b.x[0], b.x[1], b.x[2]], [200, 10, 11]);
  assert.ok(Math.abs(b.x[3] - 128) <= 2, `JPEG grey ${b.x[3]}`);
  assert.is(f.nclass, 3);
  const empty = join(dir, 'noclasses');
  mkdirSync(empty);
  await throwsWith(() => new ImageFolder(empty, { inputShape: [3, 4, 4], batchSize: 1 }).load(), 'no class subfolders', 'noclasses');
  await throwsWith(() => new ImageFolder(join(dir, 'absent'), { inputShape: [3, 4, 4], batchSize: 1 }).load(), 'absent', 'cannot read');
});

test('utkFaceLabel: gender from age_gender_race_date names', async () => {
  assert.is(utkFaceLabel('25_0_2_20170116174525125.jpg'), 0);
  assert.is(utkFaceLabel('some/dir/61_1_3_20170109142408075.jpg.chip.jpg'), 1);
  assert.is(utkFaceLabel('39_1_20170116174525125.jpg.chip.jpg'), 1); // a source name without race
  await throwsWith(() => utkFaceLabel('face.jpg'), "'face.jpg'", 'not a UTKFace name');
  await throwsWith(() => utkFaceLabel('25_2_0_20170116.jpg'), "'25_2_0_20170116.jpg'");
  await throwsWith(() => utkFaceLabel('x_1_0_20170116.jpg'), 'not a UTKFace name');
});

test('ImageList over UTKFace-named files; a malformed name is an error naming it', async () => {
  const root = join(dir, 'utk');
  mkdirSync(root);
  write(root, '30_1_0_2017.jpg', jpg(8, 8, () => 50));
  write(root, '22_0_1_2017.png', png(8, 8, 3, () => 60));
  write(root, '45_0_4_2017.png', png(8, 8, 3, () => 70));
  const l = new ImageList(root, { inputShape: [1, 2, 2], batchSize: 3 });
  const [b] = await collect(l);
  assert.equal(Array.from(b.labels), [0, 1, 0]);
  assert.equal([b.x[0], b.x[2]], [60, 70]);
  assert.is(l.nclass, 2);
  assert.ok(l.cachePath !== null && !l.cachePath.startsWith(root), 'the cache is not written into the data folder');
  const again = new ImageList(root, { inputShape: [1, 2, 2], batchSize: 3 });
  await again.load();
  assert.is(again.fromCache, true);
  write(root, 'selfie.png', png(8, 8, 3, () => 1));
  await throwsWith(() => new ImageList(root, { inputShape: [1, 2, 2], batchSize: 3 }).load(), 'ImageList', "'selfie.png'");
  const byName = new ImageList(root, { inputShape: [1, 2, 2], batchSize: 2, labelOf: (n) => (n.endsWith('.png') ? 1 : 0), cache: false });
  await byName.load();
  assert.equal(Array.from(byName.images.labels), [1, 0, 1, 1]);
});

test.after(cleanup);
test.run();
