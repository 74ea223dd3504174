// The one model file format: a versioned, documented binary with no pickle and no code.
//
//   offset  size  content
//   0       4     magic "ARGN"
//   4       4     format version (uint32 LE), currently 1
//   8       4     header length H in bytes (uint32 LE)
//   12      4     CRC-32 of everything after this field (header + payload)
//   16      H     header: UTF-8 JSON (topology, tensor table, optimizer config, RNG state, epoch, …)
//   16+H    pad   zero bytes up to a multiple of 4
//   …       4·n   payload: float32 LE values; each tensor of the header's table names its offset
//                 (in values) and length
//
// Reading checks the magic, version, sizes and CRC before anything is used, so a truncated or
// corrupt file is an error, never a half-loaded model.

export const MAGIC = 'ARGN';
export const FORMAT_VERSION = 1;

export interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset in float32 values from the payload start. */
  offset: number;
}

export interface FileContents<H> {
  header: H;
  tensors: Map<string, { shape: number[]; values: Float32Array }>;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Serialises a JSON header plus named float32 tensors. The header gains a `tensors` table. */
export function encodeModelFile<H extends object>(header: H, tensors: { name: string; shape: number[]; values: ArrayLike<number> }[]): Uint8Array {
  let offset = 0;
  const table: TensorEntry[] = tensors.map((t) => {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.values.length) throw new Error(`model file: tensor '${t.name}' has ${t.values.length} values for shape [${t.shape.join(', ')}]`);
    const entry = { name: t.name, shape: t.shape, offset };
    offset += size;
    return entry;
  });
  const json = new TextEncoder().encode(JSON.stringify({ ...header, tensors: table }));
  const headerBytes = json.length, padded = Math.ceil((16 + headerBytes) / 4) * 4;
  const out = new Uint8Array(padded + offset * 4);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(4, FORMAT_VERSION, true);
  view.setUint32(8, headerBytes, true);
  out.set(json, 16);
  const payload = new Float32Array(offset);
  tensors.forEach((t, i) => payload.set(t.values, table[i].offset));
  // Float32Array is platform-endian; every engine Argon targets is little-endian, checked here.
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('model file: big-endian hosts are not supported');
  out.set(new Uint8Array(payload.buffer), padded);
  view.setUint32(12, crc32(out.subarray(16)), true);
  return out;
}

export function decodeModelFile<H>(bytes: Uint8Array, source = 'model file'): FileContents<H> {
  const fail = (why: string): never => { throw new Error(`${source}: not a valid Argon model file (${why})`); };
  if (bytes.length < 16) fail(`${bytes.length} bytes, shorter than the 16-byte preamble`);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) fail('wrong magic: expected "ARGN"');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== FORMAT_VERSION) fail(`format version ${version}; this release reads version ${FORMAT_VERSION}`);
  const headerBytes = view.getUint32(8, true);
  const padded = Math.ceil((16 + headerBytes) / 4) * 4;
  if (padded > bytes.length) fail(`truncated: the header needs ${16 + headerBytes} bytes, the file has ${bytes.length}`);
  if (crc32(bytes.subarray(16)) !== view.getUint32(12, true)) fail('checksum mismatch: the file is truncated or corrupt');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerBytes)));
  } catch (e) {
    return fail(`unreadable header: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail('the header is not a JSON object');
  const header = parsed as H & { tensors?: unknown };
  if (!Array.isArray(header.tensors)) fail('the header has no tensor table');
  const count = (bytes.length - padded) / 4;
  if (!Number.isInteger(count)) fail('payload length is not a whole number of float32 values');
  const table = (header.tensors as unknown[]).map((t, i) => checkEntry(t, i, count, fail));
  const payload = new Float32Array(bytes.slice(padded).buffer);
  const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const t of table) {
    if (tensors.has(t.name)) fail(`tensor '${t.name}' is listed twice`);
    tensors.set(t.name, { shape: t.shape, values: payload.subarray(t.offset, t.offset + sizeOfEntry(t.shape)) });
  }
  return { header, tensors };
}

const sizeOfEntry = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** One entry of the tensor table, every field checked (a hand-edited or hostile file names the
 *  entry and the field), and its values inside the payload. */
function checkEntry(t: unknown, i: number, count: number, fail: (why: string) => never): TensorEntry {
  if (typeof t !== 'object' || t === null || Array.isArray(t)) fail(`tensors[${i}] must be an object { name, shape, offset }, got ${JSON.stringify(t)}`);
  const e = t as Record<string, unknown>;
  if (typeof e.name !== 'string' || e.name === '') fail(`tensors[${i}]: field 'name' must be a non-empty string, got ${JSON.stringify(e.name)}`);
  const where = `tensor '${e.name as string}'`;
  const shape = e.shape;
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    fail(`${where}: field 'shape' must be a list of at most 8 non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Number.isSafeInteger(e.offset) || (e.offset as number) < 0) {
    fail(`${where}: field 'offset' must be a non-negative integer, got ${JSON.stringify(e.offset)}`);
  }
  const size = sizeOfEntry(shape as number[]), offset = e.offset as number;
  if (!(offset + size <= count)) {
    fail(`${where} (shape ${JSON.stringify(shape)}, offset ${offset}) lies outside the payload of ${count} values`);
  }
  return { name: e.name as string, shape: shape as number[], offset };
}
