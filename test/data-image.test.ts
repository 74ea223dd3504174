// Image decoding (every PNG colour type, JPEG, bad bytes), bilinear resize and grey conversion.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encode as encodePng } from 'fast-png';
import { decodeImage, sniffFormat } from '../src/data/image-decode.ts';
import { resizeBilinear, toGray, toModelInput } from '../src/data/image-ops.ts';
import { jpg, png, throwsWith } from './data-fixtures.ts';

const rgbAt = (x: number, y: number, c: number) => (x * 40 + y * 7 + c * 60) % 256;

test('PNG RGB and RGBA decode to the exact RGB values (alpha dropped)', async () => {
  for (const channels of [3, 4]) {
    const img = await decodeImage(png(5, 3, channels, (x, y, c) => (c === 3 ? 128 : rgbAt(x, y, c))), 'a.png');
    assert.is(img.width, 5);
    assert.is(img.height, 3);
    assert.is(img.channels, 3);
    for (let y = 0; y < 3; y++) for (let x = 0; x < 5; x++) for (let c = 0; c < 3; c++) {
      assert.is(img.data[(y * 5 + x) * 3 + c], rgbAt(x, y, c), `channels ${channels} (${x},${y},${c})`);
    }
  }
});

test('PNG grey and grey+alpha → RGB with the grey value in every channel', async () => {
  for (const channels of [1, 2]) {
    const img = await decodeImage(png(4, 2, channels, (x, y, c) => (c === 1 ? 7 : x * 50 + y)), 'g.png');
    for (let p = 0; p < 8; p++) {
      const v = (p % 4) * 50 + Math.floor(p / 4);
      assert.equal(Array.from(img.data.subarray(3 * p, 3 * p + 3)), [v, v, v], `channels ${channels} pixel ${p}`);
    }
  }
});

test('PNG 16-bit RGB rounds to v/257; 1-bit grey scales to 0/255', async () => {
  const d16 = Uint16Array.from([0, 257 * 200, 65535, 1000, 30000, 65534]);
  const img = await decodeImage(encodePng({ width: 2, height: 1, channels: 3, depth: 16, data: d16 }), 'deep.png');
  assert.equal(Array.from(img.data), [0, 200, 255, 4, 117, 255]);
  // 10 pixels of 1 bit: rows pad to 2 bytes. Bits 1011001110 → 0b10110011, 0b10000000.
  const packed = Uint8Array.from([0b10110011, 0b10000000]);
  const g = await decodeImage(encodePng({ width: 10, height: 1, channels: 1, depth: 1, data: packed }), 'bits.png');
  const bits = [1, 0, 1, 1, 0, 0, 1, 1, 1, 0];
  assert.equal(Array.from({ length: 10 }, (_, p) => g.data[3 * p]), bits.map((b) => b * 255));
});

test('PNG palette (8-bit and 2-bit indices) looks up the colours', async () => {
  const palette = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30]];
  const idx8 = Uint8Array.from([3, 2, 1, 0, 0, 1]);
  const a = await decodeImage(encodePng({ width: 3, height: 2, channels: 1, depth: 8, data: idx8, palette }), 'pal.png');
  assert.equal(Array.from(a.data), [10, 20, 30, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 0, 0, 0, 255, 0]);
  // 3 pixels of 2 bits per row, one byte per row: indices (3,2,1) then (0,0,1).
  const idx2 = Uint8Array.from([0b11100100, 0b00000100]);
  const b = await decodeImage(encodePng({ width: 3, height: 2, channels: 1, depth: 2, data: idx2, palette }), 'pal2.png');
  assert.equal(Array.from(b.data), Array.from(a.data));
});

