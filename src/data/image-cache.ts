// The decoded-image cache file: every image of a data set, resized to [C, H, W], as 8-bit CHW,
// with the labels and the names of skipped (bad) files. It is keyed by a SHA-256 of the data set's
// listing (the CSV's bytes, or a folder's file list) plus the shape, split and limit, so a changed
// CSV rebuilds it; changing an image's bytes without touching the listing does not (delete the file).
//
// Layout (little-endian): 'ARGNIMG1', u32 version, u32 C, H, W, u32 count, u32 skipped-JSON bytes,
// 32-byte key, count × i32 labels, skipped JSON (UTF-8 array of names), count·C·H·W pixels.
import { errorCode, nodeFs, nodeOs, nodePath } from './node-lazy.ts';

export interface CachedImages {
  shape: readonly [number, number, number];
  labels: Int32Array;
  /** count × C·H·W, sample-major CHW. */
  pixels: Uint8Array;
  /** Files that failed to read or decode (skipBad). */
  skipped: string[];
}

const MAGIC = 'ARGNIMG1';
const VERSION = 1;
const HEADER = 64;

/** SHA-256 of the parts, as hex (WebCrypto: Node ≥ 20 and browsers). */
export async function sha256Hex(...parts: (string | Uint8Array)[]): Promise<string> {
  const enc = new TextEncoder();
  const bytes = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p));
  const all = new Uint8Array(bytes.reduce((a, b) => a + b.length + 1, 0));
  let o = 0;
  for (const b of bytes) { all.set(b, o); o += b.length + 1; }
  const digest = await globalThis.crypto.subtle.digest('SHA-256', all);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function encodeCache(c: CachedImages, keyHex: string): Uint8Array {
  const [C, H, W] = c.shape;
  const count = c.labels.length;
  const skippedJson = new TextEncoder().encode(JSON.stringify(c.skipped));
  const out = new Uint8Array(HEADER + 4 * count + skippedJson.length + c.pixels.length);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  [VERSION, C, H, W, count, skippedJson.length].forEach((v, i) => dv.setUint32(8 + 4 * i, v, true));
  for (let i = 0; i < 32; i++) out[32 + i] = parseInt(keyHex.slice(2 * i, 2 * i + 2), 16);
  for (let i = 0; i < count; i++) dv.setInt32(HEADER + 4 * i, c.labels[i], true);
  out.set(skippedJson, HEADER + 4 * count);
  out.set(c.pixels, HEADER + 4 * count + skippedJson.length);
  return out;
}

/** The cache held in `bytes`, or null when it is for another key or shape, or malformed. */
export function decodeCache(bytes: Uint8Array, keyHex: string,
  shape: readonly [number, number, number]): CachedImages | null {
  if (bytes.length < HEADER) return null;
  for (let i = 0; i < 8; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [version, C, H, W, count, skippedLen] = [0, 1, 2, 3, 4, 5].map((i) => dv.getUint32(8 + 4 * i, true));
  if (version !== VERSION || C !== shape[0] || H !== shape[1] || W !== shape[2]) return null;
  for (let i = 0; i < 32; i++) {
    if (bytes[32 + i] !== parseInt(keyHex.slice(2 * i, 2 * i + 2), 16)) return null;
  }
  const pixelsAt = HEADER + 4 * count + skippedLen;
  if (bytes.length !== pixelsAt + count * C * H * W) return null;
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) labels[i] = dv.getInt32(HEADER + 4 * i, true);
  let skipped: unknown;
  try {
    skipped = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER + 4 * count, pixelsAt)));
  } catch {
    return null;
  }
  if (!Array.isArray(skipped) || !skipped.every((s) => typeof s === 'string')) return null;
  return { shape, labels, pixels: bytes.subarray(pixelsAt), skipped: skipped as string[] };
}

/**
 * Where the cache of `listing` (a CSV file or a folder) lives: `<listing><suffix>` when its folder
 * is writable, else under os.tmpdir()/argon-cache. A folder without write bits counts as read-only
 * even for root (who may write anyway), so shared read-only data is never written to.
 */
export async function cacheCandidates(listing: string, suffix: string): Promise<{ write: string; read: string[] }> {
  const [fs, path, os] = await Promise.all([nodeFs(), nodePath(), nodeOs()]);
  const abs = path.resolve(listing);
  const beside = abs + suffix;
  const inTmp = path.join(os.tmpdir(), 'argon-cache',
    `${(await sha256Hex(abs)).slice(0, 16)}-${path.basename(abs)}${suffix}`);
  let writable = false;
  try {
    const dir = path.dirname(beside);
    const st = await fs.stat(dir);
    await fs.access(dir, fs.constants.W_OK);
    writable = (st.mode & 0o222) !== 0;
  } catch {
    writable = false;
  }
  return { write: writable ? beside : inTmp, read: [beside, inTmp] };
}

/** Reads the first of `paths` that holds a cache for this key and shape. */
export async function readCacheFile(paths: string[], keyHex: string,
  shape: readonly [number, number, number]): Promise<{ cache: CachedImages; path: string } | null> {
  const fs = await nodeFs();
  for (const p of paths) {
    let buf: Uint8Array;
    try {
      const b = await fs.readFile(p);
      buf = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      if (errorCode(e) === 'ENOENT' || errorCode(e) === 'EACCES') continue;
      throw e;
    }
    const cache = decodeCache(buf, keyHex, shape);
    if (cache !== null) return { cache, path: p };
  }
  return null;
}

/** Writes atomically (temp file + rename); returns false instead of throwing when it cannot. */
export async function writeCacheFile(file: string, bytes: Uint8Array): Promise<boolean> {
  const [fs, path] = await Promise.all([nodeFs(), nodePath()]);
  const tmp = `${file}.${Date.now()}-${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, file);
    return true;
  } catch {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    return false;
  }
}
