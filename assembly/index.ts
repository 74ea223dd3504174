// The wasm ABI: every exported kernel loop, one family per file. All functions take byte pointers
// into the host-owned (imported) memory plus counts and strides; none allocates.
export * from './gemm';
export * from './im2col';
export * from './pool';
export * from './elementwise';
export * from './activation';
export * from './batchnorm';
export * from './optimizer';
export * from './conv-forward';
export * from './gemm-ksplit';
export * from './conv-backward';
export * from './winograd-conv';
export { winoFilterPart, winoFilterGradPart } from './winograd-weights';
export * from './peak';
export * from './conv-direct';
export * from './conv-dense';
