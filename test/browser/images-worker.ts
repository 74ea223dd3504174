// The Web Worker side of test/data-browser.test.ts: the same loader with no DOM (OffscreenCanvas).
import { loadImageFiles } from '../../src/data/browser-images.ts';

export interface ImagesRequest { files: File[]; lshape: readonly [number, number, number] }
export type ImagesReply = { X: number[]; y: number[]; classes: string[]; skipped: string[]; document: boolean } | { error: string };

interface WorkerScope { postMessage(m: ImagesReply): void; onmessage: ((e: MessageEvent<ImagesRequest>) => void) | null }
const scope = globalThis as unknown as WorkerScope;

scope.onmessage = (e) => {
  loadImageFiles(e.data.files, { lshape: e.data.lshape, skipBad: true }).then(
    (d) => scope.postMessage({ X: Array.from(d.X), y: Array.from(d.y), classes: d.classes, skipped: d.skipped, document: 'document' in globalThis }),
    (err: unknown) => scope.postMessage({ error: err instanceof Error ? err.message : String(err) }),
  );
};
