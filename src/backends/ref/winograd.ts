// The Winograd, dense and directConvWeightGrad kernels' spec: the convolution they compute, straight from its definition
// (the kernels of conv-direct.ts), on the geometries they accept. Their arithmetic is the wasm
// backend's business; their values are these up to float32 rounding.
import type { DeviceBuffer } from '../backend.ts';
import type { KernelArgs, WindowGeometry } from '../../kernels.ts';
import { denseTaps, directEligible, winogradEligible } from '../../shape.ts';
import { convForward, convInputGrad, convWeightGrad } from './conv-direct.ts';

function check(kernel: string, g: WindowGeometry): void {
  if (!winogradEligible(g)) {
    throw new Error(`ref ${kernel}: Winograd F(2×2, 3×3) needs a 2-D 3×3 window with stride 1, got window ${g.window.join('×')} stride ${g.stride.join('×')} input ${g.inSize.join('×')}`);
  }
}

export function winogradForward(args: KernelArgs<DeviceBuffer>['winogradForward']): void {
  check('winogradForward', args.g);
  convForward(args);
}

export function winogradInputGrad(args: KernelArgs<DeviceBuffer>['winogradInputGrad']): void {
  check('winogradInputGrad', args.g);
  convInputGrad(args);
}

export function winogradWeightGrad(args: KernelArgs<DeviceBuffer>['winogradWeightGrad']): void {
  check('winogradWeightGrad', args.g);
  convWeightGrad(args);
}

export function directConvWeightGrad(args: KernelArgs<DeviceBuffer>['directConvWeightGrad']): void {
  if (!directEligible(args.g)) throw new Error(`ref directConvWeightGrad: needs a batch divisible by 4, got ${args.g.batch}`);
  convWeightGrad(args);
}

function checkDense(kernel: string, g: WindowGeometry): void {
  if (!denseTaps(g)) {
    throw new Error(`ref ${kernel}: needs a window that covers the whole input from every output position, got window ${g.window.join('×')} input ${g.inSize.join('×')} output ${g.outSize.join('×')}`);
  }
}

export function denseConvForward(args: KernelArgs<DeviceBuffer>['denseConvForward']): void {
  checkDense('denseConvForward', args.g);
  convForward(args);
}

export function denseConvInputGrad(args: KernelArgs<DeviceBuffer>['denseConvInputGrad']): void {
  checkDense('denseConvInputGrad', args.g);
  convInputGrad(args);
}

export function denseConvWeightGrad(args: KernelArgs<DeviceBuffer>['denseConvWeightGrad']): void {
  checkDense('denseConvWeightGrad', args.g);
  convWeightGrad(args);
}
