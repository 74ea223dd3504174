// Whether ops record themselves on the tape. `noGrad` turns recording off for inference, so no
// backward state (im2col columns, argmax, batch statistics) is kept alive.
import type { GradNode, Tensor } from '../tensor.ts';

let recording = true;

export function isRecording(): boolean {
  return recording;
}

/** Runs fn with gradient recording off; restores the previous mode even if fn throws. */
export function noGrad<T>(fn: () => T): T {
  const before = recording;
  recording = false;
  try {
    return fn();
  } finally {
    recording = before;
  }
}

/** True when an op with these inputs must record a node: recording is on and some input needs a gradient. */
export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  return recording && inputs.some((t) => t?.requiresGrad === true);
}

/** Attaches the node to the op's output, making it part of the tape. */
export function record(out: Tensor, node: GradNode): Tensor {
  out.node = node;
  out.requiresGrad = true;
  return out;
}
