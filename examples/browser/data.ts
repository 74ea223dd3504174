// The demo's data on the page side: the MNIST digits prepared by build.ts (build/demo/mnist.bin),
// or a folder of photos the user picks, decoded by the library's browser loader
// (src/data/browser-images.ts): a CSV manifest in the folder if there is one, else labels from
// UTKFace file names (age_gender_race_date.jpg → gender) or from subfolders.
import { loadImageFiles, loadImageManifest, relativePathOf, type BrowserImages } from '../../src/data/browser-images.ts';
import type { Dataset } from './protocol.ts';

/** mnist.json beside mnist.bin: rows of 784 pixels, then one label byte per row. */
interface MnistIndex { n: number; ntest: number; lshape: [number, number, number] }

export async function loadMnist(base: URL): Promise<Dataset> {
  const index = await (await fetch(new URL('mnist.json', base))).json() as MnistIndex;
  const bytes = new Uint8Array(await (await fetch(new URL('mnist.bin', base))).arrayBuffer());
  const F = index.lshape[0] * index.lshape[1] * index.lshape[2];
  if (bytes.length !== index.n * (F + 1)) throw new Error(`mnist.bin has ${bytes.length} bytes, expected ${index.n * (F + 1)}`);
  return {
    X: bytes.subarray(0, index.n * F), y: Int32Array.from(bytes.subarray(index.n * F)), lshape: index.lshape,
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], ntest: index.ntest, darkBackground: true,
  };
}

/** The folder's manifest: manifest.csv if present, else the shallowest, then first-named, CSV. */
function findManifest(files: File[]): File | null {
  const csvs = files.filter((f) => /\.csv$/i.test(f.name)).map((f) => ({ f, path: relativePathOf(f) }))
    .sort((a, b) => Number(b.f.name === 'manifest.csv') - Number(a.f.name === 'manifest.csv') ||
      a.path.split('/').length - b.path.split('/').length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return csvs[0]?.f ?? null;
}

/** A picked photo folder at 3×size×size: up to `limit` images in a fixed shuffle, the last 20 % held out.
 *  Unreadable images are skipped and listed in `skipped`. */
export async function loadPhotos(files: File[], size: number, limit: number,
  progress: (done: number, total: number) => void): Promise<Dataset & { skipped: string[] }> {
  const lshape: [number, number, number] = [3, size, size];
  const opts = { lshape, skipBad: true, shuffle: 12345, limit, onProgress: progress };
  const csv = findManifest(files);
  let d: BrowserImages;
  if (csv) {
    d = await loadImageManifest(await csv.text(), files, { ...opts, csvPath: relativePathOf(csv) });
  } else {
    d = await loadImageFiles(files, opts);
  }
  if (d.y.length < 10) {
    throw new Error(`found ${d.y.length} usable labelled images${d.skipped.length ? ` (${d.skipped.length} unreadable)` : ''}: ` +
      'name them like UTKFace (age_gender_race_date.jpg), put each class in its own subfolder, or add a manifest CSV');
  }
  if (new Set(d.y).size < 2) throw new Error(`only one class found (${d.classes[d.y[0]]}): a classifier needs at least two`);
  if (d.skipped.length) console.warn(`skipped ${d.skipped.length} unreadable image(s): ${d.skipped.slice(0, 5).join(', ')}`);
  return {
    X: d.X, y: d.y, lshape, classes: d.classes, skipped: d.skipped,
    ntest: Math.max(1, Math.floor(d.y.length * 0.2)), darkBackground: false,
  };
}
