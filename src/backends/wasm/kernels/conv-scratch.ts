// Scratch bytes of one call of a convolution kernel on the wasm backend, for memory estimates
// (summary()): the glue sizes its scratch with these same functions. Winograd's are large (its
// transformed filters, 16/9 of the weights, and its transforms or partial sums: 18 MiB for a 512 ×
// 512 layer of ResNet-18); the other kernels' tile buffers and packing space (about 2 MiB per
// thread at most) are not counted.
import type { KernelName, WindowGeometry } from '../../../kernels.ts';
import { denseKeptBytes, denseScratchBytes } from './denseConv.ts';
import { winogradFilterBytes, winogradScratchBytes } from './winograd-common.ts';
import { winogradWeightGradScratchBytes } from './winogradWeightGrad.ts';

/** `slots`: the threads a split call reserves scratch for (WasmContext.slots). */
export function convScratchBytes(kernel: KernelName, g: WindowGeometry, k: number, slots: number): number {
  if (kernel === 'winogradForward') return winogradScratchBytes(g, k, false, slots);
  if (kernel === 'winogradInputGrad') return winogradScratchBytes(g, k, true, slots);
  if (kernel === 'winogradWeightGrad') return winogradWeightGradScratchBytes(g, k, slots);
  if (kernel === 'denseConvForward') return denseScratchBytes('forward', g, k, slots);
  if (kernel === 'denseConvInputGrad') return denseScratchBytes('inputGrad', g, k, slots);
  if (kernel === 'denseConvWeightGrad') return denseScratchBytes('weightGrad', g, k, slots);
  return 0;
}

/** Bytes an inference Winograd layer with k filters over C channels keeps between calls (its
 *  transformed filters, winogradForward's keepFilters): winogradFilterBytes(k, C). */
export { winogradFilterBytes as keptFilterBytes };

/** Bytes an inference layer planned as `algorithm` keeps between calls: Winograd's transformed
 *  filters or the dense way's gathered weights; 0 for the others. */
export function keptBytes(algorithm: string, g: WindowGeometry, k: number): number {
  if (algorithm === 'winograd') return winogradFilterBytes(k, g.channels);
  return algorithm === 'dense' ? denseKeptBytes(g, k) : 0;
}
