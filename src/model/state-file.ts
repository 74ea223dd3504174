// What a model file holds besides the topology, split into JSON and float32 tensors: optimizer
// state (slots become tensors named 'optimizer/<path>/<slot>'), nothing else needs binary data.
import type { OptimizerState } from '../nn/optimizers/optimizer.ts';

export interface NamedValues { name: string; shape: number[]; values: ArrayLike<number> }

/** OptimizerState without its slot values (those travel as tensors). */
export interface OptimizerStateMeta {
  type: string;
  step: number;
  slots: { name: string; length: number }[];
  children?: Record<string, OptimizerStateMeta>;
}

export function splitOptimizerState(state: OptimizerState, prefix = 'optimizer'): { meta: OptimizerStateMeta; tensors: NamedValues[] } {
  const tensors: NamedValues[] = [];
  const meta: OptimizerStateMeta = {
    type: state.type,
    step: state.step,
    slots: state.slots.map((s) => {
      tensors.push({ name: `${prefix}/${s.name}`, shape: [s.values.length], values: s.values });
      return { name: s.name, length: s.values.length };
    }),
  };
  if (state.children) {
    meta.children = {};
    for (const [key, child] of Object.entries(state.children)) {
      const sub = splitOptimizerState(child, `${prefix}/${key}`);
      meta.children[key] = sub.meta;
      tensors.push(...sub.tensors);
    }
  }
  return { meta, tensors };
}

export function joinOptimizerState(
  meta: OptimizerStateMeta,
  tensors: Map<string, { values: Float32Array }>,
  prefix = 'optimizer',
): OptimizerState {
  const state: OptimizerState = {
    type: meta.type,
    step: meta.step,
    slots: meta.slots.map((s) => {
      const t = tensors.get(`${prefix}/${s.name}`);
      if (!t || t.values.length !== s.length) throw new Error(`optimizer slot '${s.name}' is missing from the tensor table or has the wrong size`);
      return { name: s.name, values: Float32Array.from(t.values) };
    }),
  };
  if (meta.children) {
    state.children = {};
    for (const [key, child] of Object.entries(meta.children)) state.children[key] = joinOptimizerState(child, tensors, `${prefix}/${key}`);
  }
  return state;
}
