import type { DeviceBuffer } from '../backend.ts';
import type { KernelArgs } from '../../kernels.ts';
import { floats } from './buffer.ts';

type Args<K extends keyof KernelArgs<DeviceBuffer>> = KernelArgs<DeviceBuffer>[K];

export function biasAdd({ x, bias, y, channels, inner }: Args<'biasAdd'>): void {
  const X = floats(x, channels * inner, 'biasAdd x');
  const b = floats(bias, channels, 'biasAdd bias');
  const Y = floats(y, channels * inner, 'biasAdd y');
  for (let c = 0; c < channels; c++) {
    for (let j = 0; j < inner; j++) Y[c * inner + j] = X[c * inner + j] + b[c];
  }
}

export function biasGrad({ dy, db, channels, inner }: Args<'biasGrad'>): void {
  const DY = floats(dy, channels * inner, 'biasGrad dy');
  const DB = floats(db, channels, 'biasGrad db');
  for (let c = 0; c < channels; c++) {
    let s = 0;
    for (let j = 0; j < inner; j++) s += DY[c * inner + j];
    DB[c] = s;
  }
}

export function axpby({ x, y, out, n, a, b }: Args<'axpby'>): void {
  const X = floats(x, n, 'axpby x'), Y = floats(y, n, 'axpby y'), O = floats(out, n, 'axpby out');
  for (let i = 0; i < n; i++) O[i] = a * X[i] + b * Y[i];
}

export function mul({ x, y, out, n }: Args<'mul'>): void {
  const X = floats(x, n, 'mul x'), Y = floats(y, n, 'mul y'), O = floats(out, n, 'mul out');
  for (let i = 0; i < n; i++) O[i] = X[i] * Y[i];
}

export function scale({ x, out, n, alpha }: Args<'scale'>): void {
  const X = floats(x, n, 'scale x'), O = floats(out, n, 'scale out');
  for (let i = 0; i < n; i++) O[i] = alpha * X[i];
}

export function fill({ x, n, value }: Args<'fill'>): void {
  floats(x, n, 'fill x').fill(value, 0, n);
}

export function sum({ x, out, n }: Args<'sum'>): void {
  const X = floats(x, n, 'sum x'), O = floats(out, 1, 'sum out');
  let s = 0;
  for (let i = 0; i < n; i++) s += X[i];
  O[0] = s;
}

export function sumSquares({ x, out, n }: Args<'sumSquares'>): void {
  const X = floats(x, n, 'sumSquares x'), O = floats(out, 1, 'sumSquares out');
  let s = 0;
  for (let i = 0; i < n; i++) s += X[i] * X[i];
  O[0] = s;
}

export function clip({ x, out, n, limit }: Args<'clip'>): void {
  const X = floats(x, n, 'clip x'), O = floats(out, n, 'clip out');
  for (let i = 0; i < n; i++) O[i] = Math.min(Math.max(X[i], -limit), limit);
}

export function copy({ x, out, n, xOffset, outOffset }: Args<'copy'>): void {
  const X = floats(x, xOffset + n, 'copy x'), O = floats(out, outOffset + n, 'copy out');
  for (let i = 0; i < n; i++) O[outOffset + i] = X[xOffset + i];
}
