// Fashion-MNIST from IDX files compressed with gzip (Debian's dataset-fashion-mnist installs them
// in /usr/share/datasets/fashion-mnist). IDX: big-endian magic 0x00000803 (u8, 3 dims) for images,
// 0x00000801 for labels, then the dimension sizes, then the bytes.
import type { ArrayData } from './array-iterator.ts';
import type { DigitsData } from './mnist.ts';
import { errorCode, errorText, nodeFs, nodePath, nodeZlib } from './node-lazy.ts';

export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt',
  'Sneaker', 'Bag', 'Ankle boot'];

export interface LoadFashionMnistOptions {
  dir?: string;
  /** Read only the first `limit` samples of each split (the rest is not decompressed). */
  limit?: number;
}

export interface IdxArray {
  /** Dimensions as read (dim 0 cut to the limit). */
  dims: number[];
  /** Items the header announces. */
  count: number;
  data: Uint8Array;
}

/** Parses an (uncompressed) IDX of unsigned bytes; `limit` keeps the first items along dim 0. */
export function parseIdx(bytes: Uint8Array, ndims: number, name: string, limit?: number): IdxArray {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const want = 0x800 + ndims;
  if (bytes.length < 4 + 4 * ndims || dv.getUint32(0) !== want) {
    const got = bytes.length >= 4 ? `0x${dv.getUint32(0).toString(16).padStart(8, '0')}` : `${bytes.length} bytes`;
    throw new Error(`${name}: not an IDX file of ${ndims}-D unsigned bytes (magic ${got}, expected 0x${want.toString(16).padStart(8, '0')})`);
  }
  const dims = Array.from({ length: ndims }, (_, i) => dv.getUint32(4 + 4 * i));
  const n = limit === undefined ? dims[0] : Math.min(limit, dims[0]);
  const per = dims.slice(1).reduce((a, b) => a * b, 1);
  const start = 4 + 4 * ndims;
  if (bytes.length < start + n * per) {
    throw new Error(`${name}: truncated: the header says ${dims[0]} items of ${per} bytes, the file holds ${bytes.length - start} bytes`);
  }
  return { dims: [n, ...dims.slice(1)], count: dims[0], data: bytes.slice(start, start + n * per) };
}

/** Gunzips a file, stopping once `maxBytes` are out (when given); the rest is never inflated. */
async function gunzipFile(file: string, maxBytes: number | undefined): Promise<Uint8Array> {
  const [fs, zlib] = await Promise.all([nodeFs(), nodeZlib()]);
  const packed = await fs.readFile(file);
  if (maxBytes === undefined) return new Uint8Array(zlib.gunzipSync(packed));
  const chunks: Uint8Array[] = [];
  let have = 0;
  const gunzip = zlib.createGunzip();
  gunzip.end(packed);
  try {
    for await (const chunk of gunzip as AsyncIterable<Uint8Array>) {
      chunks.push(chunk);
      have += chunk.length;
      if (have >= maxBytes) break;
    }
  } finally {
    gunzip.destroy();
  }
  const out = new Uint8Array(have);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}

export async function loadFashionMnist(opts: LoadFashionMnistOptions = {}): Promise<DigitsData & { classNames: string[] }> {
  const dir = opts.dir ?? '/usr/share/datasets/fashion-mnist';
  const limit = opts.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) {
    throw new Error(`loadFashionMnist: limit must be a positive integer, got ${limit}`);
  }
  const path = await nodePath();
  const split = async (prefix: string): Promise<ArrayData> => {
    const imgFile = path.join(dir, `${prefix}-images-idx3-ubyte.gz`);
    const labFile = path.join(dir, `${prefix}-labels-idx1-ubyte.gz`);
    let imgBytes: Uint8Array, labBytes: Uint8Array;
    try {
      imgBytes = await gunzipFile(imgFile, limit === undefined ? undefined : 16 + limit * 784);
      labBytes = await gunzipFile(labFile, limit === undefined ? undefined : 8 + limit);
    } catch (e) {
      if (errorCode(e) === 'ENOENT') {
        throw new Error(`loadFashionMnist: no Fashion-MNIST files in '${dir}' (${errorText(e)}); on Debian/Ubuntu ` +
          'install them with `apt-get install dataset-fashion-mnist`, or pass { dir } to the folder holding ' +
          `${prefix}-images-idx3-ubyte.gz and ${prefix}-labels-idx1-ubyte.gz`);
      }
      throw new Error(`loadFashionMnist: cannot read '${imgFile}' or '${labFile}': ${errorText(e)}`);
    }
    const img = parseIdx(imgBytes, 3, imgFile, limit);
    const lab = parseIdx(labBytes, 1, labFile, limit);
    if (img.dims[1] !== 28 || img.dims[2] !== 28) {
      throw new Error(`${imgFile}: images are ${img.dims[1]}×${img.dims[2]}, expected 28×28`);
    }
    if (img.count !== lab.count || img.dims[0] !== lab.dims[0]) {
      throw new Error(`${dir}: ${img.count} images but ${lab.count} labels in the ${prefix} files`);
    }
    const y = Int32Array.from(lab.data);
    const bad = y.findIndex((v) => v > 9);
    if (bad >= 0) throw new Error(`${labFile}: label ${y[bad]} at index ${bad} is outside [0, 10)`);
    return { X: Float32Array.from(img.data), y };
  };
  const train = await split('train');
  const test = await split('t10k');
  return { train, test, lshape: [1, 28, 28], nclass: 10, classNames: [...FASHION_MNIST_CLASSES] };
}
