// The Winograd, dense and directConvWeightGrad kernels' spec: the convolution they compute, straight
// from its definition (the kernels of conv-direct.ts), on the geometries they accept. Their
// arithmetic is the wasm backend's business; their values are these up to float32 rounding.
import type { DeviceBuffer } from '../backend.ts';
import type { KernelArgs, WindowGeometry } from '../../kernels.ts';
import { convWayMismatch, directEligible } from '../../shape.ts';
import { convForward, convInputGrad, convWeightGrad } from './conv-direct.ts';

/** `run` for the geometries `way` takes; any other is an error in the words every backend uses. */
function only<A extends { g: WindowGeometry }>(kernel: string, way: 'winograd' | 'dense', run: (args: A) => void): (args: A) => void {
  return (args) => {
    const why = convWayMismatch(way, args.g);
    if (why) throw new Error(`ref ${kernel}: ${why}`);
    run(args);
  };
}

type Args = KernelArgs<DeviceBuffer>;

export const winogradForward = only<Args['winogradForward']>('winogradForward', 'winograd', convForward);
export const winogradInputGrad = only<Args['winogradInputGrad']>('winogradInputGrad', 'winograd', convInputGrad);
export const winogradWeightGrad = only<Args['winogradWeightGrad']>('winogradWeightGrad', 'winograd', convWeightGrad);
export const denseConvForward = only<Args['denseConvForward']>('denseConvForward', 'dense', convForward);
export const denseConvInputGrad = only<Args['denseConvInputGrad']>('denseConvInputGrad', 'dense', convInputGrad);
export const denseConvWeightGrad = only<Args['denseConvWeightGrad']>('denseConvWeightGrad', 'dense', convWeightGrad);

export function directConvWeightGrad(args: Args['directConvWeightGrad']): void {
  if (!directEligible(args.g)) throw new Error(`ref directConvWeightGrad: needs a batch divisible by 4, got ${args.g.batch}`);
  convWeightGrad(args);
}
