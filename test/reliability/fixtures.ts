// Shared by the test/reliability suites: a small trained-looking model and hand-edited model files
// with a valid checksum (error assertions and temporary folders: ../data-fixtures.ts; the `argon`
// command as a child process: ../cli-process.ts).
import { crc32, decodeModelFile } from '../../src/io/model-file.ts';
import { Affine, Conv, DataTransform, Dropout, Pooling, type Layer } from '../../src/layers/index.ts';
import { Logistic, Normalizer, Rectlin } from '../../src/nn/activations.ts';
import { Kaiming, Xavier } from '../../src/nn/initializers.ts';

/** Pixels/128 → Conv → pool (→ Dropout) → Affine head on [3, 8, 8]: 108 + 2·4·16 = 236 parameters. */
export function smallNet(opts: { dropout?: boolean } = {}): Layer[] {
  return [
    new DataTransform(new Normalizer({ divisor: 128 })),
    new Conv([3, 3, 4], { padding: 1, init: new Kaiming(), activation: new Rectlin() }),
    new Pooling(2, { op: 'max' }),
    ...(opts.dropout ? [new Dropout({ keep: 0.7 })] : []),
    new Affine(2, { init: new Xavier({ local: false }), activation: new Logistic({ shortcut: true }) }),
  ];
}

export type Header = Record<string, unknown> & { tensors: { name: string; shape: unknown; offset: unknown }[] };

/** The file with its JSON header changed by `edit`, payload kept, with a valid checksum (what an
 *  attacker or a careless hand edit produces). */
export function editHeader(bytes: Uint8Array, edit: (h: Header) => void): Uint8Array {
  const { header } = decodeModelFile<Header>(bytes);
  edit(header);
  return reencode(bytes, header);
}

/** Replaces the JSON header (an object, or JSON text) of a model file, keeping its payload, and
 *  fixes the CRC. */
export function reencode(bytes: Uint8Array, header: object | string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const oldLen = view.getUint32(8, true);
  const payload = bytes.subarray(Math.ceil((16 + oldLen) / 4) * 4);
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const padded = Math.ceil((16 + json.length) / 4) * 4;
  const out = new Uint8Array(padded + payload.length);
  out.set(bytes.subarray(0, 8));
  const dv = new DataView(out.buffer);
  dv.setUint32(8, json.length, true);
  out.set(json, 16);
  out.set(payload, padded);
  dv.setUint32(12, crc32(out.subarray(16)), true);
  return out;
}
