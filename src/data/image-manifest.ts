// A CSV-listed image data set (the course's and neon v1's index-file format, neon-semantics.md
// §1.8): a header line, then rows whose first column is the image path relative to the CSV's
// folder and second the integer label; a column named `split` (any case) selects rows.
import { parseCsv } from './csv.ts';
import { ImageDataset, type ImageDatasetOptions, type ImageListing } from './image-dataset.ts';
import { errorText, nodeFs, nodePath } from './node-lazy.ts';

export interface ImageManifestOptions extends ImageDatasetOptions {
  /** Keep rows whose `split` column equals this (needs such a column). */
  split?: string;
}

export class ImageManifest extends ImageDataset {
  readonly csvPath: string;
  readonly split: string | undefined;
  protected readonly owner: string;

  constructor(csvPath: string, opts: ImageManifestOptions) {
    super(opts);
    this.csvPath = csvPath;
    this.split = opts.split;
    this.owner = `ImageManifest(${csvPath}${opts.split === undefined ? '' : `, split '${opts.split}'`})`;
  }

  /** Constructs and loads (decodes or reads the cache) in one step. */
  static async open(csvPath: string, opts: ImageManifestOptions): Promise<ImageManifest> {
    const m = new ImageManifest(csvPath, opts);
    await m.load();
    return m;
  }

  protected async list(): Promise<ImageListing> {
    const [fs, path] = await Promise.all([nodeFs(), nodePath()]);
    let bytes: Uint8Array;
    try {
      const b = await fs.readFile(this.csvPath);
      bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      throw new Error(`${this.owner}: cannot read the CSV file: ${errorText(e)}`);
    }
    const base = path.dirname(this.csvPath);
    const entries = parseManifest(new TextDecoder().decode(bytes), this.split, this.owner)
      .map(({ file, label }) => {
        const p = path.isAbsolute(file) ? file : path.join(base, file);
        return { path: p, label, name: p };
      });
    return { entries, location: this.csvPath, key: bytes, variant: this.split === undefined ? '' : `-${safe(this.split)}` };
  }
}

/** The (file, label) rows of a manifest, after the split filter; errors name the line. */
export function parseManifest(text: string, split: string | undefined, owner: string): { file: string; label: number }[] {
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
  const out: { file: string; label: number }[] = [];
  for (const { fields, line } of rows.slice(1)) {
    if (fields.length < Math.max(2, splitCol + 1)) {
      throw new Error(`${owner}: line ${line} has ${fields.length} field(s), expected ${header.length}`);
    }
    if (split !== undefined && fields[splitCol].trim() !== split) continue;
    const file = fields[0].trim();
    const raw = fields[1].trim();
    const label = Number(raw);
    if (file === '') throw new Error(`${owner}: line ${line} has an empty path`);
    if (raw === '' || !Number.isInteger(label) || label < 0) {
      throw new Error(`${owner}: line ${line} ('${file}') has label '${raw}'; labels must be integers ≥ 0`);
    }
    out.push({ file, label });
  }
  return out;
}

/** A split name as a file-name part. */
function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_');
}
