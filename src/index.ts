// argon-nn public API: explicit re-exports only.
export { Tensor, Storage, tidy, keep, type GradNode } from './tensor.ts';
export { backward, noGrad, isRecording, gradCheck, type GradCheckOptions, type GradCheckResult, type GradCheckMismatch } from './autograd/index.ts';
export * as ops from './ops/index.ts';
export { Random } from './random.ts';
export { windowGeometry, outputSize, type WindowOptions, type PerDim } from './shape.ts';
export { KERNEL_NAMES, type KernelArgs, type KernelName, type WindowGeometry, type PoolMode } from './kernels.ts';
export { DeviceBuffer, type Backend, type BufferKind, type DType, type MemoryStats, type KernelTable } from './backends/backend.ts';
export { createRefBackend } from './backends/ref/backend.ts';
export { createWasmBackend } from './backends/wasm/backend.ts';
