// Building a layer tree: default names (neon's `<ClassName>_<counter>`, one 0-based counter per type,
// neon/__init__.py NervanaObject), then shape inference, then parameters. Names are assigned per
// model, not from a global counter, so two models built in one process name their layers alike.
import { Compound } from './compound.ts';
import type { BuildContext, Layer } from './layer.ts';

/** Every layer of the tree, parents before children. */
export function walkLayers(root: Layer): Layer[] {
  const out: Layer[] = [];
  const visit = (l: Layer) => {
    out.push(l);
    for (const c of l.children()) visit(c);
  };
  visit(root);
  return out;
}

/** Layers without children: the ones that compute and own parameters (summary rows). */
export function primitiveLayers(root: Layer): Layer[] {
  return walkLayers(root).filter((l) => l.children().length === 0);
}

/**
 * Gives every unnamed layer `<Type>_<n>`; an unnamed compound takes its base primitive's type
 * ('Convolution_0', 'Linear_1'), as neon, and names its sub-layers after itself. Explicit names are
 * kept; the result must be unique across the tree (parameter names are `<layer>.<W|b|gamma|beta>`),
 * otherwise an error names the duplicate.
 */
export function assignNames(root: Layer): void {
  const taken = new Set<string>();
  for (const l of walkLayers(root)) if (l.name) taken.add(l.name);
  const counters = new Map<string, number>();
  const fresh = (type: string): string => {
    let i = counters.get(type) ?? 0;
    while (taken.has(`${type}_${i}`)) i++;
    counters.set(type, i + 1);
    const name = `${type}_${i}`;
    taken.add(name);
    return name;
  };
  const visit = (l: Layer): void => {
    if (l instanceof Compound) {
      if (!l.name) l.name = fresh(l.baseType);
      l.applyNames();
      for (const c of l.children()) taken.add(c.name);
      return;
    }
    if (!l.name) l.name = fresh(l.type);
    for (const c of l.children()) visit(c);
  };
  visit(root);

  const owner = new Map<string, Layer>();
  for (const l of walkLayers(root)) {
    if (l instanceof Compound) continue; // shares its name with its base primitive
    const other = owner.get(l.name);
    if (other) throw new Error(`Layer name '${l.name}' is used twice (a ${other.type} and a ${l.type}); layer names must be unique`);
    owner.set(l.name, l);
  }
}

/** assignNames, configure for a per-sample input shape, then allocate: what the Model does at build
 *  time. `beforeAllocate` sees the configured tree (every shape known, nothing allocated yet), e.g.
 *  to check a loaded file against it. Returns the per-sample output shape. */
export function buildLayers(root: Layer, inShape: readonly number[], ctx: BuildContext,
  beforeAllocate?: (root: Layer) => void): readonly number[] {
  assignNames(root);
  const out = root.configure(inShape);
  beforeAllocate?.(root);
  root.allocate(ctx);
  return out;
}
