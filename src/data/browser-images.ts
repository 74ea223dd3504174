// Image files a user picks in a browser (<input type=file multiple> or webkitdirectory, drag and
// drop) → the 8-bit N×C×H×W rows and labels ArrayIterator takes. Works in pages and Web Workers.
// The browser decodes (createImageBitmap, drawn at the image's own size on an OffscreenCanvas); the
// resize and grey conversion are Node's (toModelInput: half-pixel bilinear, BT.601 luma), so a PNG
// gives the same input as ImageManifest in Node, byte for byte, and a JPEG differs only by the two
// decoders (libjpeg-turbo vs jpeg-js, a level or two), and model.predict(ImageData) agrees too.
// Traps: EXIF orientation is applied by the browser (jpeg-js ignores it); transparent pixels come
// back black (a canvas stores premultiplied alpha); colour profiles are ignored, as in Node.
import { Random } from '../random.ts';
import type { DecodedImage } from './image-decode.ts';
import { utkFaceLabel } from './image-folder.ts';
import { parseManifest } from './image-manifest.ts';
import { toModelInput } from './image-ops.ts';
import { errorText } from './node-lazy.ts';

/** The model's input [C, H, W]: C is 1 (grey) or 3 (RGB); images are resized to H×W. */
export type ImageShape = readonly [number, number, number];

/** A File, or a Blob with the name that labels and error messages use. */
export type PickedFile = Blob & { readonly name?: string; readonly webkitRelativePath?: string };

/** Files as a FileList, an array or any iterable. */
export type PickedFiles = Iterable<PickedFile> | ArrayLike<PickedFile>;

export interface BrowserImageOptions {
  lshape: ImageShape;
  /** Skip (and list in `skipped`) images that cannot be decoded, or manifest rows with no file. */
  skipBad?: boolean;
  /** Shuffle the rows with this seed (the same files give the same order); default: sorted by path. */
  shuffle?: number;
  /** Decode only the first `limit` rows (after the shuffle). */
  limit?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface LoadImageFilesOptions extends BrowserImageOptions {
  /** A file's class name, or null to leave it out; default: UTKFace gender, else the subfolder. */
  labelOf?: (name: string, relativePath: string) => string | null;
  /** Fixed class order (a label outside it is an error); default: the labels found, sorted. */
  classes?: readonly string[];
}

export interface LoadImageManifestOptions extends BrowserImageOptions {
  /** Keep rows whose `split` column equals this. */
  split?: string;
  /** The CSV's own relative path (e.g. 'faces/train.csv'): rows resolve against its folder first. */
  csvPath?: string;
  /** Names of the integer labels (default '0', '1', … up to the largest label). */
  classes?: readonly string[];
}

export interface BrowserImages {
  /** N×C×H×W pixel values 0–255. */
  X: Uint8Array;
  y: Int32Array;
  classes: string[];
  /** The relative path of each row. */
  names: string[];
  /** Images that failed to decode, or manifest rows with no file (with skipBad). */
  skipped: string[];
  /** Files left out: not images, or without a label. */
  ignored: string[];
}

interface Entry { file: PickedFile; name: string; label: number }

const IMAGE_EXT = /\.(jpe?g|png|gif|webp|bmp|avif)$/i;

/** Code-unit order, so results do not depend on the locale. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A picked file's path inside the picked folder (webkitRelativePath), else its name. */
export function relativePathOf(file: PickedFile): string {
  return (file.webkitRelativePath || file.name || '').replace(/\\/g, '/');
}

/** UTKFace file names (age_gender_race_date.jpg, gender 0 male, 1 female; see utkFaceLabel) → gender. */
export function utkFaceGender(name: string): 'male' | 'female' | null {
  try {
    return utkFaceLabel(name) === 0 ? 'male' : 'female';
  } catch {
    return null;
  }
}

/** The default labels: UTKFace gender from the name, else the folder holding the file (root/<class>/x.jpg). */
export function defaultImageLabel(name: string, relativePath: string): string | null {
  const gender = utkFaceGender(name);
  if (gender !== null) return gender;
  const parts = relativePath.split('/');
  return parts.length >= 3 ? parts[parts.length - 2] : null;
}

/** Decodes a JPEG/PNG/… blob to 8-bit RGB at its own size; failures are Errors naming the file. */
export async function decodeImageBlob(blob: Blob, name: string): Promise<DecodedImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (e) {
    throw new Error(`cannot decode image '${name}' (${blob.size} bytes): ${errorText(e)}`);
  }
  try {
    const { width, height } = bitmap;
    if (width === 0 || height === 0) throw new Error(`cannot decode image '${name}': empty image`);
    const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error(`cannot decode image '${name}': no 2D canvas context`);
    ctx.drawImage(bitmap, 0, 0);
    const rgba = ctx.getImageData(0, 0, width, height).data;
    const data = new Uint8Array(width * height * 3);
    for (let p = 0, q = 0; q < data.length; p += 4, q += 3) {
      data[q] = rgba[p]; data[q + 1] = rgba[p + 1]; data[q + 2] = rgba[p + 2];
    }
    return { width, height, channels: 3, data };
  } finally {
    bitmap.close();
  }
}

