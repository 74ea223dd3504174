// `--data` for the CLI: a CSV manifest, a class-per-folder tree, or a built-in set ('mnist',
// 'fashion-mnist'), turned into a training iterator and a held-out one.
import { ArrayIterator } from '../data/array-iterator.ts';
import { FASHION_MNIST_CLASSES, loadFashionMnist } from '../data/fashion-mnist.ts';
import { ImageFolder } from '../data/image-folder.ts';
import { ImageManifest } from '../data/image-manifest.ts';
import type { DataIterator } from '../data/iterator.ts';
import { loadMnist } from '../data/mnist.ts';
import { UsageError } from './args.ts';
import { reportCache, type DataSafety } from './data-flags.ts';

export interface DataSpec {
  data: string;
  test?: string;
  inputShape: readonly number[];
  batchSize: number;
  seed: number;
  skipBad: boolean;
  /** Use only this many training samples (quick runs). */
  limit?: number;
  /** The class count (--classes, or the model's for eval); default: the distinct labels of the data. */
  nclass?: number;
  /** Manifest paths outside the manifest's folder, and the image cache (data-flags.ts). */
  safety?: DataSafety;
  /** `data` is scored, not trained on: in file order, any batch size (its last batch may be partial). */
  evaluation?: boolean;
  /** Training augmentation of image data: pad-and-crop by this many pixels, random horizontal flip. */
  randomCrop?: number;
  flip?: boolean;
  /** Class names to map a data set's named labels and folders by (eval: the model's). */
  classNames?: readonly string[];
}

export interface LoadedData {
  train: DataIterator;
  held: DataIterator | null;
  /** What the held-out set is, for the printed report. */
  heldName: string;
  nclass: number;
  inputShape: readonly number[];
}

export const BUILTIN_DATA = ['mnist', 'fashion-mnist'] as const;

async function isDirectory(path: string): Promise<boolean> {
  const fs = await import('node:fs/promises');
  try {
    return (await fs.stat(path)).isDirectory();
  } catch {
    throw new UsageError(`--data: '${path}' does not exist (give a CSV manifest, a folder of class folders, or one of ${BUILTIN_DATA.join(', ')})`);
  }
}

/** The input shape a data set implies when the user gives none: 28×28 grey for the digit sets. */
export function defaultInputShape(data: string): number[] {
  return data === 'mnist' || data === 'fashion-mnist' ? [1, 28, 28] : [3, 64, 64];
}

export async function loadData(spec: DataSpec): Promise<LoadedData> {
  const { batchSize, seed } = spec;
  if (spec.data === 'mnist' || spec.data === 'fashion-mnist') {
    if (spec.randomCrop || spec.flip) {
      throw new UsageError(`--random-crop and --flip augment image data (a CSV manifest or a folder); --data ${spec.data} takes neither`);
    }
    const lshape = [1, 28, 28];
    const classNames = spec.data === 'mnist' ? Array.from({ length: 10 }, (_, d) => String(d)) : FASHION_MNIST_CLASSES;
    // The digit split is fixed (seed 1), not the training seed, so eval never meets training digits.
    const d = spec.data === 'mnist' ? await loadMnist({}) : await loadFashionMnist({});
    const cut = <T extends { X: Float32Array | Uint8Array; y: Int32Array }>(a: T): T =>
      spec.limit && spec.limit < a.y.length ? { ...a, X: a.X.subarray(0, spec.limit * 784), y: a.y.subarray(0, spec.limit) } : a;
    const train = cut(d.train);
    if (spec.nclass !== undefined && spec.nclass !== 10) throw new UsageError(`${spec.data} has 10 classes, not ${spec.nclass} (the model's outputs or --classes)`);
    return {
      train: new ArrayIterator(train.X, train.y, { nclass: 10, lshape, batchSize, shuffle: true, seed, classNames }),
      held: new ArrayIterator(d.test.X, d.test.y, { nclass: 10, lshape, batchSize, classNames }),
      heldName: spec.data === 'mnist' ? `the ${d.test.y.length} held-out digits` : `the ${d.test.y.length} test images`,
      nclass: 10,
      inputShape: lshape,
    };
  }
  const safety = spec.safety ?? { allowOutside: false, cache: true };
  const common = { inputShape: spec.inputShape, batchSize, seed, skipBad: spec.skipBad, ...safety };
  const open = async (path: string, training: boolean, nclass?: number, classNames?: readonly string[]): Promise<ImageManifest | ImageFolder> => {
    const augment = training ? { randomCrop: spec.randomCrop, flip: spec.flip } : {};
    const opts = { ...common, ...augment, shuffle: training, nclass, classNames, limit: training ? spec.limit : undefined };
    const it = (await isDirectory(path)) ? new ImageFolder(path, opts) : new ImageManifest(path, opts);
    await it.load();
    reportCache(path, it);
    return it;
  };
  const train = await open(spec.data, !spec.evaluation, spec.nclass, spec.classNames);
  // The held-out set maps its classes by the training set's names, so a class it lacks shifts nothing.
  const held = spec.test ? await open(spec.test, false, train.nclass, train.classNames ?? spec.classNames) : null;
  return { train, held, heldName: spec.test ? spec.test : '', nclass: train.nclass, inputShape: spec.inputShape };
}

/** Parses '3x64x64' into [3, 64, 64]. */
export function parseShape(text: string, flag: string): number[] {
  const dims = text.split(/[x×,]/).map(Number);
  if (dims.length < 1 || dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new UsageError(`--${flag}: expected sizes like 3x64x64, got '${text}'`);
  }
  return dims;
}
