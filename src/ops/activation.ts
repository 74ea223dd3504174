// Activations (neon activation.py). Their derivatives are evaluated from the forward OUTPUT,
// as neon's Activation.bprop does (nervanacpu.py:1927), so each grad kernel reads y, not x.
import { needsGrad, record } from '../autograd/mode.ts';
import type { KernelName } from '../kernels.ts';
import { Tensor } from '../tensor.ts';
import { backendOf } from './util.ts';

type Pointwise = 'rectlin' | 'explin' | 'logistic' | 'tanh';
const GRAD: Record<Pointwise, KernelName> = { rectlin: 'rectlinGrad', explin: 'explinGrad', logistic: 'logisticGrad', tanh: 'tanhGrad' };

function pointwise(kind: Pointwise, x: Tensor, param: number): Tensor {
  const backend = backendOf(kind, x);
  const y = Tensor.empty(backend, x.shape);
  const n = x.size;
  switch (kind) {
    case 'rectlin': backend.run('rectlin', { x: x.buf, y: y.buf, n, slope: param }); break;
    case 'explin': backend.run('explin', { x: x.buf, y: y.buf, n, alpha: param }); break;
    case 'logistic': backend.run('logistic', { x: x.buf, y: y.buf, n }); break;
    case 'tanh': backend.run('tanh', { x: x.buf, y: y.buf, n }); break;
  }
  if (!needsGrad(x)) return y;
  return record(y, {
    op: kind,
    inputs: [x],
    backward: (dy) => {
      const dx = Tensor.empty(backend, x.shape);
      const args = { y: y.buf, dy: dy.buf, dx: dx.buf, n };
      switch (GRAD[kind]) {
        case 'rectlinGrad': backend.run('rectlinGrad', { ...args, slope: param }); break;
        case 'explinGrad': backend.run('explinGrad', { ...args, alpha: param }); break;
        case 'logisticGrad': backend.run('logisticGrad', args); break;
        default: backend.run('tanhGrad', args);
      }
      return [dx];
    },
  });
}

/** max(x, 0) + slope·min(x, 0). */
export function rectlin(x: Tensor, slope = 0): Tensor {
  return pointwise('rectlin', x, slope);
}

/** ELU: max(x, 0) + alpha·(exp(min(x, 0)) − 1). */
export function explin(x: Tensor, alpha = 1): Tensor {
  return pointwise('explin', x, alpha);
}

/** 1 / (1 + e^−x), with its true derivative (the shortcut form is the fused cost op). */
export function logistic(x: Tensor): Tensor {
  return pointwise('logistic', x, 0);
}

export function tanh(x: Tensor): Tensor {
  return pointwise('tanh', x, 0);
}

/** Softmax over axis 0 (the classes) of x viewed as [classes, everything else]. */
export function softmax(x: Tensor): Tensor {
  const backend = backendOf('softmax', x);
  const classes = x.shape[0], batch = x.size / classes;
  const y = Tensor.empty(backend, x.shape);
  backend.run('softmax', { x: x.buf, y: y.buf, classes, batch });
  if (!needsGrad(x)) return y;
  return record(y, {
    op: 'softmax',
    inputs: [x],
    backward: (dy) => {
      const dx = Tensor.empty(backend, x.shape);
      backend.run('softmaxGrad', { y: y.buf, dy: dy.buf, dx: dx.buf, classes, batch });
      return [dx];
    },
  });
}
