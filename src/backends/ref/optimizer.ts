// Optimizer steps, one parameter tensor in place (neon optimizer.py: GradientDescentMomentum
// :416-539, RMSProp :542-633, Adam :825-930).
import type { DeviceBuffer } from '../backend.ts';
import type { KernelArgs } from '../../kernels.ts';
import { floats } from './buffer.ts';

type Args<K extends keyof KernelArgs<DeviceBuffer>> = KernelArgs<DeviceBuffer>[K];

export function sgdUpdate({ w, g, v, n, lr, momentum, wdecay, gradScale, nesterov }: Args<'sgdUpdate'>): void {
  const W = floats(w, n, 'sgdUpdate w'), G = floats(g, n, 'sgdUpdate g');
  // With momentum 0 the velocity is neither read nor written (a caller may pass any float buffer).
  const V = momentum !== 0 ? floats(v, n, 'sgdUpdate v') : null;
  for (let i = 0; i < n; i++) {
    const gp = gradScale * G[i] + wdecay * W[i];
    if (!V) { W[i] = W[i] - lr * gp; continue; }
    V[i] = momentum * V[i] - lr * gp;
    W[i] += nesterov ? momentum * V[i] - lr * gp : V[i];
  }
}

export function adamUpdate({ w, g, m, v, n, lr, beta1, beta2, eps, gradScale, step }: Args<'adamUpdate'>): void {
  if (!Number.isInteger(step) || step < 1) throw new Error(`ref backend: adamUpdate step must be an integer ≥ 1, got ${step}`);
  const W = floats(w, n, 'adamUpdate w'), G = floats(g, n, 'adamUpdate g');
  const M = floats(m, n, 'adamUpdate m'), V = floats(v, n, 'adamUpdate v');
  const l = lr * Math.sqrt(1 - beta2 ** step) / (1 - beta1 ** step);
  for (let i = 0; i < n; i++) {
    const gp = gradScale * G[i];
    M[i] = beta1 * M[i] + (1 - beta1) * gp;
    V[i] = beta2 * V[i] + (1 - beta2) * gp * gp;
    W[i] -= l * M[i] / (Math.sqrt(V[i]) + eps);
  }
}

export function rmspropUpdate({ w, g, m, n, lr, decay, eps, gradScale }: Args<'rmspropUpdate'>): void {
  const W = floats(w, n, 'rmspropUpdate w'), G = floats(g, n, 'rmspropUpdate g'), M = floats(m, n, 'rmspropUpdate m');
  for (let i = 0; i < n; i++) {
    const gp = gradScale * G[i];
    M[i] = decay * M[i] + (1 - decay) * gp * gp;
    W[i] -= lr * gp / (Math.sqrt(M[i] + eps) + eps);
  }
}

export function adagradUpdate({ w, g, acc, n, lr, eps, gradScale }: Args<'adagradUpdate'>): void {
  const W = floats(w, n, 'adagradUpdate w'), G = floats(g, n, 'adagradUpdate g'), A = floats(acc, n, 'adagradUpdate acc');
  for (let i = 0; i < n; i++) {
    const gp = gradScale * G[i];
    A[i] += gp * gp;
    W[i] -= lr * gp / Math.sqrt(A[i] + eps);
  }
}
