// Numeric gradient check by central differences: the analytic gradient of L = Σ r·f(inputs), for a
// fixed random r, against (L(x + h) − L(x − h)) / 2h for every input element. Meant for a float64
// backend (ref-f64); in float32 the differences are too coarse to say much.
import { Random } from '../random.ts';
import { Tensor, tidy } from '../tensor.ts';
import { backward } from './engine.ts';
import { noGrad } from './mode.ts';

export interface GradCheckOptions {
  /** Step h (default 1e-6). */
  step?: number;
  rtol?: number;
  atol?: number;
  seed?: number;
}

export interface GradCheckMismatch { input: number; index: number; analytic: number; numeric: number }
export interface GradCheckResult { ok: boolean; checked: number; worst: GradCheckMismatch | null; mismatches: GradCheckMismatch[] }

/**
 * Checks the gradients of `f` at `inputs` (tensors with requiresGrad set). `f` must be deterministic:
 * build any random mask inside it from a fixed seed. Inputs are restored afterwards.
 */
export function gradCheck(f: (inputs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradCheckOptions = {}): GradCheckResult {
  const h = opts.step ?? 1e-6, rtol = opts.rtol ?? 1e-6, atol = opts.atol ?? 1e-9;
  const backend = inputs[0].backend;
  const random = new Random(opts.seed ?? 7);

  for (const x of inputs) { x.grad?.dispose(); x.grad = null; }
  const projection = tidy(() => {
    const y = f(inputs);
    const r = new Float64Array(y.size);
    for (let i = 0; i < r.length; i++) r[i] = random.uniform() * 2 - 1;
    const rt = Tensor.fromArray(backend, r, y.shape);
    backward(y, rt);
    return r;
  });
  const analytic = inputs.map((x) => (x.grad ? Float64Array.from(x.grad.toArray()) : new Float64Array(x.size)));

  const objective = () => noGrad(() => tidy(() => {
    const y = f(inputs).toArray();
    let s = 0;
    for (let i = 0; i < y.length; i++) s += projection[i] * y[i];
    return s;
  }));

  const mismatches: GradCheckMismatch[] = [];
  let worst: GradCheckMismatch | null = null, worstExcess = 0, checked = 0;
  inputs.forEach((x, input) => {
    const values = Float64Array.from(x.toArray());
    for (let index = 0; index < values.length; index++) {
      const v = values[index];
      backend.write(x.buf, [v + h], index);
      const up = objective();
      backend.write(x.buf, [v - h], index);
      const down = objective();
      backend.write(x.buf, [v], index);
      const numeric = (up - down) / (2 * h);
      const a = analytic[input][index];
      const excess = Math.abs(a - numeric) / (rtol * Math.abs(numeric) + atol);
      checked++;
      if (!(excess <= 1)) {
        const m = { input, index, analytic: a, numeric };
        mismatches.push(m);
        if (!(excess <= worstExcess)) { worst = m; worstExcess = excess; }
      }
    }
  });
  return { ok: mismatches.length === 0, checked, worst, mismatches };
}
