// Merging containers (neon container.py:729-922, neon-semantics §2.8): every branch reads the same
// input; MergeSum adds the branch outputs (residual blocks), MergeBroadcast with merge 'depth'
// concatenates them along the channel axis (inception-style blocks). Each branch is a Sequential.
// Improvement on neon: MergeSum checks at build time that every branch's output shape equals the
// first's (neon took the first branch's shape without a check).
import * as ops from '../ops/index.ts';
import { sameShape, shapeString } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { Layer, type LayerConfig, type LayerInfo, type RunContext } from './layer.ts';
import { baseConfig, type LayerOptions } from './common.ts';
import { Container, Sequential, type LayerList } from './container.ts';

/** A branch: one layer or a list of layers. */
export type Branch = Layer | LayerList;

function toSequential(where: string, b: Branch, i: number): Sequential {
  if (b instanceof Sequential) return b;
  if (b instanceof Layer) return new Sequential([b]);
  if (Array.isArray(b)) return new Sequential(b);
  throw new Error(`${where}: branch ${i} must be a layer or a list of layers`);
}

abstract class Merge extends Container {
  readonly branches: Sequential[];

  constructor(branches: readonly Branch[], opts: LayerOptions, type: string) {
    super(opts);
    if (!Array.isArray(branches) || branches.length === 0) throw new Error(`${type}: needs a non-empty list of branches`);
    this.branches = branches.map((b, i) => toSequential(type, b, i));
  }

  children(): Layer[] {
    return this.branches;
  }

  protected branchShapes(inShape: readonly number[]): (readonly number[])[] {
    return this.branches.map((b) => b.configure(inShape));
  }

  protected mismatch(i: number, shapes: (readonly number[])[], rule: string): never {
    throw new Error(`${this.label()}: branch ${i} outputs ${shapeString(shapes[i])} but branch 0 outputs ` +
      `${shapeString(shapes[0])} (${rule})`);
  }

  /** The branches' rows, then one for the merge itself (its output is a new tensor). */
  override info(): LayerInfo[] {
    return [...super.info(), {
      name: this.name, type: this.type, inShape: this.inShape, outShape: this.outShape,
      params: 0, states: 0, macs: 0, workspace: 0,
    }];
  }

  protected mergeConfig(): LayerConfig {
    return { ...baseConfig(this), branches: this.branches.map((b) => b.config()) };
  }
}

/** Sum of the branches: MergeSum([shortcut, main]) is a residual block. */
export class MergeSum extends Merge {
  readonly type = 'MergeSum';

  constructor(branches: readonly Branch[], opts: LayerOptions = {}) {
    super(branches, opts, 'MergeSum');
  }

  protected infer(inShape: readonly number[]): readonly number[] {
    const shapes = this.branchShapes(inShape);
    shapes.forEach((s, i) => { if (!sameShape(s, shapes[0])) this.mismatch(i, shapes, 'summed branches must have equal shapes'); });
    return shapes[0];
  }

  forward(x: Tensor, ctx: RunContext): Tensor {
    return ops.addN(this.branches.map((b) => b.forward(x, ctx)));
  }

  config(): LayerConfig {
    return this.mergeConfig();
  }
}

export interface MergeBroadcastOptions extends LayerOptions {
  /** Only 'depth' (concatenate along the channel axis); neon's 'recurrent' and 'stack' are not provided. */
  merge: 'depth';
}

/** Concatenation of the branches along axis 0 (channels); the other dims must match. */
export class MergeBroadcast extends Merge {
  readonly type = 'MergeBroadcast';
  readonly merge: 'depth';

  constructor(branches: readonly Branch[], opts: MergeBroadcastOptions = { merge: 'depth' }) {
    super(branches, opts, 'MergeBroadcast');
    if (opts.merge !== 'depth') {
      throw new Error(`MergeBroadcast: merge must be 'depth' (channel concatenation), got '${String(opts.merge)}'`);
    }
    this.merge = opts.merge;
  }

  protected infer(inShape: readonly number[]): readonly number[] {
    const shapes = this.branchShapes(inShape);
    const rest = (s: readonly number[]) => s.slice(1);
    shapes.forEach((s, i) => {
      if (!sameShape(rest(s), rest(shapes[0]))) this.mismatch(i, shapes, 'depth merge needs equal shapes after the channel axis');
    });
    return [shapes.reduce((c, s) => c + s[0], 0), ...rest(shapes[0])];
  }

  forward(x: Tensor, ctx: RunContext): Tensor {
    return ops.concat(this.branches.map((b) => b.forward(x, ctx)), 0);
  }

  config(): LayerConfig {
    return { ...this.mergeConfig(), merge: this.merge };
  }
}
