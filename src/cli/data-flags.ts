// The flags that decide how far the CLI trusts image data and where it caches it (issue 15 §4,
// issue 13 §4), shared by `argon train` and `argon eval`, and the line that tells the user where a
// cache went and how large it is.
import { formatBytes } from '../summary.ts';
import type { FlagSpecs, Parsed } from './args.ts';

export const DATA_SAFETY_FLAGS: FlagSpecs = {
  'allow-outside': { type: 'boolean', help: "let a CSV manifest name images outside its own folder ('../x.jpg', absolute paths)" },
  'cache-dir': { type: 'string', placeholder: 'DIR', help: 'where decoded-image caches go (default: ARGON_CACHE_DIR, else the user cache dir, e.g. ~/.cache/argon)' },
  'no-cache': { type: 'boolean', help: 'decode the images every run; write no cache' },
};

export interface DataSafety {
  allowOutside: boolean;
  /** false: no cache is read or written. */
  cache: boolean;
  cacheDir?: string;
}

export function dataSafety(args: Parsed): DataSafety {
  const f = args.flags;
  return { allowOutside: f.has('allow-outside'), cache: !f.has('no-cache'), cacheDir: f.get('cache-dir') as string | undefined };
}

/** What an image data set reports about its cache after loading (ImageDataset's fields). */
interface CacheReport { cacheWritten?: boolean; cachePath?: string | null; cacheBytes?: number; cacheNote?: string | null }

/** Prints where a newly written (or rebuilt) cache went and how large it is, or why none was
 *  written; a run that read its cache prints nothing. */
export function reportCache(name: string, data: unknown): void {
  const c = data as CacheReport;
  if (c.cacheNote) console.log(`image cache: ${c.cacheNote}`);
  if (c.cacheWritten && c.cachePath) {
    console.log(`image cache: decoded ${name} into ${c.cachePath} (${formatBytes(c.cacheBytes ?? 0)}); later runs read it ` +
      '(--cache-dir DIR or ARGON_CACHE_DIR moves it, --no-cache turns it off)');
  }
}
