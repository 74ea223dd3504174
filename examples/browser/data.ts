// The demo's data on the page side: the MNIST digits prepared by build.ts (build/demo/mnist.bin),
// or a folder of photos the user picks, labelled by UTKFace file names (age_gender_race_date.jpg →
// gender) or else by their subfolder.
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

const UTK = /^(\d+)_([01])_\d+_/;

function labelOf(file: File): string | null {
  const m = UTK.exec(file.name);
  if (m) return m[2] === '0' ? 'male' : 'female';
  const parts = (file.webkitRelativePath || file.name).split('/');
  return parts.length >= 3 ? parts[parts.length - 2] : null;
}

/** Pixels of an image drawn at [H, W] as CHW uint8 (RGB, or gray when C = 1). */
export async function imageToChw(blob: Blob, [C, H, W]: [number, number, number]): Promise<Uint8Array> {
  const bitmap = await createImageBitmap(blob);
  const canvas = new OffscreenCanvas(W, H);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas context');
  ctx.drawImage(bitmap, 0, 0, W, H);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, W, H).data;
  const out = new Uint8Array(C * H * W);
  for (let p = 0; p < H * W; p++) {
    if (C === 1) out[p] = Math.round((rgba[p * 4] + rgba[p * 4 + 1] + rgba[p * 4 + 2]) / 3);
    else for (let c = 0; c < 3; c++) out[c * H * W + p] = rgba[p * 4 + c];
  }
  return out;
}

/** A labelled photo folder (up to `limit` images, shuffled, 20 % held out), at 3×size×size. */
export async function loadPhotos(files: File[], size: number, limit: number, progress: (done: number, total: number) => void): Promise<Dataset> {
  const labelled = files.filter((f) => f.type.startsWith('image/')).map((f) => ({ f, label: labelOf(f) }))
    .filter((e): e is { f: File; label: string } => e.label !== null);
  if (labelled.length < 10) {
    throw new Error(`found ${labelled.length} labelled images: name them like UTKFace (age_gender_race_date.jpg) or put each class in its own subfolder`);
  }
  // A fixed shuffle (LCG), so the same folder gives the same split.
  let s = 12345;
  for (let i = labelled.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [labelled[i], labelled[j]] = [labelled[j], labelled[i]];
  }
  const chosen = labelled.slice(0, limit);
  const classes = [...new Set(chosen.map((e) => e.label))].sort();
  if (classes.length < 2) throw new Error(`only one class found (${classes[0]}): a classifier needs at least two`);
  const lshape: [number, number, number] = [3, size, size];
  const F = 3 * size * size;
  const X = new Uint8Array(chosen.length * F), y = new Int32Array(chosen.length);
  for (let i = 0; i < chosen.length; i++) {
    X.set(await imageToChw(chosen[i].f, lshape), i * F);
    y[i] = classes.indexOf(chosen[i].label);
    if (i % 50 === 0) progress(i, chosen.length);
  }
  progress(chosen.length, chosen.length);
  return { X, y, lshape, classes, ntest: Math.max(1, Math.floor(chosen.length * 0.2)), darkBackground: false };
}
