// A CSV-listed image data set (the course's and neon v1's index-file format, neon-semantics.md
// §1.8): a header line, then rows whose first column is the image path relative to the CSV's
// folder and second the integer label or a class name (manifest-labels.ts); a column named `split`
// (any case) selects rows.
import { parseCsv } from './csv.ts';
import { ImageDataset, type ImageDatasetOptions, type ImageListing } from './image-dataset.ts';
import { checkArg } from '../check.ts';
import { readRegularFile } from '../io/regular-file.ts';
import { resolveLabels, type RawLabel } from './manifest-labels.ts';
import { errorText, nodePath } from './node-lazy.ts';

/** Manifests larger than this are refused before reading (a million rows take about 50 MB). */
const MAX_MANIFEST_BYTES = 2 ** 30;

export interface ImageManifestOptions extends ImageDatasetOptions {
  /** Keep rows whose `split` column equals this (needs such a column). */
  split?: string;
  /** Let rows name images outside the CSV's folder (`../x.jpg`, absolute paths); default false, so
   *  a manifest from elsewhere cannot make Argon read arbitrary files (CLI: --allow-outside). */
  allowOutside?: boolean;
}

export class ImageManifest extends ImageDataset {
  readonly csvPath: string;
  readonly split: string | undefined;
  readonly allowOutside: boolean;
  protected readonly owner: string;

  constructor(csvPath: string, opts: ImageManifestOptions) {
    checkArg('ImageManifest', 'the CSV path', csvPath, { kind: 'string', required: true, expect: "a file path, e.g. 'faces/train.csv'" });
    super(opts);
    this.csvPath = csvPath;
    this.split = opts.split;
    this.allowOutside = opts.allowOutside ?? false;
    this.owner = `ImageManifest(${csvPath}${opts.split === undefined ? '' : `, split '${opts.split}'`})`;
  }

  /** Constructs and loads (decodes or reads the cache) in one step. */
  static async open(csvPath: string, opts: ImageManifestOptions): Promise<ImageManifest> {
    const m = new ImageManifest(csvPath, opts);
    await m.load();
    return m;
  }

  protected async list(): Promise<ImageListing> {
    const path = await nodePath();
    let bytes: Uint8Array;
    try {
      bytes = await readRegularFile(this.csvPath, 'the CSV file', { maxBytes: MAX_MANIFEST_BYTES });
    } catch (e) {
      throw new Error(`${this.owner}: ${errorText(e)}`);
    }
    const base = path.resolve(path.dirname(this.csvPath));
    const given = this.opts.classNames;
    const { rows, classNames } = readManifest(new TextDecoder().decode(bytes), this.split, this.owner, given);
    const entries = rows.map(({ file, label, line }) => {
      const p = path.resolve(base, file);
      const rel = path.relative(base, p);
      if (!this.allowOutside && (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))) {
        throw new Error(`${this.owner}: line ${line} names '${file}', which resolves outside the manifest's folder ${base}; ` +
          'images must sit inside it (pass allowOutside: true, or --allow-outside to the argon command, to allow this)');
      }
      return { path: p, label, name: p, row: `line ${line} ('${file}')` };
    });
    // Labels depend on a given classNames mapping too, so it is part of the cache key.
    const key = given === undefined ? bytes : concat(bytes, new TextEncoder().encode(`\0classNames ${JSON.stringify(given)}`));
    return { entries, location: this.csvPath, key, variant: this.split === undefined ? '' : `-${safe(this.split)}`, classNames: classNames ?? undefined };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** A manifest row: the image path as written, its label, and its line in the CSV. */
export interface ManifestRow { file: string; label: number; line: number }

/** The (file, label) rows of a manifest, after the split filter; errors name the line. */
export function parseManifest(text: string, split: string | undefined, owner: string, classNames?: readonly string[]): ManifestRow[] {
  return readManifest(text, split, owner, classNames).rows;
}

/** The rows of a manifest after the split filter, and its class names when its labels are names
 *  (or `classNames` is given). Names map to labels over every row, whatever the split, so the
 *  splits of one CSV agree. */
export function readManifest(text: string, split: string | undefined, owner: string, classNames?: readonly string[]):
  { rows: ManifestRow[]; classNames: string[] | null } {
  let rows;
  try {
    rows = parseCsv(text);
  } catch (e) {
    throw new Error(`${owner}: ${errorText(e)}`);
  }
  if (rows.length === 0) throw new Error(`${owner}: the CSV is empty (a header line is required)`);
  const header = rows[0].fields.map((h) => h.trim().toLowerCase());
  if (header.length < 2) {
    throw new Error(`${owner}: the header must have at least 2 columns (path, label), got '${rows[0].fields.join(',')}'`);
  }
  const splitCol = header.indexOf('split');
  if (split !== undefined && splitCol < 0) {
    throw new Error(`${owner}: split '${split}' asked for, but the CSV has no 'split' column (header: ${header.join(',')})`);
  }
  const all: (RawLabel & { keep: boolean })[] = [];
  for (const { fields, line } of rows.slice(1)) {
    if (fields.length < Math.max(2, splitCol + 1)) {
      throw new Error(`${owner}: line ${line} has ${fields.length} field(s), expected ${header.length}`);
    }
    const file = fields[0].trim();
    if (file === '') throw new Error(`${owner}: line ${line} has an empty path`);
    all.push({ file, value: fields[1].trim(), line, keep: split === undefined || fields[splitCol].trim() === split });
  }
  if (all.length === 0) return { rows: [], classNames: classNames === undefined ? null : [...classNames] };
  const resolved = resolveLabels(all, owner, classNames);
  const out = all.map((r, i) => ({ file: r.file, label: resolved.labels[i], line: r.line, keep: r.keep }))
    .filter((r) => r.keep).map(({ file, label, line }) => ({ file, label, line }));
  return { rows: out, classNames: resolved.classNames };
}

/** A split name as a file-name part. */
function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_');
}
