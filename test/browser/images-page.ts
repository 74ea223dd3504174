// The page side of test/data-browser.test.ts: the browser image loader over the files picked in
// the page's folder inputs, with results as plain arrays for page.evaluate.
import { imageToChw, loadImageFiles, loadImageManifest, type BrowserImages, type ImageShape } from '../../src/data/browser-images.ts';
import type { ImagesReply, ImagesRequest } from './images-worker.ts';

export interface Plain { X: number[]; y: number[]; classes: string[]; names: string[]; skipped: string[]; ignored: string[] }

export const plain = (d: BrowserImages): Plain => ({
  X: Array.from(d.X), y: Array.from(d.y), classes: d.classes, names: d.names, skipped: d.skipped, ignored: d.ignored,
});

const picked = (id: string): File[] => Array.from((document.getElementById(id) as HTMLInputElement).files ?? []);

/** The error message of a promise that should reject, or null. */
async function errorOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

const api = {
  files: async (id: string, lshape: ImageShape, skipBad: boolean) => plain(await loadImageFiles(picked(id), { lshape, skipBad })),
  filesError: (id: string, lshape: ImageShape) => errorOf(loadImageFiles(picked(id), { lshape })),
  manifest: async (id: string, lshape: ImageShape, opts: { skipBad?: boolean; split?: string; csvPath?: boolean } = {}) => {
    const files = picked(id);
    const csv = files.find((f) => f.name.endsWith('.csv'));
    if (!csv) throw new Error('no CSV picked');
    const run = loadImageManifest(await csv.text(), files, {
      lshape, skipBad: opts.skipBad, split: opts.split, csvPath: opts.csvPath === false ? undefined : csv.webkitRelativePath,
    });
    return errorOf(run).then(async (error) => error ?? plain(await run));
  },
  one: async (id: string, path: string, lshape: ImageShape) => {
    const file = picked(id).find((f) => f.webkitRelativePath === path);
    if (!file) throw new Error(`${path} not picked`);
    return Array.from(await imageToChw(file, lshape));
  },
  /** Files built in the page from bytes: no folder, type '' (images are known by extension). */
  fromBytes: async (items: { name: string; bytes: number[] }[], lshape: ImageShape) => {
    const files = items.map((i) => new File([new Uint8Array(i.bytes)], i.name));
    const run = loadImageFiles(files, { lshape, skipBad: true });
    return { result: plain(await run), blobError: await errorOf(imageToChw(new Blob([new Uint8Array([1, 2, 3])]), lshape)) };
  },
  inWorker: (id: string, lshape: ImageShape) => new Promise<ImagesReply>((ok, fail) => {
    const w = new Worker(new URL('./images-worker.js', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<ImagesReply>) => { w.terminate(); ok(e.data); };
    w.onerror = (e) => { w.terminate(); fail(new Error(e.message)); };
    const req: ImagesRequest = { files: picked(id), lshape };
    w.postMessage(req);
  }),
};

export type ImagesApi = typeof api;
(globalThis as { argonImages?: ImagesApi }).argonImages = api;
