// Image data sets listed by a folder: ImageFolder (one subfolder per class, sorted names → labels)
// and ImageList (a flat folder whose file names carry the label, UTKFace style by default).
import { ImageDataset, type ImageDatasetOptions, type ImageEntry, type ImageListing } from './image-dataset.ts';
import { checkArg } from '../check.ts';
import { sortNames } from './manifest-labels.ts';
import { errorText, nodeFs, nodePath } from './node-lazy.ts';

const IMAGE_EXT = /\.(jpe?g|png)$/i;

async function readDir(dir: string, owner: string): Promise<{ name: string; isDir: boolean }[]> {
  const fs = await nodeFs();
  try {
    const ents = await fs.readdir(dir, { withFileTypes: true });
    return ents.map((e) => ({ name: e.name, isDir: e.isDirectory() }));
  } catch (e) {
    throw new Error(`${owner}: cannot read the folder: ${errorText(e)}`);
  }
}

/** root/<class>/*.jpg|png: classes are the sorted subfolder names (or the `classNames` option's
 *  order, which a test folder takes from its training folder); `classNames[label]` names one. */
export class ImageFolder extends ImageDataset {
  readonly root: string;
  protected readonly owner: string;

  constructor(root: string, opts: ImageDatasetOptions) {
    checkArg('ImageFolder', 'the folder', root, { kind: 'string', required: true, expect: "a folder path, e.g. 'photos/train'" });
    super(opts);
    this.root = root;
    this.owner = `ImageFolder(${root})`;
  }

  protected async list(): Promise<ImageListing> {
    const path = await nodePath();
    const found = sortNames((await readDir(this.root, this.owner)).filter((e) => e.isDir && !e.name.startsWith('.'))
      .map((e) => e.name));
    if (found.length === 0) throw new Error(`${this.owner}: no class subfolders found`);
    const given = this.opts.classNames;
    const unknown = given === undefined ? undefined : found.find((f) => !given.includes(f));
    if (unknown !== undefined) {
      throw new Error(`${this.owner}: subfolder '${unknown}' is not one of classNames (${given!.join(', ')})`);
    }
    const classes = given === undefined ? found : [...given];
    const entries: ImageEntry[] = [];
    for (let label = 0; label < classes.length; label++) {
      if (!found.includes(classes[label])) continue;
      const dir = path.join(this.root, classes[label]);
      const files = sortNames((await readDir(dir, this.owner)).filter((e) => !e.isDir && IMAGE_EXT.test(e.name))
        .map((e) => e.name));
      for (const f of files) {
        const p = path.join(dir, f);
        entries.push({ path: p, label, name: p });
      }
    }
    const key = entries.map((e) => `${path.relative(this.root, e.path)}\t${e.label}`).join('\n');
    return { entries, location: path.join(this.root, '.folder'), key, variant: '', classNames: classes };
  }
}

/**
 * UTKFace's file names are `age_gender_race_datetime.jpg` (also `….jpg.chip.jpg`); gender is
 * 0 male, 1 female (UTKFace's coding, kept by shared/data/faces). Three source files lack the
 * race field (`age_gender_datetime…`): their gender still parses.
 */
export function utkFaceLabel(fileName: string): number {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const parts = base.split('_');
  if (parts.length < 3 || !/^\d+$/.test(parts[0]) || (parts[1] !== '0' && parts[1] !== '1')) {
    throw new Error(`utkFaceLabel: '${base}' is not a UTKFace name (age_gender_race_date.jpg, gender 0 or 1)`);
  }
  return Number(parts[1]);
}

export interface ImageListOptions extends ImageDatasetOptions {
  /** The label of a file name (default utkFaceLabel: gender). */
  labelOf?: (fileName: string) => number;
}

/** A flat folder of images whose names carry their labels; files in sorted order. */
export class ImageList extends ImageDataset {
  readonly root: string;
  protected readonly owner: string;
  private readonly labelOf: (fileName: string) => number;

  constructor(root: string, opts: ImageListOptions) {
    super(opts);
    this.root = root;
    this.owner = `ImageList(${root})`;
    this.labelOf = opts.labelOf ?? utkFaceLabel;
  }

  protected async list(): Promise<ImageListing> {
    const path = await nodePath();
    const files = sortNames((await readDir(this.root, this.owner)).filter((e) => !e.isDir && IMAGE_EXT.test(e.name))
      .map((e) => e.name));
    const entries = files.map((f) => {
      const p = path.join(this.root, f);
      let label: number;
      try {
        label = this.labelOf(f);
      } catch (e) {
        throw new Error(`${this.owner}: ${errorText(e)}`);
      }
      return { path: p, label, name: p };
    });
    const key = entries.map((e) => `${path.basename(e.path)}\t${e.label}`).join('\n');
    return { entries, location: path.join(this.root, '.list'), key, variant: '' };
  }
}
