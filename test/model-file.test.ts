// The model file format: round trip, and clear errors for anything truncated or corrupt.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crc32, decodeModelFile, encodeModelFile } from '../src/io/model-file.ts';

const tensors = [
  { name: 'Conv_0.W', shape: [2, 1, 3, 3], values: Array.from({ length: 18 }, (_, i) => i / 7 - 1) },
  { name: 'BatchNorm_1.runVar', shape: [2], values: [0.25, 1.5] },
];

test('crc32 of a known string', () => {
  assert.is(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
});

test('round trip keeps the header and every tensor exactly', () => {
  const bytes = encodeModelFile({ format: 'argon-model', epoch: 3, topology: { type: 'Sequential' } }, tensors);
  const { header, tensors: back } = decodeModelFile<{ epoch: number; topology: { type: string } }>(bytes);
  assert.is(header.epoch, 3);
  assert.is(header.topology.type, 'Sequential');
  for (const t of tensors) {
    const b = back.get(t.name)!;
    assert.equal(b.shape, t.shape);
    assert.equal(Array.from(b.values), Array.from(Float32Array.from(t.values)));
  }
});

test('truncated, corrupt, foreign and future files are refused with a reason', () => {
  const bytes = encodeModelFile({ epoch: 1 }, tensors);
  const cases: [Uint8Array, string][] = [
    [bytes.slice(0, 10), 'shorter than the 16-byte preamble'],
    [bytes.slice(0, bytes.length - 4), 'checksum mismatch'],
    [(() => { const b = bytes.slice(); b[b.length - 1] ^= 0x40; return b; })(), 'checksum mismatch'],
    [(() => { const b = bytes.slice(); b[0] = 0x50; return b; })(), 'wrong magic'],
    [(() => { const b = bytes.slice(); b[4] = 9; return b; })(), 'format version 9'],
  ];
  for (const [b, why] of cases) {
    try {
      decodeModelFile(b, 'x.argon');
      assert.unreachable(`expected ${why}`);
    } catch (e) {
      const msg = (e as Error).message;
      assert.ok(msg.includes('x.argon') && msg.includes(why), msg);
    }
  }
});

test.run();
