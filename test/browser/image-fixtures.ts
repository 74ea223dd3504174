// Picked-folder fixtures for the browser image loader tests, written to a temporary folder (never
// into the repository): UTKFace-named PNGs and JPEGs with known pixels and a corrupt one, a
// class-per-subfolder tree, a CSV manifest, learnable synthetic "faces" for the demo, and, when
// ../shared/data/faces exists, 64 of its real photos with their manifest rows.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './harness.ts';
import { jpg, png, write } from '../data-fixtures.ts';
import { Random } from '../../src/random.ts';

export const FACES = join(REPO, '../shared/data/faces');

/** A fixture image: its file (relative to the picked folder's parent) and the pixels it encodes. */
export interface Known { path: string; w: number; h: number; rgb: (x: number, y: number, c: number) => number; jpeg: boolean }

/** HWC function → CHW bytes (the loader's layout). */
export function chw(k: Known): Uint8Array {
  const out = new Uint8Array(3 * k.h * k.w);
  for (let c = 0; c < 3; c++) for (let y = 0; y < k.h; y++) for (let x = 0; x < k.w; x++) out[(c * k.h + y) * k.w + x] = k.rgb(x, y, c);
  return out;
}

function noise(seed: number): (x: number, y: number, c: number) => number {
  const r = new Random(seed), v = Array.from({ length: 16 * 16 * 3 }, () => r.int(256));
  return (x, y, c) => v[(y * 16 + x) * 3 + c];
}

/** Flat 8×8 blocks: JPEG (quality 100, no chroma subsampling in jpeg-js) keeps them within a level or two. */
function blocks(seed: number): (x: number, y: number, c: number) => number {
  const r = new Random(seed), v = Array.from({ length: 4 * 3 }, () => 20 + r.int(216));
  return (x, y, c) => v[((y >> 3) * 2 + (x >> 3)) * 3 + c];
}

export const PHOTOS: Known[] = [
  { path: 'photos/25_0_0_20170109150557335.png', w: 16, h: 16, rgb: noise(1), jpeg: false },
  { path: 'photos/31_1_2_20170104165741203.png', w: 16, h: 16, rgb: noise(2), jpeg: false },
  { path: 'photos/40_0_1_20170110160643492.jpg', w: 16, h: 16, rgb: blocks(3), jpeg: true },
  { path: 'photos/22_1_3_20170116174525125.jpg.chip.jpg', w: 16, h: 16, rgb: blocks(4), jpeg: true },
];
export const CORRUPT = 'photos/50_1_0_20170117180555111.jpg';
/** Not UTKFace-named, at the folder's top: no label (ignored); used for resize checks. */
export const WIDE: Known = { path: 'photos/wide.png', w: 23, h: 13, rgb: (x, y, c) => (x * 11 + y * 17 + c * 70) % 256, jpeg: false };
export const PETS: Known[] = [
  { path: 'pets/cat/1.png', w: 16, h: 16, rgb: noise(5), jpeg: false },
  { path: 'pets/dog/2.png', w: 16, h: 16, rgb: noise(6), jpeg: false },
  { path: 'pets/cat/3.png', w: 16, h: 16, rgb: noise(7), jpeg: false },
  /** At the picked folder's top: no class folder, so ignored. */
  { path: 'pets/top.png', w: 16, h: 16, rgb: noise(12), jpeg: false },
];
/** listed/manifest.csv (path,label,split) over listed/images/; one row names a missing file. */
export const LISTED: Known[] = [
  { path: 'listed/images/a.png', w: 16, h: 16, rgb: noise(8), jpeg: false },
  { path: 'listed/images/b.png', w: 16, h: 16, rgb: noise(9), jpeg: false },
  { path: 'listed/other/a.png', w: 16, h: 16, rgb: noise(10), jpeg: false },
];
export const MANIFEST = 'path,label,split\nimages/a.png,2,train\n./images/b.png,0,train\nimages/gone.png,1,test\n';

function writeKnown(root: string, k: Known): void {
  const p = join(root, k.path);
  mkdirSync(join(p, '..'), { recursive: true });
  write(join(p, '..'), p.slice(p.lastIndexOf('/') + 1), k.jpeg ? jpg(k.w, k.h, k.rgb) : png(k.w, k.h, 3, k.rgb));
}

/** Writes photos/, pets/ and listed/ under `root`. */
export function writeFixtures(root: string): void {
  for (const k of [...PHOTOS, WIDE, ...PETS, ...LISTED]) writeKnown(root, k);
  write(join(root, 'photos'), CORRUPT.slice(7), 'this is not a JPEG file at all');
  write(join(root, 'photos'), 'notes.txt', 'not an image');
  write(join(root, 'listed'), 'manifest.csv', MANIFEST);
}

/**
 * `n` learnable 64×64 JPEG "faces" under root/demo/ with UTKFace names: males bright with a vertical
 * bar, females dark with a horizontal bar, plus noise; and one corrupt file.
 */
export function writeDemoFaces(root: string, n: number): string {
  const dir = join(root, 'demo');
  mkdirSync(dir, { recursive: true });
  const r = new Random(11);
  for (let i = 0; i < n; i++) {
    const gender = i % 2;
    const base = gender === 0 ? 170 : 80;
    const px = new Uint8Array(64 * 64 * 3).map(() => r.int(41));
    write(dir, `${20 + i}_${gender}_${i % 5}_2017011${i % 10}1${String(i).padStart(8, '0')}.jpg`, jpg(64, 64, (x, y, c) => {
      const bar = gender === 0 ? Math.abs(x - 32) < 8 : Math.abs(y - 32) < 8;
      return Math.min(255, base + (bar ? 60 : 0) - 20 + px[(y * 64 + x) * 3 + c]);
    }));
  }
  write(dir, '99_1_0_20170101000000000.jpg', new Uint8Array(300).fill(7));
  return dir;
}

/** Copies `n` real photos and their manifest rows to root/faces/ (manifest.csv: path,gender,split). */
export function copyRealFaces(root: string, n: number): { dir: string; rows: { path: string; label: number }[] } | null {
  const csv = join(FACES, 'manifest.csv');
  if (!existsSync(csv)) return null;
  const dir = join(root, 'faces');
  mkdirSync(join(dir, 'images'), { recursive: true });
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  const picked = lines.slice(1, n + 1);
  for (const line of picked) copyFileSync(join(FACES, line.split(',')[0]), join(dir, line.split(',')[0]));
  write(dir, 'manifest.csv', [lines[0], ...picked].join('\n') + '\n');
  return { dir, rows: picked.map((l) => ({ path: l.split(',')[0], label: Number(l.split(',')[1]) })) };
}
