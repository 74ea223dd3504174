// `node --import ./test/browser/no-gpujs.mjs …` runs as if gpu.js were not installed: a module
// resolve hook fails every import of it, as Node does for a missing package.
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === 'gpu.js' || specifier.startsWith('gpu.js/')) {
    const e = new Error("Cannot find package 'gpu.js' (hidden by test/browser/no-gpujs.mjs)");
    e.code = 'ERR_MODULE_NOT_FOUND';
    throw e;
  }
  return next(specifier, context);
}`));
