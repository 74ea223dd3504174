// Tensor = shape + a reference-counted handle on backend storage (+ grad, + its creator on the tape).
// Several tensors may share one storage (reshape views); the buffer is released when the last
// holder disposes. Tensors created inside `tidy` are disposed when it returns, unless returned or kept.
import type { Backend, DeviceBuffer } from './backends/backend.ts';
import { checkShape, shapeString, sizeOf } from './shape.ts';

/** One backend buffer shared by the tensors that view it. */
export class Storage {
  private refs = 1;
  constructor(readonly backend: Backend, readonly buf: DeviceBuffer) {}
  retain(): this {
    this.refs++;
    return this;
  }
  release(): void {
    if (--this.refs === 0) this.backend.dispose(this.buf);
  }
}

/** The record an op leaves on the tape: its inputs and how to turn the output's gradient into theirs. */
export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Gradients for each input (null where none flows). Each returned tensor must be new, or the
   *  output gradient itself for at most one input (the engine then hands it over instead of freeing it). */
  backward(gy: Tensor): (Tensor | null)[];
  /** Frees what the op saved for backward (im2col columns, argmax, batch statistics). */
  release?(): void;
}

let nextId = 0;
const scopes: Set<Tensor>[] = [];

export class Tensor {
  /** Creation order: the tape replays nodes in decreasing id. */
  readonly id = nextId++;
  readonly size: number;
  grad: Tensor | null = null;
  node: GradNode | null = null;
  private live = true;

  constructor(
    readonly shape: readonly number[],
    readonly storage: Storage,
    public requiresGrad = false,
  ) {
    this.size = sizeOf(shape);
    if (this.size > storage.buf.size) {
      throw new Error(`Tensor ${shapeString(shape)} needs ${this.size} values but its storage holds ${storage.buf.size}`);
    }
    scopes[scopes.length - 1]?.add(this);
  }

  get backend(): Backend {
    return this.storage.backend;
  }

  get buf(): DeviceBuffer {
    if (!this.live) throw new Error(`Tensor ${shapeString(this.shape)} (#${this.id}) was used after dispose()`);
    return this.storage.buf;
  }

  get disposed(): boolean {
    return !this.live;
  }

  static empty(backend: Backend, shape: readonly number[], requiresGrad = false): Tensor {
    checkShape('Tensor', 'shape', shape);
    return new Tensor([...shape], new Storage(backend, backend.alloc(sizeOf(shape))), requiresGrad);
  }

  static zeros(backend: Backend, shape: readonly number[], opts: { requiresGrad?: boolean } = {}): Tensor {
    return Tensor.empty(backend, shape, opts.requiresGrad ?? false);
  }

  static fromArray(backend: Backend, data: ArrayLike<number>, shape: readonly number[], opts: { requiresGrad?: boolean } = {}): Tensor {
    checkShape('Tensor.fromArray', 'shape', shape);
    if (data.length !== sizeOf(shape)) {
      throw new Error(`Tensor.fromArray: ${data.length} values do not fill shape ${shapeString(shape)} (${sizeOf(shape)} values)`);
    }
    const t = Tensor.empty(backend, shape, opts.requiresGrad ?? false);
    backend.write(t.buf, data);
    return t;
  }

  static scalar(backend: Backend, value: number): Tensor {
    return Tensor.fromArray(backend, [value], [1]);
  }

  /** A host copy of the values. */
  toArray(): Float32Array | Float64Array {
    const all = this.backend.read(this.buf);
    if (all instanceof Int32Array) throw new Error(`Tensor #${this.id} holds integers; read it through its backend`);
    return all.length === this.size ? all : all.slice(0, this.size);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item() needs a one-element tensor, got ${shapeString(this.shape)}`);
    return this.toArray()[0];
  }

  /** A new tensor over the same storage with another shape of the same size (no copy, no tape). */
  view(shape: readonly number[]): Tensor {
    if (sizeOf(shape) !== this.size) {
      throw new Error(`view: cannot view ${shapeString(this.shape)} (${this.size} values) as ${shapeString(shape)}`);
    }
    void this.buf;
    return new Tensor([...shape], this.storage.retain(), false);
  }

  /** Releases this tensor's hold on its storage and its gradient. Disposing twice is harmless. */
  dispose(): void {
    if (!this.live) return;
    this.live = false;
    this.storage.release();
    this.grad?.dispose();
    this.grad = null;
    this.node?.release?.();
    this.node = null;
    for (const s of scopes) s.delete(this);
  }
}

/** Runs fn and disposes every tensor created inside that is not in the result or kept. */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  const kept = new Set<Tensor>(result instanceof Tensor ? [result] : Array.isArray(result) ? result.filter((r): r is Tensor => r instanceof Tensor) : []);
  for (const t of scope) {
    if (kept.has(t)) scopes[scopes.length - 1]?.add(t);
    else t.dispose();
  }
  return result;
}

/** Takes a tensor out of every enclosing tidy scope, so it outlives them. */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}
