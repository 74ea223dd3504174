import type { DeviceBuffer } from '../backend.ts';
import type { KernelArgs } from '../../kernels.ts';
import { floats } from './buffer.ts';

type Args = KernelArgs<DeviceBuffer>['gemm'];

/** C = alpha·op(A)·op(B) + beta·C, one row of C at a time (i-k-j order), summed in float64. */
export function gemm({ a, b, c, m, n, k, transA, transB, alpha, beta }: Args): void {
  const A = floats(a, m * k, 'gemm a');
  const B = floats(b, k * n, 'gemm b');
  const C = floats(c, m * n, 'gemm c');
  // op(A)[i, p] and op(B)[p, j] as flat indices.
  const aAt = transA ? (i: number, p: number) => p * m + i : (i: number, p: number) => i * k + p;
  const bAt = transB ? (p: number, j: number) => j * k + p : (p: number, j: number) => p * n + j;
  const acc = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    acc.fill(0);
    for (let p = 0; p < k; p++) {
      const aip = A[aAt(i, p)];
      for (let j = 0; j < n; j++) acc[j] += aip * B[bAt(p, j)];
    }
    for (let j = 0; j < n; j++) {
      // beta = 0 must not read C: 0·NaN would be NaN.
      C[i * n + j] = beta === 0 ? alpha * acc[j] : alpha * acc[j] + beta * C[i * n + j];
    }
  }
}
