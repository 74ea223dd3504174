// The decoded-image cache file: every image of a data set, resized to [C, H, W], as 8-bit CHW, with
// the labels and the names of skipped (bad) files. Two SHA-256 hashes make it trustworthy:
// - the KEY hashes its source: the listing (a manifest's bytes, a folder's file list), the shape,
//   split and limit, and each image's path, size and mtime, so a changed CSV or image rebuilds it;
// - the CONTENT hash covers everything after the header, so an edited or truncated file (a cached
//   label changed to 5 once trained a 6-class model) is detected and rebuilt, never used.
//
// Layout (little-endian): 'ARGNIMG2', u32 version, u32 C, H, W, u32 count, u32 skipped-JSON bytes,
// 32-byte key, 32-byte content hash, count × i32 labels, skipped JSON (UTF-8 array of names),
// count·C·H·W pixels.

export interface CachedImages {
  shape: readonly [number, number, number];
  labels: Int32Array;
  /** count × C·H·W, sample-major CHW. */
  pixels: Uint8Array;
  /** Files that failed to read or decode (skipBad). */
  skipped: string[];
}

const MAGIC = 'ARGNIMG2';
const VERSION = 2;
/** The fixed header's size: checkCacheHeader needs this many bytes. */
export const CACHE_HEADER_BYTES = 96;
const HEADER = CACHE_HEADER_BYTES;

/** SHA-256 of the parts (each followed by a 0 byte), as hex (WebCrypto: Node ≥ 20 and browsers). */
export async function sha256Hex(...parts: (string | Uint8Array)[]): Promise<string> {
  const enc = new TextEncoder();
  const bytes = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p));
  const all = new Uint8Array(bytes.reduce((a, b) => a + b.length + 1, 0));
  let o = 0;
  for (const b of bytes) { all.set(b, o); o += b.length + 1; }
  return digestHex(all);
}

async function digestHex(bytes: Uint8Array): Promise<string> {
  // Node Buffers and fresh arrays are backed by plain ArrayBuffers, which WebCrypto takes.
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

const hexAt = (bytes: Uint8Array, at: number): string =>
  Array.from(bytes.subarray(at, at + 32), (b) => b.toString(16).padStart(2, '0')).join('');

function putHex(out: Uint8Array, at: number, hex: string): void {
  for (let i = 0; i < 32; i++) out[at + i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
}

export async function encodeCache(c: CachedImages, keyHex: string): Promise<Uint8Array> {
  const [C, H, W] = c.shape;
  const count = c.labels.length;
  const skippedJson = new TextEncoder().encode(JSON.stringify(c.skipped));
  const out = new Uint8Array(HEADER + 4 * count + skippedJson.length + c.pixels.length);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  [VERSION, C, H, W, count, skippedJson.length].forEach((v, i) => dv.setUint32(8 + 4 * i, v, true));
  putHex(out, 32, keyHex);
  for (let i = 0; i < count; i++) dv.setInt32(HEADER + 4 * i, c.labels[i], true);
  out.set(skippedJson, HEADER + 4 * count);
  out.set(c.pixels, HEADER + 4 * count + skippedJson.length);
  putHex(out, 64, await digestHex(out.subarray(HEADER)));
  return out;
}

/** What a cache's header says about the rest of the file. */
export interface CacheHeader {
  count: number;
  skippedLength: number;
  /** The whole file's size in bytes. */
  fileBytes: number;
}

/** The header's counts when `header` (the file's first CACHE_HEADER_BYTES bytes, or more) starts a
 *  cache of this version, `shape` and `keyHex`; else why it cannot be used. Reading only the
 *  header first means a stale cache costs 96 bytes of reading, not the whole file. */
export function checkCacheHeader(header: Uint8Array, keyHex: string, shape: readonly [number, number, number]): CacheHeader | { reason: string } {
  if (header.length < HEADER) return { reason: `${header.length} bytes, shorter than the header` };
  for (let i = 0; i < 8; i++) if (header[i] !== MAGIC.charCodeAt(i)) return { reason: 'not an Argon image cache of this version' };
  const dv = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const [version, C, H, W, count, skippedLength] = [0, 1, 2, 3, 4, 5].map((i) => dv.getUint32(8 + 4 * i, true));
  if (version !== VERSION) return { reason: `version ${version}` };
  if (C !== shape[0] || H !== shape[1] || W !== shape[2]) return { reason: `made for ${C}x${H}x${W}` };
  if (hexAt(header, 32) !== keyHex) return { reason: 'its data set changed (manifest, image sizes or times)' };
  return { count, skippedLength, fileBytes: HEADER + 4 * count + skippedLength + count * C * H * W };
}

/** The cache held in `bytes` (the whole file, head.fileBytes long), whose header checkCacheHeader
 *  passed as `head`, or why it cannot be used (edited, malformed). */
export async function decodeCache(bytes: Uint8Array, head: CacheHeader,
  shape: readonly [number, number, number]): Promise<CachedImages | { reason: string }> {
  const { count } = head;
  if (hexAt(bytes, 64) !== await digestHex(bytes.subarray(HEADER))) return { reason: 'its contents were changed (checksum mismatch)' };
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) labels[i] = dv.getInt32(HEADER + 4 * i, true);
  const pixelsAt = HEADER + 4 * count + head.skippedLength;
  let skipped: unknown;
  try {
    skipped = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER + 4 * count, pixelsAt)));
  } catch {
    return { reason: 'unreadable list of skipped files' };
  }
  if (!Array.isArray(skipped) || !skipped.every((s) => typeof s === 'string')) return { reason: 'malformed list of skipped files' };
  return { shape, labels, pixels: bytes.subarray(pixelsAt), skipped: skipped as string[] };
}
