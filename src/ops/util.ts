// Checks shared by the ops: every input on one backend, shapes that agree.
import type { Backend } from '../backends/backend.ts';
import type { Tensor } from '../tensor.ts';
import { sameShape, shapeString } from '../shape.ts';

export function backendOf(op: string, ...tensors: Tensor[]): Backend {
  const b = tensors[0].backend;
  for (const t of tensors) {
    if (t.backend !== b) throw new Error(`${op}: inputs live on different backends ('${b.name}' and '${t.backend.name}')`);
    void t.buf; // throws if disposed
  }
  return b;
}

export function expectShape(op: string, what: string, actual: readonly number[], expected: readonly number[]): void {
  if (!sameShape(actual, expected)) {
    throw new Error(`${op}: ${what} must have shape ${shapeString(expected)}, got ${shapeString(actual)}`);
  }
}

export function expectRank(op: string, what: string, shape: readonly number[], ranks: readonly number[], meaning: string): void {
  if (!ranks.includes(shape.length)) {
    throw new Error(`${op}: ${what} must be ${meaning}, got ${shapeString(shape)}`);
  }
}
