// Node built-ins for the modules of src/data, from the platform seam ('#platform': src/platform/node.ts
// in Node, src/platform/browser.ts in browser bundles, where they fail with a clear error), so
// these modules can sit in a browser bundle: only the functions that touch files or gzip need Node.
export { nodeFs, nodePath, nodeOs, nodeZlib } from '#platform';

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