/** One image as the model's CHW input (0–255): decoded by the browser, resized/greyed as in Node. */
export async function imageToChw(blob: Blob, lshape: ImageShape, name?: string): Promise<Uint8Array> {
  checkShape(lshape);
  const label = name ?? ((blob as PickedFile).name || 'blob');
  const image = await decodeImageBlob(blob, label);
  try {
    return toModelInput(image, lshape);
  } catch (e) {
    throw new Error(`image '${label}' (${image.width}×${image.height}): ${errorText(e)}`);
  }
}

/**
 * Labelled images from picked files: labels from `labelOf` (default: UTKFace gender, else the
 * subfolder), classes sorted unless given. Files that are not images, or get no label, are listed in
 * `ignored`; an image that fails to decode is an error naming it, or skipped and listed (skipBad).
 */
export async function loadImageFiles(files: PickedFiles, opts: LoadImageFilesOptions): Promise<BrowserImages> {
  checkShape(opts.lshape);
  const labelOf = opts.labelOf ?? defaultImageLabel;
  const ignored: string[] = [];
  const found: { file: PickedFile; name: string; cls: string }[] = [];
  for (const file of Array.from(files)) {
    const path = relativePathOf(file);
    const base = path.slice(path.lastIndexOf('/') + 1);
    let cls: string | null = null;
    try {
      cls = file.type.startsWith('image/') || IMAGE_EXT.test(base) ? labelOf(base, path) : null;
    } catch (e) {
      throw new Error(`loadImageFiles: labelOf failed for '${path}': ${errorText(e)}`);
    }
    if (cls === null) ignored.push(path);
    else found.push({ file, name: path, cls });
  }
  if (found.length === 0) {
    throw new Error(`loadImageFiles: none of the ${ignored.length} file(s) is a labelled image: name them like UTKFace ` +
      `(age_gender_race_date.jpg), put each class in its own subfolder, or pass labelOf`);
  }
  const classes = opts.classes ? [...opts.classes] : [...new Set(found.map((f) => f.cls))].sort(byCodeUnits);
  const index = new Map(classes.map((c, i) => [c, i]));
  const entries = found.map(({ file, name, cls }): Entry => {
    const label = index.get(cls);
    if (label === undefined) throw new Error(`loadImageFiles: '${name}' has label '${cls}', not one of the classes ${classes.join(', ')}`);
    return { file, name, label };
  });
  return { ...(await decodeEntries(entries, opts)), classes, ignored };
}

/**
 * A CSV manifest (ImageManifest's format: header, path relative to the CSV, integer label, optional
 * `split` column) matched to picked files: a row's path must equal the end of exactly one file's
 * relative path (or resolve against `csvPath`'s folder). A row with no file is an error naming it,
 * or skipped (skipBad); so is an image that fails to decode. Files the CSV does not list are ignored.
 */
