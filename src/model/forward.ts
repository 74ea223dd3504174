// Inference through the root Sequential that also hands each top-level layer's output to `record`
// (model.layerOutput), including the final activation (forwardPre would skip it).
import { type Chain, type Layer, type RunContext } from '../layers/index.ts';
import type { Tensor } from '../tensor.ts';

export function forwardRecorded(root: Chain, x: Tensor, ctx: RunContext, record: (name: string, y: Tensor) => void): Tensor {
  let y = x;
  for (const layer of root.children() as Layer[]) {
    y = layer.forward(y, ctx);
    record(layer.name, y);
  }
  return y;
}

