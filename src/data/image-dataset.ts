// The machinery behind ImageManifest, ImageFolder and ImageList: decode every listed image once
// into a compact 8-bit [C, H, W] cache (persisted in the cache directory, image-cache-store.ts),
// then serve batches with mean subtraction and seeded training augmentation.
import type { Batch, DataIterator } from './iterator.ts';
import { checkBatchSize, checkEntryLabels, checkPositiveInt, checkShape, EpochRng, EpochRngIterator, oneHot } from './batching.ts';
import { computeMean, fillImageBatch, meanPerFeature, type Augment, type MeanImage } from './image-batch.ts';
import type { CachedImages } from './image-cache.ts';
import { planCache, readCache, writeCache } from './image-cache-store.ts';
import { defaultCacheDir } from './cache-dir.ts';
import { decodeAll, type ImageEntry } from './image-decode-all.ts';
import { nodeImageSource, type ImageSource } from './image-source.ts';
import { checkClassNames } from './manifest-labels.ts';
import { checkArg } from '../check.ts';
import { Random } from '../random.ts';

export type { ImageEntry } from './image-decode-all.ts';

export interface ImageDatasetOptions {
  /** The model's input [C, H, W] (C = 1 converts to grey); images are resized to H×W. */
  inputShape: readonly number[];
  batchSize: number;
  /** Defaults to max label + 1. */
  nclass?: number;
  /** The class names, in label order: a manifest's named labels and a folder's class subfolders map
   *  to these (pass the training set's `classNames` to its test set, so a class missing from the test
   *  data shifts nothing); they also name an integer manifest's classes. */
  classNames?: readonly string[];
  shuffle?: boolean;
  seed?: number;
  /** Subtract the mean image or per-channel mean (default 'none', or the kind of `mean`). */
  meanSubtract?: 'none' | 'image' | 'channel';
  /** A mean computed by another iterator (pass the training iterator's `mean` to the test one). */
  mean?: MeanImage;
  /** Training augmentation: pad by this many pixels and crop back at a random offset. */
  randomCrop?: number;
  /** Training augmentation: random horizontal flip. */
  flip?: boolean;
  /** Skip (and count) unreadable or corrupt images instead of failing. */
  skipBad?: boolean;
  /** Keep only the first `limit` images. */
  limit?: number;
  /** Persist the decoded images in the cache directory (default true with the Node file source;
   *  false writes nothing anywhere). */
  cache?: boolean;
  /** The cache directory (default: ARGON_CACHE_DIR, else the platform's user cache dir, cache-dir.ts). */
  cacheDir?: string;
  /** Images whose header claims more pixels are refused before decoding (default 2²⁶). */
  maxImagePixels?: number;
  onProgress?: (done: number, total: number) => void;
  /** Where bytes come from and how they are decoded (default: Node files, jpeg-js/fast-png). */
  source?: ImageSource;
}

/** What a concrete data set lists: entries, plus what keys and places its cache. */
export interface ImageListing {
  entries: ImageEntry[];
  /** The CSV file or folder; the cache file is named after it. */
  location: string;
  /** The listing's bytes (CSV content, or the folder's file list): part of the cache key. */
  key: string | Uint8Array;
  /** Distinguishes caches of one listing (e.g. the split). */
  variant: string;
  classNames?: string[];
}

interface Loaded {
  cache: CachedImages;
  nclass: number;
  mean: MeanImage | null;
  meanF: Float32Array | null;
}

export abstract class ImageDataset extends EpochRngIterator implements DataIterator {
  readonly inputShape: readonly [number, number, number];
  readonly batchSize: number;
  readonly shuffle: boolean;
  /** Whether the last load came from a cache file (nothing decoded). */
  fromCache = false;
  /** The cache file read or written by the last load, if any. */
  cachePath: string | null = null;
  /** Its size in bytes (0 without one). */
  cacheBytes = 0;
  /** Whether the last load wrote the cache file (a first run, or a rebuild). */
  cacheWritten = false;
  /** Why an existing cache was rebuilt, or why none could be written (null when neither happened). */
  cacheNote: string | null = null;
  /** Images decoded by this iterator so far (0 after a cached load). */
  decoded = 0;
  classNames: string[] | undefined;
  protected readonly opts: ImageDatasetOptions;
  protected abstract readonly owner: string;
  protected readonly rng: EpochRng;
  private loaded: Loaded | null = null;
  private loading: Promise<void> | null = null;

