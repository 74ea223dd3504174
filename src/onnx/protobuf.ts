// A minimal protocol-buffers wire-format writer and reader (https://protobuf.dev/programming-guides/encoding/),
// enough for ONNX's messages: varints (int64 included), 32-bit floats, length-delimited fields
// (strings, bytes, nested messages, packed repeated scalars). No schema, no reflection: the ONNX
// codec (codec.ts) knows the field numbers.
// Traps: negative int64 values are ten-byte varints (two's complement), which a JS number cannot
// shift, so they go through BigInt; bytes fields are kept as chunks so tensor payloads are never
// copied byte by byte while writing.

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

export class ProtoWriter {
  private parts: Uint8Array[] = [];
  private cur: number[] = [];
  /** Bytes written so far. */
  length = 0;

  private byte(b: number): void {
    this.cur.push(b);
    this.length++;
  }

  private flush(): void {
    if (this.cur.length) {
      this.parts.push(Uint8Array.from(this.cur));
      this.cur = [];
    }
  }

  varint(value: number | bigint): this {
    if (typeof value === 'number' && value >= 0 && value <= 0x7fffffff) {
      let v = value;
      while (v > 127) { this.byte((v & 127) | 128); v >>>= 7; }
      this.byte(v);
      return this;
    }
    let v = BigInt(value);
    if (v < 0n) v += 1n << 64n;
    if (v < 0n || v >= 1n << 64n) throw new Error(`protobuf: ${value} does not fit in 64 bits`);
    while (v > 127n) { this.byte(Number(v & 127n) | 128); v >>= 7n; }
    this.byte(Number(v));
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  int(field: number, value: number): this {
    if (!Number.isSafeInteger(value)) throw new Error(`protobuf: field ${field} needs an integer, got ${value}`);
    return this.tag(field, WIRE_VARINT).varint(value);
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_I32);
    const b = new Uint8Array(new Float32Array([value]).buffer);
    for (let i = 0; i < 4; i++) this.byte(b[i]);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WIRE_LEN).varint(data.length);
    this.flush();
    this.parts.push(data);
    this.length += data.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, textEncoder.encode(s));
  }

  /** A nested message written by `fill` into a fresh writer. */
  message(field: number, fill: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    fill(inner);
    inner.flush();
    this.tag(field, WIRE_LEN).varint(inner.length);
    this.flush();
    this.parts.push(...inner.parts);
    this.length += inner.length;
    return this;
  }

  /** A packed repeated varint field (int64s). */
  packedInts(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    return this.message(field, (w) => { for (const v of values) w.varint(v); });
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    return this.bytes(field, new Uint8Array(Float32Array.from(values).buffer));
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let p = 0;
    for (const part of this.parts) { out.set(part, p); p += part.length; }
    return out;
  }
}

/** One decoded field: its number, wire type and raw value (a varint as bigint when it exceeds 2^53). */
export type ProtoField =
  | { field: number; wire: typeof WIRE_VARINT; value: number }
  | { field: number; wire: typeof WIRE_I64; value: Uint8Array }
  | { field: number; wire: typeof WIRE_LEN; value: Uint8Array }
  | { field: number; wire: typeof WIRE_I32; value: Uint8Array };

/** Thrown for malformed or truncated input; the codec adds which message it was reading. */
export class ProtoError extends Error {}

export class ProtoReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array, private readonly base = 0) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  private fail(why: string): never {
    throw new ProtoError(`${why} at byte ${this.base + this.pos}`);
  }

  /** A varint as a number; int64 values are read as signed (two's complement). Values beyond 2^53
   *  in magnitude are an error (ONNX dims and attributes never need them). */
  varint(): number {
    let lo = 0, hi = 0, shift = 0;
    for (let i = 0; ; i++) {
      if (this.pos >= this.buf.length) this.fail('truncated varint');
      if (i >= 10) this.fail('varint longer than 10 bytes');
      const b = this.buf[this.pos++];
      if (shift < 28) lo |= (b & 127) << shift;
      else if (shift === 28) { lo |= (b & 15) << 28; hi |= (b & 127) >>> 4; }
      else hi |= (b & 127) << (shift - 32);
      shift += 7;
      if (!(b & 128)) break;
    }
    lo >>>= 0;
    if (hi & 0x80000000) {
      const value = -(Number(((~BigInt(hi) & 0xffffffffn) << 32n) | (~BigInt(lo) & 0xffffffffn)) + 1);
      if (!Number.isSafeInteger(value)) this.fail('integer below -2^53');
      return value;
    }
    const value = hi * 2 ** 32 + lo;
    if (!Number.isSafeInteger(value)) this.fail('integer above 2^53');
    return value;
  }

  private take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.buf.length) this.fail(`truncated: a field needs ${n} bytes, ${this.buf.length - this.pos} remain`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  next(): ProtoField {
    const key = this.varint();
    const field = Math.floor(key / 8), wire = key % 8;
    if (field === 0) this.fail('field number 0');
    switch (wire) {
      case WIRE_VARINT: return { field, wire, value: this.varint() };
      case WIRE_I64: return { field, wire, value: this.take(8) };
      case WIRE_LEN: return { field, wire, value: this.take(this.varint()) };
      case WIRE_I32: return { field, wire, value: this.take(4) };
      default: return this.fail(`unsupported wire type ${wire} (field ${field})`);
    }
  }

  /** Byte offset of the next field in the whole input, for nested readers' messages. */
  offset(): number {
    return this.base + this.pos;
  }
}

/** Reads every field of a message, calling `on` for each. */
export function readMessage(bytes: Uint8Array, base: number, on: (f: ProtoField, at: number) => void): void {
  const r = new ProtoReader(bytes, base);
  while (!r.done) {
    const f = r.next();
    on(f, r.offset() - (f.wire === WIRE_VARINT ? 0 : f.value.length));
  }
}

export function decodeString(bytes: Uint8Array): string {
  try {
    return textDecoder.decode(bytes);
  } catch {
    throw new ProtoError('a string field is not valid UTF-8');
  }
}

export function f32At(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0, true);
}

export function f64At(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true);
}

/** Repeated varints, packed (one length-delimited field) or not (one field each). */
export function readInts(f: ProtoField, into: number[]): void {
  if (f.wire === WIRE_VARINT) into.push(f.value);
  else if (f.wire === WIRE_LEN) {
    const r = new ProtoReader(f.value);
    while (!r.done) into.push(r.varint());
  } else throw new ProtoError(`field ${f.field}: expected integers, got wire type ${f.wire}`);
}

/** Repeated floats, packed or not. */
export function readFloats(f: ProtoField, into: number[]): void {
  if (f.wire === WIRE_I32) into.push(f32At(f.value));
  else if (f.wire === WIRE_LEN) {
    if (f.value.length % 4) throw new ProtoError(`field ${f.field}: packed floats of ${f.value.length} bytes`);
    for (let i = 0; i < f.value.length; i += 4) into.push(f32At(f.value.subarray(i, i + 4)));
  } else throw new ProtoError(`field ${f.field}: expected floats, got wire type ${f.wire}`);
}
