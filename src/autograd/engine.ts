// Reverse-mode autograd: walk the tape backwards from an output, turning each op's output gradient
// into its inputs' gradients, which always ACCUMULATE (+=). A tensor used twice — a residual
// shortcut read by both branches of a MergeSum — therefore receives the sum of both gradients.
import { Tensor, keep } from '../tensor.ts';
import { sameShape, shapeString } from '../shape.ts';

/** grad(t) += g, taking ownership of g. */
function accumulate(t: Tensor, g: Tensor): void {
  if (!sameShape(t.shape, g.shape)) {
    throw new Error(`autograd: gradient ${shapeString(g.shape)} does not match tensor ${shapeString(t.shape)} (#${t.id})`);
  }
  if (t.grad === null) {
    t.grad = g;
    if (t.node === null) keep(g); // a leaf's gradient outlives tidy scopes, like the leaf itself
    return;
  }
  t.backend.run('axpby', { x: t.grad.buf, y: g.buf, out: t.grad.buf, n: t.size, a: 1, b: 1 });
  g.dispose();
}

/** Every tensor reachable from `root` through recorded nodes, in reverse creation order. */
function tapeFrom(root: Tensor): Tensor[] {
  const seen = new Set<Tensor>();
  const stack = [root];
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t) || !t.requiresGrad) continue;
    seen.add(t);
    if (t.node) for (const x of t.node.inputs) stack.push(x);
  }
  return [...seen].sort((a, b) => b.id - a.id);
}

/**
 * Back-propagates from `output`. `seed` is dL/d(output) (default: ones, i.e. L = Σ output).
 * Leaves (tensors with requiresGrad and no creator) end with `.grad` += their gradient; the
 * intermediate gradients and the state each op saved are freed as soon as they have been used.
 */
export function backward(output: Tensor, seed?: Tensor): void {
  if (!output.requiresGrad) throw new Error('backward: the output does not depend on any tensor that requires a gradient');
  if (seed && !sameShape(seed.shape, output.shape)) {
    throw new Error(`backward: seed ${shapeString(seed.shape)} does not match output ${shapeString(output.shape)}`);
  }
  const start = Tensor.empty(output.backend, output.shape);
  if (seed) output.backend.run('axpby', { x: seed.buf, y: seed.buf, out: start.buf, n: output.size, a: 1, b: 0 });
  else output.backend.run('fill', { x: start.buf, n: output.size, value: 1 });
  accumulate(output, start);

  for (const t of tapeFrom(output)) {
    const node = t.node;
    if (node === null || t.grad === null) continue;
    const gy = t.grad;
    const grads = node.backward(gy);
    let handedOver = false;
    node.inputs.forEach((x, i) => {
      const g = grads[i];
      if (!g) return;
      if (!x.requiresGrad) {
        if (g !== gy) g.dispose();
        return;
      }
      if (g === gy) {
        if (handedOver) throw new Error(`autograd: op '${node.op}' returned its output gradient for two inputs`);
        handedOver = true;
      }
      accumulate(x, g);
    });
    t.grad = null;
    if (!handedOver) gy.dispose();
    node.release?.();
    t.node = null;
  }
}
