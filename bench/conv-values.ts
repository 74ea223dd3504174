// Deterministic benchmark data for the conv benches: a smooth, sign-mixed sequence in [-0.5, 0.5]
// (the same for every run, so timings never depend on the random data's denormals or zeros).
export function benchValues(n: number, seed = 0): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(i * 12.9898 + seed) * 0.5;
  return v;
}
