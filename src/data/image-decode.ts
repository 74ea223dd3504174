// Pure-JS decoding of JPEG (jpeg-js) and PNG (fast-png) to 8-bit RGB, chosen by magic bytes. The
// decoders are imported on first use through the platform seam ('#platform'), so a browser bundle,
// which decodes with createImageBitmap, never pulls them in (platform.md part 2 §4).
import { importPackage } from '#platform';
import { checkImagePixels, DEFAULT_MAX_IMAGE_PIXELS } from './image-size.ts';

/** An 8-bit RGB image, row-major HWC. */
export interface DecodedImage {
  width: number;
  height: number;
  channels: 3;
  data: Uint8Array;
}

type JpegModule = typeof import('jpeg-js');
type PngModule = typeof import('fast-png');
type DecodedPng = import('fast-png').DecodedPng;

let jpegModule: Promise<JpegModule> | undefined;
let pngModule: Promise<PngModule> | undefined;

function loadJpeg(): Promise<JpegModule> {
  jpegModule ??= importPackage('jpeg-js', 'decodeImage') as Promise<JpegModule>;
  return jpegModule;
}

function loadPng(): Promise<PngModule> {
  pngModule ??= importPackage('fast-png', 'decodeImage') as Promise<PngModule>;
  return pngModule;
}

export type ImageFormat = 'jpeg' | 'png';

/** The format named by the first bytes (JPEG SOI FF D8 FF; the 8-byte PNG signature), else null. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'png';
  return null;
}

/** Decodes a JPEG or PNG to RGB; any failure is an Error that names the file. An image whose header
 *  claims more than `maxPixels` pixels is refused before decoding (image-size.ts). */
export async function decodeImage(bytes: Uint8Array, name: string, maxPixels = DEFAULT_MAX_IMAGE_PIXELS): Promise<DecodedImage> {
  const format = sniffFormat(bytes);
  if (format === null) {
    throw new Error(`cannot decode image '${name}': not a JPEG or PNG file ` +
      `(${bytes.length} bytes, starting ${hexStart(bytes)})`);
  }
  checkImagePixels(bytes, format, name, maxPixels);
  const decode = format === 'jpeg' ? decodeJpeg : decodePng;
  let img: DecodedImage;
  try {
    img = await decode(bytes);
  } catch (e) {
    throw new Error(`cannot decode image '${name}' (${format}): ${e instanceof Error ? e.message : String(e)}`);
  }
  if (img.width <= 0 || img.height <= 0 || img.data.length !== img.width * img.height * 3) {
    throw new Error(`cannot decode image '${name}' (${format}): bad size ${img.width}×${img.height}`);
  }
  return img;
}

function hexStart(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ') || '(nothing)';
}

async function decodeJpeg(bytes: Uint8Array): Promise<DecodedImage> {
  const jpeg = await loadJpeg();
  // tolerantDecoding is off so truncated files are errors, not grey bands.
  const out = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false });
  return { width: out.width, height: out.height, channels: 3, data: out.data };
}

async function decodePng(bytes: Uint8Array): Promise<DecodedImage> {
  const png = await loadPng();
  return pngToRgb(png.decode(bytes));
}

/**
 * Any PNG colour type and depth → 8-bit RGB. Alpha is dropped (as PIL's convert('RGB')), 16-bit
 * samples round to v/257, sub-byte grey scales to 0–255, palette indices look up their colour.
 * fast-png leaves depths below 8 packed, each row padded to whole bytes (PNG spec §7.2).
 */
export function pngToRgb(png: DecodedPng): DecodedImage {
  const { width, height, depth, channels } = png;
  const out = new Uint8Array(width * height * 3);
  const palette = png.palette;
  if (palette !== undefined && channels === 1) {
    const idx = unpackSamples(png, 1);
    for (let p = 0; p < width * height; p++) {
      const c = palette[idx[p]];
      if (c === undefined) throw new Error(`palette index ${idx[p]} outside the ${palette.length}-colour palette`);
      out[3 * p] = c[0]; out[3 * p + 1] = c[1]; out[3 * p + 2] = c[2];
    }
    return { width, height, channels: 3, data: out };
  }
  const maxv = (1 << depth) - 1;
  const v = unpackSamples(png, channels);
  const colour = channels >= 3;
  for (let p = 0; p < width * height; p++) {
    const base = p * channels;
    for (let c = 0; c < 3; c++) {
      const s = v[base + (colour ? c : 0)];
      out[3 * p + c] = depth === 8 ? s : Math.round((s * 255) / maxv);
    }
  }
  return { width, height, channels: 3, data: out };
}

/** Samples as one number per (pixel, channel), unpacked from sub-byte rows where needed. */
function unpackSamples(png: DecodedPng, channels: number): ArrayLike<number> {
  const { width, height, depth, data } = png;
  if (depth >= 8) {
    if (data.length < width * height * channels) throw new Error(`PNG data too short for ${width}×${height}`);
    return data;
  }
  const out = new Uint8Array(width * height * channels);
  const rowBytes = Math.ceil((width * channels * depth) / 8);
  if (data.length < rowBytes * height) throw new Error(`PNG data too short for ${width}×${height}`);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let k = 0; k < width * channels; k++) {
      const bit = k * depth;
      const byte = data[y * rowBytes + (bit >> 3)];
      out[y * width * channels + k] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}
