// The Winograd kernels' spec: the convolution they compute, straight from its definition (the
// direct kernels of conv-direct.ts), on the windows they accept. Their arithmetic is the wasm
// backend's business; their values are these up to float32 rounding.
import type { DeviceBuffer } from '../backend.ts';
import type { KernelArgs, WindowGeometry } from '../../kernels.ts';
import { winogradEligible } from '../../shape.ts';
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
