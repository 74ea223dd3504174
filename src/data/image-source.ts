// The seam between image data sets and the platform. Node reads files and decodes with jpeg-js and
// fast-png; a browser source (a later issue) reads File/URL bytes and decodes with
// createImageBitmap + OffscreenCanvas, and plugs in through the `source` option of the loaders.
import { decodeImage, type DecodedImage } from './image-decode.ts';
import { readRegularFile } from '../io/regular-file.ts';

export interface ImageSource {
  /** The bytes of one image; `path` is whatever the data set lists (a file path in Node). */
  read(path: string): Promise<Uint8Array>;
  /** Decodes to 8-bit RGB; failures are Errors naming `name`. */
  decode(bytes: Uint8Array, name: string): Promise<DecodedImage>;
}

/** Node: files read with fs, decoded in pure JS. */
export const nodeImageSource: ImageSource = {
  read(path: string): Promise<Uint8Array> {
    return readRegularFile(path, 'image');
  },
  decode: decodeImage,
};
