// An image's width and height from its header, so an image above the pixel limit is refused before
// it is decoded: a 40-byte PNG can claim 100000×100000 pixels (30 GB of RGB) and decoders allocate
// what the header says. PNG: the IHDR chunk right after the signature (PNG spec §11.2.2). JPEG: the
// first start-of-frame marker (SOF0–SOF15 except DHT C4, JPG C8, DAC CC), found by walking the
// marker segments from SOI (ITU T.81 §B.1.1.3, B.2.2).

/** Pixels an image may have: 2²⁶ = 67,108,864 (an 8192×8192 photo), about 200 MB as 8-bit RGB. */
export const DEFAULT_MAX_IMAGE_PIXELS = 2 ** 26;

export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}

export function jpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) { at++; continue; } // fill byte
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { at += 2; continue; } // no length
    if (marker === 0xd9 || marker === 0xda) return null; // end of image, or scan data before any frame header
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (at + 9 > bytes.length) return null;
      return { height: (bytes[at + 5] << 8) | bytes[at + 6], width: (bytes[at + 7] << 8) | bytes[at + 8] };
    }
    at += 2 + length;
  }
  return null;
}

/** Throws when the image's header claims more than `maxPixels` pixels (a header that cannot be
 *  read is left to the decoder, which names its own error). */
export function checkImagePixels(bytes: Uint8Array, format: 'jpeg' | 'png', name: string, maxPixels = DEFAULT_MAX_IMAGE_PIXELS): void {
  const size = format === 'png' ? pngSize(bytes) : jpegSize(bytes);
  if (size === null) return;
  const pixels = size.width * size.height;
  if (pixels > maxPixels) {
    throw new Error(`image '${name}' is ${size.width}×${size.height} = ${pixels.toLocaleString('en-US')} pixels, above the limit of ` +
      `${maxPixels.toLocaleString('en-US')} (maxImagePixels); it was not decoded`);
  }
}
