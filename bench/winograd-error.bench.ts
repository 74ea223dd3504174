// Why Argon's Winograd is F(2×2, 3×3) only: the float32 error of larger tiles against the tests'
// tolerance (|a − b| ≤ 1e-4·|b| + 1e-6 against float64, test/helpers.ts F32). For each tile size
// and interpolation point set, Toom–Cook matrices Aᵀ, G, Bᵀ are built (Lavin & Gray 2016, §4) and
// checked exact in float64, then random tiles (values in [−1, 1), 1 to 8 input channels, as in the
// tests) are convolved with every operation rounded to float32; the share of outputs outside the
// tolerance is printed. F(2×2, 3×3) has none; F(3×3) and F(4×4) have some with every point set
// tried (their transforms multiply by up to 4 or 8, and the rounding then exceeds the tolerance
// near zero).
// `npm run bench -- winograd-error`.
import type { Row, Suite } from './run.ts';

type Mat = number[][];
const f = Math.fround;

function polyMul(a: number[], b: number[]): number[] {
  const r = new Array<number>(a.length + b.length - 1).fill(0);
  a.forEach((x, i) => b.forEach((y, j) => { r[i + j] += x * y; }));
  return r;
}

/** Aᵀ (m×α), G (α×r), Bᵀ (α×α) of F(m, r) over the finite points `pts` and ∞ (α = m + r − 1). */
function toomCook(m: number, r: number, pts: number[]): { AT: Mat; G: Mat; BT: Mat } {
  const a = m + r - 1;
  const AT = Array.from({ length: m }, (_, j) => [...pts.map((p) => p ** j), j === m - 1 ? 1 : 0]);
  const G: Mat = pts.map((p, i) => {
    let den = 1;
    pts.forEach((q, l) => { if (l !== i) den *= p - q; });
    return Array.from({ length: r }, (_, k) => p ** k / den);
  });
  G.push(Array.from({ length: r }, (_, k) => (k === r - 1 ? 1 : 0)));
  const BT: Mat = pts.map((_, i) => {
    let poly = [1];
    pts.forEach((q, l) => { if (l !== i) poly = polyMul(poly, [-q, 1]); });
    return [...poly, 0].slice(0, a);
  });
  let M = [1];
  for (const q of pts) M = polyMul(M, [-q, 1]);
  BT.push(M);
  return { AT, G, BT };
}

const mul = (A: Mat, B: Mat, round: (v: number) => number): Mat =>
  A.map((row) => B[0].map((_, j) => row.reduce((s, x, k) => (x === 0 ? s : round(s + round(x * B[k][j]))), 0)));
const T = (A: Mat): Mat => A[0].map((_, j) => A.map((row) => row[j]));

/** Share of outputs of F(m×m, 3×3) outside F32's tolerance over random tiles with C channels. */
function violations(m: number, pts: number[], C: number, tiles: number, seed: number): { bad: number; total: number } {
  const { AT, G, BT } = toomCook(m, 3, pts);
  const a = m + 2;
  let s = seed >>> 0;
  const rnd = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return f(s / 2 ** 31 - 1); };
  let bad = 0, total = 0;
  for (let t = 0; t < tiles; t++) {
    const d = Array.from({ length: C }, () => Array.from({ length: a }, () => Array.from({ length: a }, rnd)));
    const g = Array.from({ length: C }, () => Array.from({ length: 3 }, () => Array.from({ length: 3 }, rnd)));
    const winograd = (round: (v: number) => number): Mat => {
      const acc = Array.from({ length: a }, () => new Array<number>(a).fill(0));
      for (let c = 0; c < C; c++) {
        const U = mul(mul(G, g[c], round), T(G), round), V = mul(mul(BT, d[c], round), T(BT), round);
        for (let i = 0; i < a; i++) for (let j = 0; j < a; j++) acc[i][j] = round(acc[i][j] + round(U[i][j] * V[i][j]));
      }
      return mul(mul(AT, acc, round), T(AT), round);
    };
    const y = winograd(f), y64 = t === 0 ? winograd((v) => v) : null;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
      let exact = 0;
      for (let c = 0; c < C; c++) for (let u = 0; u < 3; u++) for (let v = 0; v < 3; v++) exact += d[c][i + u][j + v] * g[c][u][v];
      if (y64 && Math.abs(y64[i][j] - exact) > 1e-9) throw new Error(`F(${m}, 3) over ${pts.join(', ')}: the matrices are wrong`);
      total++;
      if (Math.abs(y[i][j] - exact) > 1e-4 * Math.abs(exact) + 1e-6) bad++;
    }
  }
  return { bad, total };
}

const CASES: [string, number, number[]][] = [
  ['F(2×2, 3×3), points 0, ±1', 2, [0, 1, -1]],
  ['F(3×3, 3×3), points 0, ±1, 2', 3, [0, 1, -1, 2]],
  ['F(3×3, 3×3), points 0, ±1, ½', 3, [0, 1, -1, 0.5]],
  ['F(4×4, 3×3), points 0, ±1, ±2', 4, [0, 1, -1, 2, -2]],
  ['F(4×4, 3×3), points 0, ±1, ±½', 4, [0, 1, -1, 0.5, -0.5]],
  ['F(4×4, 3×3), points 0, ±1, ½, −2', 4, [0, 1, -1, 0.5, -2]],
  ['F(4×4, 3×3), points 0, ±1, 2, −½', 4, [0, 1, -1, 2, -0.5]],
];

export const winogradErrorSuite: Suite = {
  name: 'winograd-error',
  async run() {
    const rows: Row[] = [];
    for (const [name, m, pts] of CASES) {
      let bad = 0, total = 0;
      for (const C of [1, 3, 8]) {
        const r = violations(m, pts, C, 400, 17 + C);
        bad += r.bad;
        total += r.total;
      }
      rows.push({ case: `${name}: outputs outside rtol 1e-4, atol 1e-6`, value: bad, unit: `of ${total} (${((100 * bad) / total).toFixed(2)} %, 1–8 channels)` });
    }
    return rows;
  },
};
