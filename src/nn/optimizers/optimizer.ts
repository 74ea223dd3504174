// The optimizer interface and what every neon optimizer shares (neon optimizer.py:42-115): the
// gradient of a parameter is its layer's batch SUM, divided by the batch size first; the optional
// element clip applies to that mean; the norm-clip factor s = clipNorm / max(‖all dW‖₂ / bsz, clipNorm)
// is computed over every updated parameter before any update. Per-parameter state (velocity,
// moments) lives in backend buffers named after the parameter and is created, zeroed, on first use.
import { checkOptions, checkRole, type FieldSpecs } from '../../check.ts';
import type { Backend, DeviceBuffer } from '../../backends/backend.ts';
import type { Param } from '../../layers/layer.ts';
import type { Tensor } from '../../tensor.ts';
import type { ScheduleConfig } from '../schedules.ts';

export interface OptimizerSlot {
  /** '<param name>:<slot>', e.g. 'Conv_0.W:velocity'. */
  name: string;
  values: Float32Array | Float64Array;
}

/** Everything an optimizer carries between steps, as plain numbers (the model file stores it). */
export interface OptimizerState {
  type: string;
  /** optimize() calls so far (Adam's t). */
  step: number;
  slots: OptimizerSlot[];
  /** MultiOptimizer: the state of each mapped optimizer, by mapping key. */
  children?: Record<string, OptimizerState>;
}

export interface OptimizerConfig {
  type: string;
  [key: string]: unknown;
}

export interface Optimizer {
  readonly type: string;
  /** One update of every trainable parameter from its gradient `value.grad` (a batch sum over
   *  batchSize samples). Frozen parameters (requiresGrad false) and those without a gradient are skipped. */
  optimize(params: readonly Param[], batchSize: number, epoch: number): void;
  getState(): OptimizerState;
  /** Restores a state from getState() exactly; slots are applied when their parameter is first seen. */
  setState(state: OptimizerState): void;
  config(): OptimizerConfig;
  /** Frees the state buffers. */
  dispose(): void;
}

export interface ClipOptions {
  /** Scale all gradients down so that ‖dW‖₂ / bsz over every parameter is at most this. */
  gradientClipNorm?: number;
  /** Clip each element of dW / bsz to ±this. */
  gradientClipValue?: number;
  /** Clip each parameter value to ±this after the update. */
  paramClipValue?: number;
}

/** The config of a schedule-taking optimizer also carries the schedule's config. */
export interface WithScheduleConfig {
  schedule: ScheduleConfig;
}

interface SlotBuffer {
  backend: Backend;
  buf: DeviceBuffer;
  size: number;
}

export interface ActiveParam {
  param: Param;
  grad: Tensor;
}

/** Checks an optimizer's options object for plain-JS users (src/check.ts): its own fields, the clip
 *  options every optimizer takes, and a schedule object. */
export function checkOptimizerOptions(type: string, opts: unknown, own: FieldSpecs): void {
  const nonNegative = { kind: 'number', min: 0 } as const;
  checkOptions(type, opts, {
    ...own, gradientClipNorm: nonNegative, gradientClipValue: nonNegative, paramClipValue: nonNegative, schedule: 'object',
  });
  const schedule = (opts as { schedule?: unknown } | undefined)?.schedule;
  if (schedule !== undefined) checkRole(type, "option 'schedule'", schedule, ['getLearningRate'], 'a schedule, e.g. new Schedule([6, 8], 0.1)');
}

/** neon's `if clip_value:` tests: 0, null and undefined all mean "off" (null here). */
export function clipSetting(v: number | null | undefined): number | null {
  return v ? Math.abs(v) : null;
}

export abstract class BaseOptimizer implements Optimizer {
  abstract readonly type: string;
  protected step = 0;
  protected readonly clipNorm: number | null;
  protected readonly clipValue: number | null;
  protected readonly paramClip: number | null;
  private readonly slots = new Map<string, SlotBuffer>();
  private readonly pending = new Map<string, Float32Array | Float64Array>();

  constructor(clip: ClipOptions) {
    this.clipNorm = clipSetting(clip.gradientClipNorm);
    this.clipValue = clipSetting(clip.gradientClipValue);
    this.paramClip = clipSetting(clip.paramClipValue);
  }

  abstract optimize(params: readonly Param[], batchSize: number, epoch: number): void;
  abstract config(): OptimizerConfig;

  protected clipConfig(): { gradientClipNorm: number | null; gradientClipValue: number | null; paramClipValue: number | null } {
    return { gradientClipNorm: this.clipNorm, gradientClipValue: this.clipValue, paramClipValue: this.paramClip };
  }

