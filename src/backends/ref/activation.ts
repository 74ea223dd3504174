// Activations and their gradients. Every gradient reads the forward OUTPUT y, as neon's
// Activation.bprop does (the output overwrote the input in place; nervanacpu.py:1927-1928).
import type { DeviceBuffer } from '../backend.ts';
import type { KernelArgs } from '../../kernels.ts';
import { floats } from './buffer.ts';

type Args<K extends keyof KernelArgs<DeviceBuffer>> = KernelArgs<DeviceBuffer>[K];

export function rectlin({ x, y, n, slope }: Args<'rectlin'>): void {
  const X = floats(x, n, 'rectlin x'), Y = floats(y, n, 'rectlin y');
  for (let i = 0; i < n; i++) Y[i] = Math.max(X[i], 0) + slope * Math.min(X[i], 0);
}

export function rectlinGrad({ y, dy, dx, n, slope }: Args<'rectlinGrad'>): void {
  const Y = floats(y, n, 'rectlinGrad y'), DY = floats(dy, n, 'rectlinGrad dy'), DX = floats(dx, n, 'rectlinGrad dx');
  for (let i = 0; i < n; i++) DX[i] = DY[i] * ((Y[i] > 0 ? 1 : 0) + (Y[i] < 0 ? slope : 0));
}

export function explin({ x, y, n, alpha }: Args<'explin'>): void {
  const X = floats(x, n, 'explin x'), Y = floats(y, n, 'explin y');
  for (let i = 0; i < n; i++) Y[i] = Math.max(X[i], 0) + alpha * (Math.exp(Math.min(X[i], 0)) - 1);
}

export function explinGrad({ y, dy, dx, n, alpha }: Args<'explinGrad'>): void {
  const Y = floats(y, n, 'explinGrad y'), DY = floats(dy, n, 'explinGrad dy'), DX = floats(dx, n, 'explinGrad dx');
  for (let i = 0; i < n; i++) DX[i] = DY[i] * ((Y[i] > 0 ? 1 : 0) + (Y[i] < 0 ? Y[i] + alpha : 0));
}

export function logistic({ x, y, n }: Args<'logistic'>): void {
  const X = floats(x, n, 'logistic x'), Y = floats(y, n, 'logistic y');
  for (let i = 0; i < n; i++) {
    const v = X[i];
    // e^−x overflows for very negative x; the other form only ever exponentiates a non-positive.
    if (v >= 0) Y[i] = 1 / (1 + Math.exp(-v));
    else { const e = Math.exp(v); Y[i] = e / (1 + e); }
  }
}

export function logisticGrad({ y, dy, dx, n }: Args<'logisticGrad'>): void {
  const Y = floats(y, n, 'logisticGrad y'), DY = floats(dy, n, 'logisticGrad dy'), DX = floats(dx, n, 'logisticGrad dx');
  for (let i = 0; i < n; i++) DX[i] = DY[i] * Y[i] * (1 - Y[i]);
}

export function tanh({ x, y, n }: Args<'tanh'>): void {
  const X = floats(x, n, 'tanh x'), Y = floats(y, n, 'tanh y');
  for (let i = 0; i < n; i++) Y[i] = Math.tanh(X[i]);
}

export function tanhGrad({ y, dy, dx, n }: Args<'tanhGrad'>): void {
  const Y = floats(y, n, 'tanhGrad y'), DY = floats(dy, n, 'tanhGrad dy'), DX = floats(dx, n, 'tanhGrad dx');
  for (let i = 0; i < n; i++) DX[i] = DY[i] * (1 - Y[i] * Y[i]);
}

/** Column n of x ([classes, batch]) is x[k·batch + n]. */
export function softmax({ x, y, classes, batch }: Args<'softmax'>): void {
  const X = floats(x, classes * batch, 'softmax x'), Y = floats(y, classes * batch, 'softmax y');
  const e = new Float64Array(classes);
  for (let n = 0; n < batch; n++) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, X[k * batch + n]);
    let total = 0;
    for (let k = 0; k < classes; k++) { e[k] = Math.exp(X[k * batch + n] - max); total += e[k]; }
    for (let k = 0; k < classes; k++) Y[k * batch + n] = e[k] / total;
  }
}

export function softmaxGrad({ y, dy, dx, classes, batch }: Args<'softmaxGrad'>): void {
  const len = classes * batch;
  const Y = floats(y, len, 'softmaxGrad y'), DY = floats(dy, len, 'softmaxGrad dy'), DX = floats(dx, len, 'softmaxGrad dx');
  for (let n = 0; n < batch; n++) {
    let dot = 0;
    for (let j = 0; j < classes; j++) dot += Y[j * batch + n] * DY[j * batch + n];
    for (let k = 0; k < classes; k++) DX[k * batch + n] = Y[k * batch + n] * (DY[k * batch + n] - dot);
  }
}
