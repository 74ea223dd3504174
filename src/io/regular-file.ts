// Reading a file the user named, safely: only regular files are read. A directory, a FIFO, a socket
// or a device (`/dev/zero` never ends; a FIFO blocks until someone writes) is refused before a byte
// is read. The file is opened with O_NONBLOCK (a FIFO would otherwise block in open() itself) and
// checked with fstat on the open descriptor, so it cannot be swapped between the check and the read.
// Node only: node:fs comes through the platform seam ('#platform'), which browser builds replace.
import { nodeFs, type FsModule } from '#platform';

type FsPromises = FsModule;
const fsModule = (): Promise<FsPromises> => nodeFs('reading files (in a browser, pass bytes instead)');

export interface ReadLimits {
  /** Refuse files larger than this many bytes (before reading). */
  maxBytes?: number;
  /** How the limit is named in the error (an option or flag the user can change). */
  limitName?: string;
}

function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a plain file';
}

/** The bytes of `path`, a regular file; `what` names it in errors ('model file', 'image'). */
export async function readRegularFile(path: string, what: string, limits: ReadLimits = {}): Promise<Uint8Array> {
  const fs = await fsModule();
  const flags = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);
  let handle: Awaited<ReturnType<FsPromises['open']>>;
  try {
    handle = await fs.open(path, flags);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'EISDIR') throw new Error(`cannot read ${what} '${path}': it is a directory, not a file`);
    throw new Error(`cannot read ${what} '${path}': ${(e as Error).message}`);
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw new Error(`cannot read ${what} '${path}': it is a directory, not a file`);
    if (!st.isFile()) throw new Error(`cannot read ${what} '${path}': it is ${kindOf(st)}, not a regular file; only regular files are read`);
    if (limits.maxBytes !== undefined && st.size > limits.maxBytes) {
      throw new Error(`cannot read ${what} '${path}': it has ${st.size.toLocaleString('en-US')} bytes, above the limit of ` +
        `${limits.maxBytes.toLocaleString('en-US')}${limits.limitName ? ` (${limits.limitName})` : ''}`);
    }
    const buf = await handle.readFile();
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } finally {
    await handle.close();
  }
}
