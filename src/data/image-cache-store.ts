// Where a data set's decoded-image cache lives and how it is read and written (Node). One file per
// data set, shape and variant under <cache dir>/images/, named after a hash of the listing's
// absolute location, so a rebuilt cache replaces the old one instead of piling up. Reads check the
// fixed header (version, shape, source key) and the file's size before reading the rest, then the
// content hash and the labels against the listing; anything off is rebuilt (with the reason kept
// for the caller). Writes go through a temporary file and a rename.
import type { ImageEntry } from './image-decode-all.ts';
import { CACHE_HEADER_BYTES, checkCacheHeader, decodeCache, encodeCache, sha256Hex, type CacheHeader, type CachedImages } from './image-cache.ts';
import { tempWriterPid, writeFileAtomic } from '../io/atomic-write.ts';
import { processAlive } from '../io/process-alive.ts';
import { errorCode, errorText, nodeFs, nodePath } from './node-lazy.ts';

export interface CachePlan {
  path: string;
  keyHex: string;
}

/** Images are stat'ed this many at a time for the key. */
const STAT_BATCH = 256;

/** Path, size and mtime of every image, one line each (a missing file says so). */
async function imageStamps(entries: readonly ImageEntry[]): Promise<string> {
  const fs = await nodeFs();
  const lines: string[] = [];
  for (let i = 0; i < entries.length; i += STAT_BATCH) {
    const part = entries.slice(i, i + STAT_BATCH);
    const stats = await Promise.all(part.map((e) => fs.stat(e.path).then((s) => `${s.size}\t${s.mtimeMs}`, () => 'missing')));
    part.forEach((e, j) => lines.push(`${e.path}\t${e.label}\t${stats[j]}`));
  }
  return lines.join('\n');
}

export async function planCache(opts: { cacheDir: string; location: string; listingKey: string | Uint8Array;
  entries: readonly ImageEntry[]; shape: readonly number[]; variant: string }): Promise<CachePlan> {
  const path = await nodePath();
  const abs = path.resolve(opts.location);
  const shape = opts.shape.join('x');
  const name = `${(await sha256Hex(abs)).slice(0, 16)}-${path.basename(abs)}-${shape}${opts.variant}.bin`;
  const keyHex = await sha256Hex(`argon image cache v2 ${shape} ${opts.variant}`, opts.listingKey, await imageStamps(opts.entries));
  return { path: path.join(path.resolve(opts.cacheDir), 'images', name), keyHex };
}

/** The cache at plan.path if it is there and valid for these entries, else why not (null: absent). */
export async function readCache(plan: CachePlan, shape: readonly [number, number, number],
  entries: readonly ImageEntry[]): Promise<{ cache: CachedImages; bytes: number } | { reason: string | null }> {
  const read = await readChecked(plan, shape);
  if ('reason' in read) return read;
  const cache = await decodeCache(read.bytes, read.head, shape);
  if ('reason' in cache) return cache;
  const skipped = new Set(cache.skipped);
  const expected = entries.filter((e) => !skipped.has(e.name)).map((e) => e.label);
  if (expected.length !== cache.labels.length || expected.some((l, i) => l !== cache.labels[i])) {
    return { reason: 'its labels differ from the data set' };
  }
  return { cache, bytes: read.bytes.length };
}

/** The whole cache file, read only after its header (and the file's size) fit this plan and shape. */
async function readChecked(plan: CachePlan, shape: readonly [number, number, number]):
  Promise<{ bytes: Uint8Array; head: CacheHeader } | { reason: string | null }> {
  const fs = await nodeFs();
  let file: Awaited<ReturnType<typeof fs.open>>;
  try {
    file = await fs.open(plan.path, 'r');
  } catch (e) {
    return { reason: errorCode(e) === 'ENOENT' ? null : `unreadable: ${errorText(e)}` };
  }
  try {
    const size = (await file.stat()).size;
    const header = new Uint8Array(Math.min(size, CACHE_HEADER_BYTES));
    await readFully(file, header, 0);
    const head = checkCacheHeader(header, plan.keyHex, shape);
    if ('reason' in head) return head;
    if (size !== head.fileBytes) return { reason: 'truncated or padded' };
    const bytes = new Uint8Array(size);
    bytes.set(header);
    await readFully(file, bytes.subarray(header.length), header.length);
    return { bytes, head };
  } catch (e) {
    return { reason: `unreadable: ${errorText(e)}` };
  } finally {
    await file.close();
  }
}

/** Fills `into` from the file at `position` (one read may return less); a file that ends early throws. */
async function readFully(file: { read(b: Uint8Array, o: number, l: number, p: number): Promise<{ bytesRead: number }> },
  into: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < into.length;) {
    const { bytesRead } = await file.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) throw new Error(`the file ended after ${position + done} bytes`);
    done += bytesRead;
  }
}

/** Writes the cache atomically; returns its size, or the reason it could not be written. */
export async function writeCache(plan: CachePlan, cache: CachedImages): Promise<{ bytes: number } | { error: string }> {
  const [fs, path] = await Promise.all([nodeFs(), nodePath()]);
  const bytes = await encodeCache(cache, plan.keyHex);
  try {
    await fs.mkdir(path.dirname(plan.path), { recursive: true });
    await removeDeadTemps(path.dirname(plan.path));
    await writeFileAtomic(plan.path, bytes);
    return { bytes: bytes.length };
  } catch (e) {
    return { error: errorText(e) };
  }
}

/** Removes temporary files left in `dir` by writers that no longer run (killed mid-write). */
async function removeDeadTemps(dir: string): Promise<void> {
  const fs = await nodeFs();
  for (const name of await fs.readdir(dir)) {
    const pid = tempWriterPid(name);
    if (pid !== null && !processAlive(pid)) await fs.rm(`${dir}/${name}`, { force: true }).catch(() => undefined);
  }
}
