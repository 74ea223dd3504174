// Calibrates the convolution cost model of src/ops/conv-plan.ts (CONV_COST) on this machine: times
// every algorithm's passes on the course networks' 3×3 layers (conv-algos.bench.ts, 1 thread, CPU
// time, which a shared machine disturbs least), and the direct weight gradient on the few-channel
// first layers, fits the model's seven constants by least squares on
// relative error (non-negative), and prints them with each sample's fit and, per layer, the
// planner's choice next to the measured fastest. `npm run bench -- calibrate`; paste the printed
// constants into CONV_COST.
import os from 'node:os';
import { createWasmBackend } from '../src/backends/wasm/backend.ts';
import { windowGeometry } from '../src/shape.ts';
import { CONV_COST, convCosts, passFeatures } from '../src/ops/conv-plan.ts';
import { FIRST_LAYERS, LAYERS, timeLayer, type LayerCase, type LayerTiming } from './conv-algos.bench.ts';
import type { Row, Suite } from './run.ts';

/** The model's features for one timed pass (src/ops/conv-plan.ts passFeatures; the direct
 *  algorithm's forward pass is the tiled one). */
function features(c: LayerCase, pass: LayerTiming['pass'], algo: LayerTiming['algo']): number[] {
  const win = c.window ?? 3;
  const g = windowGeometry('calibrate', c.x, [win, win], { pad: c.pad, dilation: c.dilation, stride: c.stride ?? 1 }, false);
  const way = algo === 'winograd' ? 'winograd' : algo === 'direct' && pass === 'weightGrad' ? 'direct' : 'gemm';
  const f = passFeatures(g, c.k, pass, way);
  if (!f) throw new Error(`calibrate: ${c.name} has no ${algo} ${pass}`);
  return f;
}

/** Solves (AᵀA)p = Aᵀb by Gaussian elimination over the free parameters; parameters that come out
 *  negative are fixed at 0 and the rest refitted (a small active-set non-negative least squares). */
function nnls(A: number[][], b: number[]): number[] {
  const n = A[0].length;
  const free = new Array<boolean>(n).fill(true);
  for (;;) {
    const idx = [...Array(n).keys()].filter((i) => free[i]);
    const M = idx.map((i) => idx.map((j) => A.reduce((s, row) => s + row[i] * row[j], 0)));
    const v = idx.map((i) => A.reduce((s, row, r) => s + row[i] * b[r], 0));
    for (let col = 0; col < idx.length; col++) {
      let piv = col;
      for (let r = col + 1; r < idx.length; r++) if (Math.abs(M[r][col]) > Math.abs(M[piv][col])) piv = r;
      [M[col], M[piv]] = [M[piv], M[col]];
      [v[col], v[piv]] = [v[piv], v[col]];
      for (let r = 0; r < idx.length; r++) {
        if (r === col || M[col][col] === 0) continue;
        const f = M[r][col] / M[col][col];
        for (let k = col; k < idx.length; k++) M[r][k] -= f * M[col][k];
        v[r] -= f * v[col];
      }
    }
    const p = new Array<number>(n).fill(0);
    idx.forEach((i, k) => { p[i] = M[k][k] === 0 ? 0 : v[k] / M[k][k]; });
    const neg = idx.filter((i) => p[i] < 0);
    if (neg.length === 0) return p;
    for (const i of neg) free[i] = false;
  }
}

export const calibrateSuite: Suite = {
  name: 'calibrate',
  async run() {
    const be = await createWasmBackend({ threads: 1 });
    const samples: { t: LayerTiming; f: number[] }[] = [];
    for (const c of LAYERS) for (const t of timeLayer(be, c, 5)) samples.push({ t, f: features(c, t.pass, t.algo) });
    for (const c of FIRST_LAYERS) {
      for (const t of timeLayer(be, c, 5, ['im2col', 'tiled', 'direct'], ['forward', 'weightGrad'])) samples.push({ t, f: features(c, t.pass, t.algo) });
    }
    await be.close();
    // Relative error: each row divided by its measured ns.
    const A = samples.map((s) => s.f.map((v) => v / (s.t.cpuMs * 1e6)));
    const p = nnls(A, samples.map(() => 1));
    const rate = 1 / p[0], k0 = p[1] / p[0];
    console.log(`fitted on ${samples.length} samples, load average ${os.loadavg()[0].toFixed(2)}:`);
    console.log(`  rate: ${rate.toFixed(2)}, k0: ${k0.toFixed(2)}, copy: ${p[2].toFixed(3)}, transformIn: ${p[3].toFixed(3)}, ` +
      `transformOut: ${p[4].toFixed(3)}, filter: ${p[5].toFixed(3)}, directWeightGrad: ${p[6].toFixed(4)}`);
    console.log(`  (in use: ${JSON.stringify(CONV_COST)})`);
    const rows: Row[] = [];
    for (const s of samples) {
      const model = s.f.reduce((acc, v, i) => acc + v * p[i], 0) / 1e6;
      rows.push({ case: `${s.t.layer.name} ${s.t.pass} ${s.t.algo} measured ${s.t.cpuMs.toFixed(1)} ms cpu, model`, value: model, unit: 'ms' });
    }
    for (const c of LAYERS) {
      const g = windowGeometry('calibrate', c.x, [3, 3], { pad: c.pad, dilation: c.dilation }, false);
      const costs = convCosts(g, c.k, { weightGrad: true, inputGrad: true });
      const sum = (algo: LayerTiming['algo']) => samples.filter((s) => s.t.layer === c && s.t.algo === algo).reduce((a, s) => a + s.t.cpuMs, 0);
      const gemm = Math.min(sum('im2col'), sum('tiled')), wino = sum('winograd');
      rows.push({
        case: `${c.name} training: planner says ${costs.winograd !== null && costs.winograd < costs.gemm ? 'winograd' : 'gemm'}, measured winograd/gemm`,
        value: wino / gemm, unit: '×',
      });
    }
    return rows;
  },
};
