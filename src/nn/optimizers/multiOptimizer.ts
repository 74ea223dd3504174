// neon's MultiOptimizer (optimizer.py:993-1140): each parameter goes to the optimizer mapped to its
// layer, by precedence name > class > 'default'. Argon parameters are named '<layer>.<W|b|gamma|beta>'
// and compound layers own their bias and BatchNorm parameters, so a key matches, in this order:
//   1. the parameter's full name ('Conv_0.W');
//   2. neon's sublayer name: '<layer>_bias' (kind 'bias'), '<layer>_bnorm' (kind 'gamma' | 'beta');
//   3. the layer name ('Conv_0': all its parameters);
//   4. neon's primitive class: 'Bias' (bias), 'BatchNorm' (gamma, beta), 'Linear' (2-D weights),
//      'Convolution' (weights of rank ≥ 3);
//   5. 'default'.
// Each optimizer is called once per step with its parameters (none: not called, as neon).
import type { Param } from '../../layers/layer.ts';
import type { Optimizer, OptimizerConfig, OptimizerState } from './optimizer.ts';

export type OptimizerMapping = { default: Optimizer } & Record<string, Optimizer>;

function layerOf(param: Param): string {
  const dot = param.name.lastIndexOf('.');
  return dot < 0 ? param.name : param.name.slice(0, dot);
}

function classOf(param: Param): string {
  switch (param.kind) {
    case 'bias': return 'Bias';
    case 'gamma': case 'beta': return 'BatchNorm';
    default: return param.value.shape.length <= 2 ? 'Linear' : 'Convolution';
  }
}

export class MultiOptimizer implements Optimizer {
  readonly type = 'MultiOptimizer';
  readonly mapping: Readonly<OptimizerMapping>;
  private step = 0;

  constructor(mapping: OptimizerMapping) {
    if (!mapping || !mapping.default) throw new Error("MultiOptimizer: the mapping needs a 'default' optimizer");
    const seen = new Set<Optimizer>();
    for (const [key, opt] of Object.entries(mapping)) {
      if (!opt || typeof opt.optimize !== 'function') throw new Error(`MultiOptimizer: mapping '${key}' is not an optimizer`);
      if (opt instanceof MultiOptimizer) throw new Error(`MultiOptimizer: mapping '${key}' is itself a MultiOptimizer`);
      // One object under two keys would save its state twice and step twice per batch.
      if (seen.has(opt)) throw new Error(`MultiOptimizer: mapping '${key}' reuses an optimizer already mapped; create one per key`);
      seen.add(opt);
    }
    this.mapping = { ...mapping };
  }

  /** The mapping key that routes this parameter. */
  keyFor(param: Param): string {
    const layer = layerOf(param);
    const sub = param.kind === 'bias' ? `${layer}_bias` : param.kind === 'gamma' || param.kind === 'beta' ? `${layer}_bnorm` : null;
    for (const key of [param.name, sub, layer, classOf(param)]) {
      if (key !== null && key !== 'default' && Object.hasOwn(this.mapping, key)) return key;
    }
    return 'default';
  }

  optimize(params: readonly Param[], batchSize: number, epoch: number): void {
    const groups = new Map<string, Param[]>();
    for (const p of params) {
      const key = this.keyFor(p);
      const list = groups.get(key);
      if (list) list.push(p); else groups.set(key, [p]);
    }
    for (const [key, list] of groups) this.mapping[key].optimize(list, batchSize, epoch);
    this.step++;
  }

  getState(): OptimizerState {
    const children: Record<string, OptimizerState> = {};
    for (const [key, opt] of Object.entries(this.mapping)) children[key] = opt.getState();
    return { type: this.type, step: this.step, slots: [], children };
  }

  setState(state: OptimizerState): void {
    if (state?.type !== this.type || !state.children) throw new Error(`MultiOptimizer.setState: the state was saved by '${String(state?.type)}'`);
    const keys = Object.keys(this.mapping);
    const saved = Object.keys(state.children);
    if (keys.length !== saved.length || keys.some((k) => !Object.hasOwn(state.children ?? {}, k))) {
      throw new Error(`MultiOptimizer.setState: saved keys [${saved.join(', ')}] differ from the mapping [${keys.join(', ')}]`);
    }
    for (const key of keys) this.mapping[key].setState(state.children[key]);
    this.step = state.step;
  }

  config(): OptimizerConfig {
    const mapping: Record<string, OptimizerConfig> = {};
    for (const [key, opt] of Object.entries(this.mapping)) mapping[key] = opt.config();
    return { type: this.type, mapping };
  }

  dispose(): void {
    for (const opt of Object.values(this.mapping)) opt.dispose();
  }
}
