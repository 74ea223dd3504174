// Node built-ins imported on first use (non-literal specifiers), so the modules of src/data can sit
// in a browser bundle: only the functions that touch files or gzip need Node.
type FsPromises = typeof import('node:fs/promises');
type PathModule = typeof import('node:path');
type OsModule = typeof import('node:os');
type ZlibModule = typeof import('node:zlib');

const cache = new Map<string, Promise<unknown>>();

function lazy<T>(spec: string): Promise<T> {
  let p = cache.get(spec);
  if (p === undefined) {
    p = import(spec) as Promise<unknown>;
    cache.set(spec, p);
  }
  return p as Promise<T>;
}

export const nodeFs = (): Promise<FsPromises> => lazy<FsPromises>('node:fs/promises');
export const nodePath = (): Promise<PathModule> => lazy<PathModule>('node:path');
export const nodeOs = (): Promise<OsModule> => lazy<OsModule>('node:os');
export const nodeZlib = (): Promise<ZlibModule> => lazy<ZlibModule>('node:zlib');

/** The message of an unknown thrown value. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The Node error code of a thrown value ('ENOENT', …), if any. */
export function errorCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const c = (e as { code: unknown }).code;
    return typeof c === 'string' ? c : undefined;
  }
  return undefined;
}