  constructor(opts: ImageDatasetOptions) {
    super();
    const name = new.target.name;
    checkArg(name, 'the options', opts, { kind: 'object', required: true, expect: '{ inputShape: [C, H, W], batchSize, … }' });
    checkShape(opts.inputShape, 'inputShape', name);
    if (opts.inputShape.length !== 3 || (opts.inputShape[0] !== 1 && opts.inputShape[0] !== 3)) {
      throw new Error(`${name}: inputShape must be [C, H, W] with C = 1 or 3, got [${opts.inputShape.join(', ')}]`);
    }
    checkPositiveInt(opts.batchSize, 'batchSize', name);
    if (opts.nclass !== undefined) checkPositiveInt(opts.nclass, 'nclass', name);
    checkClassNames(opts.classNames, name);
    if (opts.limit !== undefined) checkPositiveInt(opts.limit, 'limit', name);
    const crop = opts.randomCrop ?? 0;
    if (!Number.isInteger(crop) || crop < 0) throw new Error(`${name}: randomCrop must be a non-negative integer, got ${crop}`);
    this.inputShape = [opts.inputShape[0], opts.inputShape[1], opts.inputShape[2]];
    checkMeanOption(opts, this.inputShape, name);
    this.opts = opts;
    this.batchSize = opts.batchSize;
    this.shuffle = opts.shuffle ?? false;
    this.rng = new EpochRng(opts.seed);
  }

  /** Lists the images (paths, labels) of the data set. */
  protected abstract list(): Promise<ImageListing>;

  /** Decodes (or reads the cache) once; every other member needing the data awaits this. */
  load(): Promise<void> {
    this.loading ??= this.doLoad().catch((e: unknown) => {
      this.loading = null;
      throw e;
    });
    return this.loading;
  }

  private get data(): Loaded {
    if (this.loaded === null) {
      throw new Error(`${this.owner}: not loaded yet; await load() (or iterate batches()) first`);
    }
    return this.loaded;
  }

  get ndata(): number { return this.data.cache.labels.length; }
  get nclass(): number { return this.opts.nclass ?? this.data.nclass; }
  get nbatches(): number { return Math.ceil(this.ndata / this.batchSize); }
  /** The mean this iterator subtracts (null for 'none'): hand it to the test iterator's `mean`. */
  get mean(): MeanImage | null { return this.data.mean; }
  /** Number of images skipped as unreadable or corrupt (skipBad). */
  get skipped(): number { return this.data.cache.skipped.length; }
  get skippedFiles(): readonly string[] { return this.data.cache.skipped; }
  /** The decoded images, count × C·H·W, 8-bit CHW, and their labels. */
  get images(): { pixels: Uint8Array; labels: Int32Array } {
    return { pixels: this.data.cache.pixels, labels: this.data.cache.labels };
  }

  /** One epoch, shuffled and augmented as configured. */
  batches(): AsyncIterable<Batch> {
    return this.epochOf(true);
  }

  /** The same images in file order without shuffling or augmentation (for evaluation); no RNG use. */
  plain(): DataIterator {
    const self = this;
    return {
      get inputShape() { return self.inputShape; },
      get nclass() { return self.nclass; },
      get ndata() { return self.ndata; },
      get batchSize() { return self.batchSize; },
      get nbatches() { return self.nbatches; },
      batches: () => self.epochOf(false),
    };
  }