  /** The parameters this step updates: trainable, with a gradient of the parameter's size. */
  protected active(params: readonly Param[], batchSize: number): ActiveParam[] {
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`${this.type}: batch size must be a positive integer, got ${batchSize}`);
    const out: ActiveParam[] = [];
    for (const param of params) {
      const grad = param.value.grad;
      if (param.value.requiresGrad === false || !grad) continue;
      if (grad.size !== param.value.size) {
        throw new Error(`${this.type}: gradient of '${param.name}' holds ${grad.size} values, the parameter ${param.value.size}`);
      }
      if (grad.backend !== param.value.backend) throw new Error(`${this.type}: gradient of '${param.name}' lives on another backend`);
      out.push({ param, grad });
    }
    return out;
  }

  /** neon's clip_gradient_norm: clipNorm / max(√(Σ‖dW‖²) / bsz, clipNorm), 1 when off. */
  protected normFactor(active: readonly ActiveParam[], batchSize: number): number {
    if (this.clipNorm === null) return 1;
    let total = 0;
    const outs = new Map<Backend, DeviceBuffer>();
    try {
      for (const { grad } of active) {
        const b = grad.backend;
        let out = outs.get(b);
        if (!out) { out = b.alloc(1); outs.set(b, out); }
        b.run('sumSquares', { x: grad.buf, out, n: grad.size });
        total += b.read(out)[0];
      }
    } finally {
      for (const [b, out] of outs) b.dispose(out);
    }
    return this.clipNorm / Math.max(Math.sqrt(total) / batchSize, this.clipNorm);
  }

  /** Runs fn with the gradient buffer to use: dW itself, or, with element clipping, a copy clipped to
   *  ±clipValue·bsz (clip(dW/bsz, v) = clip(dW, v·bsz)/bsz; the kernels divide by bsz). */
  protected withGrad(grad: Tensor, batchSize: number, fn: (g: DeviceBuffer) => void): void {
    if (this.clipValue === null) { fn(grad.buf); return; }
    const b = grad.backend, tmp = b.alloc(grad.size);
    try {
      b.run('clip', { x: grad.buf, out: tmp, n: grad.size, limit: this.clipValue * batchSize });
      fn(tmp);
    } finally {
      b.dispose(tmp);
    }
  }

  /** One step over the parameters that have a gradient: for each, `prepare(param, s)` (s the
   *  norm-clip factor) takes its state slots and returns the update to run on its gradient buffer
   *  (see withGrad); the parameter clip follows each update, and the step count advances once. */
  protected updateAll(params: readonly Param[], batchSize: number, prepare: (param: Param, s: number) => (g: DeviceBuffer) => void): void {
    const active = this.active(params, batchSize);
    const s = this.normFactor(active, batchSize);
    for (const { param, grad } of active) {
      this.withGrad(grad, batchSize, prepare(param, s));
      this.clipParam(param);
    }
    this.step++;
  }

  /** neon's param_clip_value, applied in place after the update. */
  protected clipParam(param: Param): void {
    if (this.paramClip === null) return;
    const v = param.value;
    v.backend.run('clip', { x: v.buf, out: v.buf, n: v.size, limit: this.paramClip });
  }

  /** The state buffer `key` of a parameter, zero (or the restored values) on first use. */
  protected slot(param: Param, key: string): DeviceBuffer {
    const name = `${param.name}:${key}`;
    const backend = param.value.backend, size = param.value.size;
    const have = this.slots.get(name);
    if (have) {
      if (have.backend !== backend || have.size !== size) {
        throw new Error(`${this.type}: state '${name}' was made for a ${have.size}-value parameter on '${have.backend.name}', ` +
          `now it has ${size} values on '${backend.name}' (one optimizer per model)`);
      }
      return have.buf;
    }
    const buf = backend.alloc(size);
    const restored = this.pending.get(name);
    if (restored) {
      if (restored.length !== size) {
        backend.dispose(buf);
        throw new Error(`${this.type}: saved state '${name}' holds ${restored.length} values, the parameter ${size}`);
      }
      backend.write(buf, restored);
      this.pending.delete(name);
    }
    this.slots.set(name, { backend, buf, size });
    return buf;
  }

  getState(): OptimizerState {
    const slots: OptimizerSlot[] = [];
    for (const [name, s] of this.slots) {
      const all = s.backend.read(s.buf);
      if (all instanceof Int32Array) throw new Error(`${this.type}: state '${name}' is not a float buffer`);
      slots.push({ name, values: all.slice(0, s.size) });
    }
    for (const [name, values] of this.pending) slots.push({ name, values: values.slice() });
    slots.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { type: this.type, step: this.step, slots };
  }

  setState(state: OptimizerState): void {
    if (state?.type !== this.type) throw new Error(`${this.type}.setState: the state was saved by '${String(state?.type)}'`);
    if (!Number.isInteger(state.step) || state.step < 0) throw new Error(`${this.type}.setState: bad step ${state.step}`);
    this.disposeSlots();
    this.step = state.step;
    for (const s of state.slots) {
      if (typeof s.name !== 'string' || !(s.values instanceof Float32Array || s.values instanceof Float64Array)) {
        throw new Error(`${this.type}.setState: slot ${String(s.name)} must be a name with Float32Array or Float64Array values`);
      }
      this.pending.set(s.name, s.values.slice());
    }
  }

  private disposeSlots(): void {
    for (const s of this.slots.values()) s.backend.dispose(s.buf);
    this.slots.clear();
    this.pending.clear();
  }

  dispose(): void {
    this.disposeSlots();
  }
}
