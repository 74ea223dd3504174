// The wasm backend's kernels, registered explicitly: one glue file per kernel.
import type { WasmKernelTable } from '../context.ts';
import { gemm } from './gemm.ts';

export const wasmKernels: WasmKernelTable = {
  gemm,
};
