// The neon-style layer life cycle (neon layer.py configure/allocate/fprop): a layer infers its output
// shape from its input shape once (configure), creates its parameters once (allocate), and then runs
// forward with differentiable ops; autograd derives the backward pass, so layers never write bprop.
// Shapes here are PER SAMPLE: [C, ...spatial] for images, [F] for dense data. At run time tensors
// carry the batch as their LAST axis ([C, ...spatial, N]), as neon's CHWN layout.
import type { WindowGeometry } from '../kernels.ts';
import type { Backend } from '../backends/backend.ts';
import type { Random } from '../random.ts';
import { shapeString } from '../shape.ts';
import type { Tensor } from '../tensor.ts';

export type ParamKind = 'weight' | 'bias' | 'gamma' | 'beta';

/** A trainable value: a tensor that receives a gradient unless its layer is frozen. */
export interface Param {
  /** Unique within a model, e.g. 'Conv_2.W'. */
  readonly name: string;
  readonly kind: ParamKind;
  readonly value: Tensor;
  /** false: the layer is frozen (`trainable: false`); optimizers skip it. Absent means true. */
  readonly trainable?: boolean;
}

/** Non-trainable state saved with the model (BatchNorm's running mean and variance). */
export interface StateTensor {
  readonly name: string;
  readonly value: Tensor;
}

export interface BuildContext {
  readonly backend: Backend;
  /** Draws initial weights, in layer order. */
  readonly random: Random;
  /** Values that come from elsewhere (a model file, an ONNX import): a parameter or state found
   *  here takes them and draws nothing from `random`. */
  readonly preset?: ParamPreset;
}

/** Where a loaded model's parameters come from. `values` returns the values of `name` (e.g.
 *  'Conv_0.W') for a tensor of `shape`, or throws an error naming the source, the tensor and both
 *  shapes when it has none or another shape, before anything is allocated for it. */
export interface ParamPreset {
  values(name: string, shape: readonly number[]): Float32Array;
}

export interface RunContext {
  /** Training mode: batch statistics in BatchNorm, dropout masks. */
  readonly training: boolean;
  /** Dropout masks. */
  readonly random: Random;
  /** Reports a problem worth a warning (fit passes it on once per key). */
  readonly warn?: (key: string, message: string) => void;
}

/** A JSON-able description of a layer, enough to rebuild it (the model file's topology). */
export interface LayerConfig {
  type: string;
  name: string;
  [key: string]: unknown;
}

/** What summary() needs from each layer. */
export interface LayerInfo {
  name: string;
  type: string;
  inShape: readonly number[];
  outShape: readonly number[];
  /** Trainable values (weights, biases, gamma, beta). */
  params: number;
  /** Non-trainable state values (running stats). */
  states: number;
  /** Multiply–adds per sample in the forward pass. */
  macs: number;
  /** Extra float values per sample the forward keeps for backward besides the output
   *  (im2col columns, argmax, masks); the memory estimate adds them. */
  workspace: number;
  /** A convolution's geometry at batch 1 and its filter count, so summary() can name the algorithm
   *  the planner picks at a batch size (ops/conv-plan.ts). */
  conv?: { geometry: WindowGeometry; k: number };
}

export abstract class Layer {
  /** neon's type name, e.g. 'Conv', 'Pooling'. */
  abstract readonly type: string;
  name: string;
  /** false freezes the layer's parameters (no gradient, no update). */
  trainable = true;
  private shapes: { in: readonly number[]; out: readonly number[] } | null = null;

  constructor(name?: string) {
    this.name = name ?? '';
  }

  /** Checks the per-sample input shape and returns the per-sample output shape. Errors name the
   *  layer and the expected and actual shapes (use `this.fail`). Called once, at build time. */
  protected abstract infer(inShape: readonly number[]): readonly number[];

  configure(inShape: readonly number[]): readonly number[] {
    const out = this.infer(inShape);
    this.shapes = { in: [...inShape], out: [...out] };
    return out;
  }

  get inShape(): readonly number[] {
    if (!this.shapes) throw new Error(`${this.label()}: used before the model was built (configure)`);
    return this.shapes.in;
  }

  get outShape(): readonly number[] {
    if (!this.shapes) throw new Error(`${this.label()}: used before the model was built (configure)`);
    return this.shapes.out;
  }

  get configured(): boolean {
    return this.shapes !== null;
  }

  /** Creates parameters and state on the backend. Layers without parameters keep the default. */
  allocate(_ctx: BuildContext): void {}

  /** The forward pass on a batch [...inShape, N], built from differentiable ops. */
  abstract forward(x: Tensor, ctx: RunContext): Tensor;

  params(): Param[] {
    return [];
  }

  states(): StateTensor[] {
    return [];
  }

  /** Containers return their children; a plain layer has none. */
  children(): Layer[] {
    return [];
  }

  /** Summary rows: one per primitive layer (containers flatten their children). */
  info(): LayerInfo[] {
    return [{
      name: this.name, type: this.type, inShape: this.inShape, outShape: this.outShape,
      params: 0, states: 0, macs: 0, workspace: 0,
    }];
  }

  abstract config(): LayerConfig;

  /** Frees parameters and state. */
  dispose(): void {
    for (const p of this.params()) p.value.dispose();
    for (const s of this.states()) s.value.dispose();
    for (const c of this.children()) c.dispose();
  }

  protected label(): string {
    return `${this.type} layer '${this.name || '(unnamed)'}'`;
  }

  /** Throws a build-time shape error naming this layer, the expected and the actual shape. */
  protected fail(expected: string, actual: readonly number[]): never {
    throw new Error(`${this.label()}: expected input ${expected}, got ${shapeString(actual)}`);
  }
}
