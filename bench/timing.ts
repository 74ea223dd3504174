// Median time of a few calls, measured with tinybench (a fixed number of iterations, no time budget:
// the heavy workloads take 0.1–10 s per call).
import { Bench } from 'tinybench';

export async function medianMs(fn: () => unknown, iterations: number, warmup = 1): Promise<number> {
  const bench = new Bench({ iterations, time: 0, warmupIterations: warmup, warmupTime: 0, throws: true });
  bench.add('task', async () => { await fn(); });
  await bench.run();
  const r = bench.tasks[0].result;
  if (r?.state !== 'completed') throw new Error(`benchmark did not complete (${r?.state ?? 'no result'})`);
  return r.latency.p50;
}
