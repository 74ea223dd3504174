// Activations and their gradients (from the forward OUTPUT y, as neon does), 4 values per
// invocation. Softmax over the class axis is in softmax.ts.
import { buf, type WebglKernel } from './common.ts';
import { runMap, type MapOp } from './map.ts';

const RECTLIN: MapOp = { name: 'rectlin', inputs: ['x'], scalars: ['slope'], expr: 'max(vx, 0.0) + slope * min(vx, 0.0)' };
const RECTLIN_GRAD: MapOp = {
  name: 'rectlinGrad', inputs: ['y', 'dy'], scalars: ['slope'],
  expr: 'vdy * (vec4(greaterThan(vy, vec4(0.0))) + slope * vec4(lessThan(vy, vec4(0.0))))',
};
const EXPLIN: MapOp = { name: 'explin', inputs: ['x'], scalars: ['alpha'], expr: 'max(vx, 0.0) + alpha * (exp(min(vx, 0.0)) - 1.0)' };
const EXPLIN_GRAD: MapOp = {
  name: 'explinGrad', inputs: ['y', 'dy'], scalars: ['alpha'],
  expr: 'vdy * (vec4(greaterThan(vy, vec4(0.0))) + vec4(lessThan(vy, vec4(0.0))) * (vy + alpha))',
};
/** Exponentiates only −|x|, so it cannot overflow. */
const LOGISTIC: MapOp = {
  name: 'logistic', inputs: ['x'], expr: 'sigmoid4(vx)',
  helpers: `
vec4 sigmoid4(vec4 v) {
  vec4 e = exp(-abs(v));
  return mix(e / (1.0 + e), 1.0 / (1.0 + e), greaterThanEqual(v, vec4(0.0)));
}`,
};
const LOGISTIC_GRAD: MapOp = { name: 'logisticGrad', inputs: ['y', 'dy'], expr: 'vdy * vy * (1.0 - vy)' };
/** tanh from e^(−2|x|) ≤ 1 (GLSL's tanh may give NaN for large |x| on some drivers); the
 *  polynomial near 0 avoids the cancellation of 1 − e^(−2|x|). */
const TANH: MapOp = {
  name: 'tanh', inputs: ['x'], expr: 'tanh4(vx)',
  helpers: `
vec4 tanh4(vec4 v) {
  vec4 a = abs(v);
  vec4 v2 = v * v;
  vec4 near = v * (1.0 + v2 * (-0.3333333333 + v2 * (0.1333333333 - v2 * 0.0539682540)));
  vec4 e = exp(-2.0 * a);
  vec4 far = sign(v) * (1.0 - e) / (1.0 + e);
  return mix(far, near, lessThan(a, vec4(0.125)));
}`,
};
const TANH_GRAD: MapOp = { name: 'tanhGrad', inputs: ['y', 'dy'], expr: 'vdy * (1.0 - vy * vy)' };

export const rectlin: WebglKernel<'rectlin'> = (rt, { x, y, n, slope }) => {
  if (n > 0) runMap(rt, RECTLIN, buf(y, n, 'rectlin y'), n, [buf(x, n, 'rectlin x')], [slope]);
};

export const rectlinGrad: WebglKernel<'rectlinGrad'> = (rt, { y, dy, dx, n, slope }) => {
  if (n > 0) runMap(rt, RECTLIN_GRAD, buf(dx, n, 'rectlinGrad dx'), n, [buf(y, n, 'rectlinGrad y'), buf(dy, n, 'rectlinGrad dy')], [slope]);
};

export const explin: WebglKernel<'explin'> = (rt, { x, y, n, alpha }) => {
  if (n > 0) runMap(rt, EXPLIN, buf(y, n, 'explin y'), n, [buf(x, n, 'explin x')], [alpha]);
};

export const explinGrad: WebglKernel<'explinGrad'> = (rt, { y, dy, dx, n, alpha }) => {
  if (n > 0) runMap(rt, EXPLIN_GRAD, buf(dx, n, 'explinGrad dx'), n, [buf(y, n, 'explinGrad y'), buf(dy, n, 'explinGrad dy')], [alpha]);
};

export const logistic: WebglKernel<'logistic'> = (rt, { x, y, n }) => {
  if (n > 0) runMap(rt, LOGISTIC, buf(y, n, 'logistic y'), n, [buf(x, n, 'logistic x')]);
};

export const logisticGrad: WebglKernel<'logisticGrad'> = (rt, { y, dy, dx, n }) => {
  if (n > 0) runMap(rt, LOGISTIC_GRAD, buf(dx, n, 'logisticGrad dx'), n, [buf(y, n, 'logisticGrad y'), buf(dy, n, 'logisticGrad dy')]);
};

export const tanh: WebglKernel<'tanh'> = (rt, { x, y, n }) => {
  if (n > 0) runMap(rt, TANH, buf(y, n, 'tanh y'), n, [buf(x, n, 'tanh x')]);
};

export const tanhGrad: WebglKernel<'tanhGrad'> = (rt, { y, dy, dx, n }) => {
  if (n > 0) runMap(rt, TANH_GRAD, buf(dx, n, 'tanhGrad dx'), n, [buf(y, n, 'tanhGrad y'), buf(dy, n, 'tanhGrad dy')]);
};