test('JPEG decodes close to the encoded colours', async () => {
  const smooth = (x: number, y: number, c: number) => 40 + x * 6 + y * 3 + c * 30;
  const img = await decodeImage(jpg(16, 16, smooth), 'a.jpg');
  assert.is(img.width, 16);
  assert.is(img.channels, 3);
  let err = 0;
  for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) for (let c = 0; c < 3; c++) {
    err = Math.max(err, Math.abs(img.data[(y * 16 + x) * 3 + c] - smooth(x, y, c)));
  }
  assert.ok(err <= 4, `max JPEG error ${err}`);
});

test('format by magic bytes; bad and truncated files are errors naming the file', async () => {
  assert.is(sniffFormat(jpg(8, 8, () => 9)), 'jpeg');
  assert.is(sniffFormat(png(2, 2, 3, () => 9)), 'png');
  assert.is(sniffFormat(new TextEncoder().encode('GIF89a')), null);
  await throwsWith(() => decodeImage(new TextEncoder().encode('hello, world'), 'dir/notes.jpg'),
    "'dir/notes.jpg'", 'not a JPEG or PNG', '68 65 6c 6c');
  const j = jpg(32, 32, rgbAt);
  await throwsWith(() => decodeImage(j.subarray(0, 200), 'cut.jpg'), "cannot decode image 'cut.jpg' (jpeg)");
  const p = png(32, 32, 3, rgbAt);
  await throwsWith(() => decodeImage(p.subarray(0, 60), 'cut.png'), "cannot decode image 'cut.png' (png)");
  await throwsWith(() => decodeImage(new Uint8Array(0), 'empty.png'), "'empty.png'", '0 bytes');
});

test('resizeBilinear: a constant image stays constant, up and down', () => {
  const src = { width: 7, height: 5, channels: 3, data: new Uint8Array(7 * 5 * 3).fill(173) };
  for (const [h, w] of [[3, 4], [9, 11], [1, 1], [5, 7]]) {
    const out = resizeBilinear(src, h, w);
    assert.is(out.data.length, h * w * 3);
    assert.ok(out.data.every((v) => v === 173), `${h}×${w}`);
  }
});

test('resizeBilinear: 2×2 → 4×4 with half-pixel centres', () => {
  const out = resizeBilinear({ width: 2, height: 2, channels: 1, data: Uint8Array.from([0, 100, 200, 40]) }, 4, 4);
  assert.equal(Array.from(out.data), [
    0, 25, 75, 100,
    50, 59, 76, 85,
    150, 126, 79, 55,
    200, 160, 80, 40,
  ]);
  // 4×4 → 2×2 samples at source 0.5 and 2.5: the mean of each 2×2 block for a linear ramp.
  const ramp = Uint8Array.from({ length: 16 }, (_, i) => (i % 4) * 10 + Math.floor(i / 4) * 40);
  const down = resizeBilinear({ width: 4, height: 4, channels: 1, data: ramp }, 2, 2);
  assert.equal(Array.from(down.data), [25, 45, 105, 125]);
});

test('toGray (BT.601) and toModelInput (grey, resize, HWC → CHW)', async () => {
  const g = toGray({ width: 3, height: 1, channels: 3, data: Uint8Array.from([255, 0, 0, 0, 255, 0, 10, 10, 10]) });
  assert.equal(Array.from(g.data), [76, 150, 10]);
  const img = await decodeImage(png(2, 1, 3, (x, _y, c) => (x === 0 ? [1, 2, 3][c] : [4, 5, 6][c])), 'x.png');
  assert.equal(Array.from(toModelInput(img, [3, 1, 2])), [1, 4, 2, 5, 3, 6]);
  const grey = await decodeImage(png(2, 2, 1, () => 90), 'g.png');
  assert.equal(Array.from(toModelInput(grey, [1, 3, 3])), new Array(9).fill(90));
  assert.equal(Array.from(toModelInput(grey, [3, 1, 1])), [90, 90, 90]);
  assert.throws(() => toModelInput(grey, [2, 2, 2]), /1 or 3 channels, got 2/);
});

test.run();