export async function loadImageManifest(csvText: string, files: PickedFiles, opts: LoadImageManifestOptions): Promise<BrowserImages> {
  checkShape(opts.lshape);
  const owner = `loadImageManifest(${opts.csvPath ?? 'CSV'}${opts.split === undefined ? '' : `, split '${opts.split}'`})`;
  const rows = parseManifest(csvText, opts.split, owner);
  if (rows.length === 0) throw new Error(`${owner}: no rows${opts.split === undefined ? '' : ` in split '${opts.split}'`}`);
  const all = Array.from(files);
  // Every path suffix on '/' boundaries → its file, or null when two files share it.
  const bySuffix = new Map<string, PickedFile | null>();
  for (const file of all) {
    const parts = relativePathOf(file).split('/');
    for (let i = 0; i < parts.length; i++) {
      const key = parts.slice(i).join('/');
      bySuffix.set(key, bySuffix.has(key) && bySuffix.get(key) !== file ? null : file);
    }
  }
  const dir = opts.csvPath === undefined ? '' : opts.csvPath.replace(/\\/g, '/').replace(/[^/]*$/, '');
  const entries: Entry[] = [];
  const missing: string[] = [];
  const used = new Set<PickedFile>();
  for (const { file: path, label } of rows) {
    const rel = normalizePath(path);
    const file = (dir && bySuffix.get(normalizePath(dir + rel))) || bySuffix.get(rel);
    if (file === null) throw new Error(`${owner}: '${path}' matches several picked files; pass csvPath to resolve it`);
    if (file === undefined) {
      if (!opts.skipBad) throw new Error(`${owner}: '${path}' is listed but not among the ${all.length} picked file(s)`);
      missing.push(path);
      continue;
    }
    used.add(file);
    entries.push({ file, name: relativePathOf(file), label });
  }
  const maxLabel = rows.reduce((m, r) => Math.max(m, r.label), 0);
  const classes = opts.classes ? [...opts.classes] : Array.from({ length: maxLabel + 1 }, (_, i) => String(i));
  if (maxLabel >= classes.length) throw new Error(`${owner}: label ${maxLabel} needs more than the ${classes.length} classes given`);
  const out = await decodeEntries(entries, opts);
  const ignored = all.filter((f) => !used.has(f)).map(relativePathOf);
  return { ...out, classes, skipped: [...missing, ...out.skipped], ignored };
}

/** 'a/./b/../c' → 'a/c'; a leading './' or '/' goes. */
function normalizePath(p: string): string {
  const out: string[] = [];
  for (const part of p.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

function checkShape(lshape: ImageShape): void {
  const [C, H, W] = lshape;
  if (lshape.length !== 3 || (C !== 1 && C !== 3) || !(Number.isInteger(H) && H > 0 && Number.isInteger(W) && W > 0)) {
    throw new Error(`image shape must be [C, H, W] with C = 1 or 3 and positive H, W; got [${lshape.join(', ')}]`);
  }
}

/** A few decodes in flight: createImageBitmap decodes off the main thread. */
const IN_FLIGHT = 4;

async function decodeEntries(all: Entry[], opts: BrowserImageOptions): Promise<Omit<BrowserImages, 'classes' | 'ignored'>> {
  let entries = [...all].sort((a, b) => byCodeUnits(a.name, b.name));
  if (opts.shuffle !== undefined) {
    const rng = new Random(opts.shuffle);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [entries[i], entries[j]] = [entries[j], entries[i]];
    }
  }
  if (opts.limit !== undefined) entries = entries.slice(0, Math.max(0, opts.limit));
  const [C, H, W] = opts.lshape;
  const F = C * H * W, n = entries.length;
  if (n * F > 2 ** 31 - 1) {
    throw new Error(`loadImageFiles: ${n} images of ${C}×${H}×${W} need ${(n * F / 2 ** 30).toFixed(1)} GiB; pass a smaller limit`);
  }
  const X = new Uint8Array(n * F), y = new Int32Array(n);
  const names: string[] = [], skipped: string[] = [];
  const pending = new Map<number, Promise<Uint8Array | Error>>();
  const start = (i: number): void => {
    if (i < n) {
      pending.set(i, imageToChw(entries[i].file, opts.lshape, entries[i].name)
        .catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
    }
  };
  for (let i = 0; i < IN_FLIGHT; i++) start(i);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const px = await pending.get(i)!;
    pending.delete(i);
    start(i + IN_FLIGHT);
    if (px instanceof Error) {
      if (!opts.skipBad) {
        await Promise.allSettled(pending.values());
        throw px;
      }
      skipped.push(entries[i].name);
    } else {
      X.set(px, kept * F);
      y[kept++] = entries[i].label;
      names.push(entries[i].name);
    }
    opts.onProgress?.(i + 1, n);
  }
  return { X: kept === n ? X : X.slice(0, kept * F), y: kept === n ? y : y.slice(0, kept), names, skipped };
}
