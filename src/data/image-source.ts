// The seam between image data sets and the platform. Node reads files and decodes with jpeg-js and
// fast-png; a browser source (a later issue) reads File/URL bytes and decodes with
// createImageBitmap + OffscreenCanvas, and plugs in through the `source` option of the loaders.
import { decodeImage, type DecodedImage } from './image-decode.ts';
import { readRegularFile } from '../io/regular-file.ts';

export interface ImageSource {
  /** The bytes of one image; `path` is whatever the data set lists (a file path in Node). */
  read(path: string): Promise<Uint8Array>;
  /** Decodes to 8-bit RGB; failures are Errors naming `name`. Images above `maxPixels` are refused. */
  decode(bytes: Uint8Array, name: string, maxPixels?: number): Promise<DecodedImage>;
}

/** Larger image files are refused before reading (a JPEG or PNG at the pixel limit is far smaller). */
export const MAX_IMAGE_FILE_BYTES = 2 ** 30;

/** Node: regular files only (no devices or FIFOs), decoded in pure JS. */
export const nodeImageSource: ImageSource = {
  read(path: string): Promise<Uint8Array> {
    return readRegularFile(path, 'image', { maxBytes: MAX_IMAGE_FILE_BYTES, limitName: 'image files are read up to 1 GiB' });
  },
  decode: decodeImage,
};