  private epochOf(training: boolean): AsyncIterable<Batch> {
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        await self.load();
        const { cache, meanF } = self.data;
        const nclass = self.nclass;
        const ndata = cache.labels.length;
        let order: Uint32Array;
        let aug: Augment | null = null;
        if (training) {
          const e = self.rng.startEpoch(ndata, self.shuffle);
          order = e.order;
          const pad = self.opts.randomCrop ?? 0;
          if (pad > 0 || self.opts.flip) aug = { pad, flip: self.opts.flip ?? false, rng: new Random(e.augSeed) };
        } else {
          order = Uint32Array.from({ length: ndata }, (_, i) => i);
        }
        for (let start = 0; start < ndata; start += self.batchSize) {
          const n = Math.min(self.batchSize, ndata - start);
          const { x, labels } = fillImageBatch(cache.pixels, cache.labels, self.inputShape, order, start, n, meanF, aug);
          yield { x, n, labels, targets: oneHot(labels, nclass) };
        }
      },
    };
  }

  private async doLoad(): Promise<void> {
    const listing = await this.list();
    this.classNames = listing.classNames;
    const entries = this.opts.limit === undefined ? listing.entries : listing.entries.slice(0, this.opts.limit);
    if (entries.length === 0) throw new Error(`${this.owner}: the data set is empty (no images listed)`);
    // Labels are checked before anything is decoded. The class count is the option's, else the class
    // names' (folders, a named manifest: a class with no images here still counts), else the labels'.
    const names = this.opts.classNames ?? listing.classNames;
    if (names !== undefined && this.opts.nclass !== undefined && this.opts.nclass !== names.length) {
      throw new Error(`${this.owner}: nclass ${this.opts.nclass} disagrees with the ${names.length} class names (${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''})`);
    }
    const nclass = checkEntryLabels(entries, this.opts.nclass ?? names?.length, this.owner);
    const variant = `${listing.variant}${this.opts.limit === undefined ? '' : `-n${this.opts.limit}`}`;
    const cache = await this.readOrDecode(listing, entries, variant);
    const n = cache.labels.length;
    if (n === 0) throw new Error(`${this.owner}: the data set is empty (all ${entries.length} images were skipped)`);
    checkBatchSize(this.batchSize, n, this.owner, !this.shuffle);
    const kind = this.opts.meanSubtract ?? this.opts.mean?.kind ?? 'none';
    const mean = kind === 'none' ? null : this.opts.mean ?? computeMean(cache.pixels, this.inputShape, kind);
    this.loaded = { cache, nclass, mean, meanF: mean === null ? null : meanPerFeature(mean) };
  }

  /** The decoded images: from a valid cache file, else decoded (and cached when enabled). */
  private async readOrDecode(listing: ImageListing, entries: ImageEntry[], variant: string): Promise<CachedImages> {
    this.fromCache = false;
    this.cachePath = null;
    this.cacheBytes = 0;
    this.cacheWritten = false;
    this.cacheNote = null;
    const persist = this.opts.cache ?? this.opts.source === undefined;
    const plan = persist ? await planCache({
      cacheDir: this.opts.cacheDir ?? await defaultCacheDir(), location: listing.location, listingKey: listing.key,
      entries, shape: this.inputShape, variant,
    }) : null;
    if (plan !== null) {
      const hit = await readCache(plan, this.inputShape, entries);
      if ('cache' in hit) {
        if (!this.opts.skipBad && hit.cache.skipped.length > 0) {
          throw new Error(`${this.owner}: cannot read or decode image '${hit.cache.skipped[0]}' ` +
            `(${hit.cache.skipped.length} bad, recorded in ${plan.path}); pass skipBad to skip them`);
        }
        this.fromCache = true;
        this.cachePath = plan.path;
        this.cacheBytes = hit.bytes;
        this.opts.onProgress?.(entries.length, entries.length);
        return hit.cache;
      }
      if (hit.reason !== null) this.cacheNote = `rebuilt the image cache ${plan.path}: ${hit.reason}`;
    }
    const cache = await decodeAll(entries, this.inputShape, this.opts.source ?? nodeImageSource, this.opts.skipBad ?? false,
      (done, total) => this.opts.onProgress?.(done, total), this.opts.maxImagePixels);
    this.decoded += entries.length - cache.skipped.length;
    if (plan !== null) {
      const written = await writeCache(plan, cache);
      if ('error' in written) {
        this.cacheNote = `could not write the image cache ${plan.path}: ${written.error}`;
      } else {
        this.cachePath = plan.path;
        this.cacheBytes = written.bytes;
        this.cacheWritten = true;
      }
    }
    return cache;
  }
}

function checkMeanOption(opts: ImageDatasetOptions, shape: readonly [number, number, number], name: string): void {
  const kind = opts.meanSubtract ?? 'none';
  if (kind !== 'none' && kind !== 'image' && kind !== 'channel') {
    throw new Error(`${name}: meanSubtract must be 'none', 'image' or 'channel', got '${String(kind)}'`);
  }
  const m = opts.mean;
  if (m === undefined) return;
  if (opts.meanSubtract !== undefined && opts.meanSubtract !== m.kind) {
    throw new Error(`${name}: meanSubtract '${opts.meanSubtract}' does not match the given mean ('${m.kind}')`);
  }
  const want = m.kind === 'image' ? shape[0] * shape[1] * shape[2] : shape[0];
  if (m.shape.join('x') !== shape.join('x') || m.values.length !== want) {
    throw new Error(`${name}: the given ${m.kind} mean is for [${m.shape.join(', ')}] with ` +
      `${m.values.length} values; this input is [${shape.join(', ')}] (needs ${want})`);
  }
}
