// A small image data set on disk for the CLI suites: 40 8×8 PNGs in data/img and a 32-row training
// manifest, trained with fcnn1 on 3x8x8 in a fraction of a second per epoch.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { randomArray } from '../helpers.ts';

export interface CliData { data: string; train: string; csv(name: string, rows: string[]): string; rows(from: number, to: number): string[] }

export function makeCliData(dir: string): CliData {
  const data = join(dir, 'data');
  mkdirSync(join(data, 'img'), { recursive: true });
  const noise = randomArray(40 * 192, 3, 0, 255);
  for (let i = 0; i < 40; i++) {
    const px = Uint8Array.from(noise.subarray(i * 192, (i + 1) * 192), (v) => Math.floor(v) | (i % 2 ? 128 : 0));
    writeFileSync(join(data, 'img', `${i}.png`), encode({ width: 8, height: 8, channels: 3, depth: 8, data: px }));
  }
  const csv = (name: string, rows: string[]) => {
    writeFileSync(join(data, name), `path,label\n${rows.join('\n')}\n`);
    return join(data, name);
  };
  const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => `img/${from + k}.png,${(from + k) % 2}`);
  return { data, train: csv('train.csv', rows(0, 32)), csv, rows };
}

/** `argon train` flags for a quick run on the fixture. */
export const QUICK = ['--model', 'fcnn1', '--input', '3x8x8', '--batch-size', '16', '--quiet'];
