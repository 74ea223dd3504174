// ONNX interop: export (model.toOnnx), import (Model.fromOnnx), and the protobuf codec underneath.
export { exportOnnx, modelToOnnx, OPSET, IR_VERSION, INPUT_NAME, OUTPUT_NAME, type ExportSource, type ModelLike } from './export.ts';
export { importOnnx, type OnnxImport, type OnnxImportOptions } from './import.ts';
export { decodeOnnx, encodeOnnx, type OnnxModel, type OnnxGraph, type OnnxNode, type OnnxTensor, type OnnxAttribute } from './codec.ts';
export { SUPPORTED_OPS } from './prep.ts';
