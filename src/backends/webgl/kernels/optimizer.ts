// Optimizer steps (neon optimizer.py: GradientDescentMomentum :416-539, RMSProp :542-633,
// Adam :825-930), each one pass: a kernel map writes the new weights and every new state buffer
// together (render targets), so each step reads w, g and the state once.
import type { WebglBuffer } from '../buffer.ts';
import type { GpuRuntime } from '../runtime.ts';
import { flatReader, OUT_TEXEL, type Shader } from '../shader.ts';
import { buf, type WebglKernel } from './common.ts';
import { KEEP_TAIL } from './map.ts';

/** A step over textures `inputs` whose body (GLSL, with vec4 locals named as the inputs) leaves the
 *  new weights in `wn` and the new states in `outs[1…]`; over a partial length the lanes from n
 *  on keep the old values. */
function stepShader(name: string, inputs: string[], scalars: string[], body: string, outs: [string, string][]): Shader {
  return {
    name, textures: inputs, scalars, targets: outs.length,
    glsl: (c) => `${inputs.map(flatReader).join('')}${KEEP_TAIL}
vec4 argonMain(int x, int y, ${scalars.map((s) => `float ${s}`).join(', ')}) {
  ${OUT_TEXEL}
  ${inputs.map((i) => `vec4 ${i} = ld_${i}(t);`).join(' ')}
  ${body}
  ${outs.map(([nw, old], i) => `${i === 0 ? 'vec4 r' : `argonT${i}`} = ${c.partial ? `keepTail(${nw}, ${old}, t)` : nw};`).join('\n  ')}
  return r;
}`,
  };
}

const SGD = stepShader('sgd', ['w', 'g', 'v'], ['lr', 'momentum', 'wdecay', 'gradScale'], `
  vec4 gp = gradScale * g + wdecay * w;
  vec4 vn = momentum * v - lr * gp;
  vec4 wn = constants_nesterov == 1 ? w + momentum * vn - lr * gp : w + vn;`, [['wn', 'w'], ['vn', 'v']]);

const SGD_PLAIN = stepShader('sgdPlain', ['w', 'g'], ['lr', 'wdecay', 'gradScale'], `
  vec4 wn = w - lr * (gradScale * g + wdecay * w);`, [['wn', 'w']]);

const ADAM = stepShader('adam', ['w', 'g', 'm', 'v'], ['l', 'beta1', 'beta2', 'eps', 'gradScale'], `
  vec4 gp = gradScale * g;
  vec4 mn = beta1 * m + (1.0 - beta1) * gp;
  vec4 vn = beta2 * v + (1.0 - beta2) * gp * gp;
  vec4 wn = w - l * mn / (sqrt(vn) + eps);`, [['wn', 'w'], ['mn', 'm'], ['vn', 'v']]);

const ADAGRAD = stepShader('adagrad', ['w', 'g', 'acc'], ['lr', 'eps', 'gradScale'], `
  vec4 gp = gradScale * g;
  vec4 an = acc + gp * gp;
  vec4 wn = w - lr * gp / sqrt(an + eps);`, [['wn', 'w'], ['an', 'acc']]);

const RMSPROP = stepShader('rmsprop', ['w', 'g', 'm'], ['lr', 'decay', 'eps', 'gradScale'], `
  vec4 gp = gradScale * g;
  vec4 mn = decay * m + (1.0 - decay) * gp * gp;
  vec4 wn = w - lr * gp / (sqrt(mn + eps) + eps);`, [['wn', 'w'], ['mn', 'm']]);

/** Runs a step shader over the first n values and stores target i into outs[i]. */
function step(rt: GpuRuntime, s: Shader, n: number, inputs: WebglBuffer[], outs: WebglBuffer[], scalars: number[], extra: Record<string, number> = {}): void {
  const l = rt.layout(outs[0].size);
  for (const o of outs) {
    if (o.size !== outs[0].size) throw new Error(`webgl backend: ${s.name} state buffers differ in size (${o.size} vs ${outs[0].size})`);
  }
  const texes = rt.run(s, l, { ...extra, n, partial: n < l.size ? 1 : 0 }, [...inputs, ...scalars]);
  outs.forEach((o, i) => rt.assign(o, texes[i]));
}

export const sgdUpdate: WebglKernel<'sgdUpdate'> = (rt, { w, g, v, n, lr, momentum, wdecay, gradScale, nesterov }) => {
  if (n === 0) return;
  const W = buf(w, n, 'sgdUpdate w'), G = buf(g, n, 'sgdUpdate g');
  if (momentum === 0) {
    step(rt, SGD_PLAIN, n, [W, G], [W], [lr, wdecay, gradScale]);
    return;
  }
  const V = buf(v, n, 'sgdUpdate v');
  step(rt, SGD, n, [W, G, V], [W, V], [lr, momentum, wdecay, gradScale], { nesterov: nesterov ? 1 : 0 });
};

export const adamUpdate: WebglKernel<'adamUpdate'> = (rt, { w, g, m, v, n, lr, beta1, beta2, eps, gradScale, step: t }) => {
  if (!Number.isInteger(t) || t < 1) throw new Error(`webgl backend: adamUpdate step must be an integer ≥ 1, got ${t}`);
  if (n === 0) return;
  const W = buf(w, n, 'adamUpdate w'), G = buf(g, n, 'adamUpdate g'), M = buf(m, n, 'adamUpdate m'), V = buf(v, n, 'adamUpdate v');
  const l = lr * Math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t);
  step(rt, ADAM, n, [W, G, M, V], [W, M, V], [l, beta1, beta2, eps, gradScale]);
};

export const adagradUpdate: WebglKernel<'adagradUpdate'> = (rt, { w, g, acc, n, lr, eps, gradScale }) => {
  if (n === 0) return;
  const W = buf(w, n, 'adagradUpdate w'), G = buf(g, n, 'adagradUpdate g'), A = buf(acc, n, 'adagradUpdate acc');
  step(rt, ADAGRAD, n, [W, G, A], [W, A], [lr, eps, gradScale]);
};

export const rmspropUpdate: WebglKernel<'rmspropUpdate'> = (rt, { w, g, m, n, lr, decay, eps, gradScale }) => {
  if (n === 0) return;
  const W = buf(w, n, 'rmspropUpdate w'), G = buf(g, n, 'rmspropUpdate g'), M = buf(m, n, 'rmspropUpdate m');
  step(rt, RMSPROP, n, [W, G, M], [W, M], [lr, decay, eps, gradScale]);
};
