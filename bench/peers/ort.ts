// ONNX Runtime Web (wasm execution provider, run in Node) in the comparison: inference only (its
// training build was removed in 1.19). Graphs come from bench/onnx-nets.ts, written by our own
// bench/onnx-writer.ts. `node --import tsx bench/peers/ort.ts [--threads N] [--iters N] id…`
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { cnn1Graph, matmulGraph, resnet18Graph } from '../onnx-nets.ts';
import { encodeModel, type OnnxGraph } from '../onnx-writer.ts';
import { medianMs } from '../timing.ts';
import { NETS, WORKLOADS, emit, parseWorkload, type WorkloadId } from '../workloads.ts';

const { values, positionals } = parseArgs({
  options: { threads: { type: 'string', default: '2' }, iters: { type: 'string', default: '3' } }, allowPositionals: true,
});
const iters = Number(values.iters);
ort.env.wasm.numThreads = Number(values.threads);
const peer = 'ONNX Runtime Web';
const note = `wasm EP, ${ort.env.wasm.numThreads} thread${ort.env.wasm.numThreads > 1 ? 's' : ''}, onnxruntime-web ${ort.env.versions.web}`;

async function time(g: OnnxGraph, iterations: number, warmup: number): Promise<number> {
  const session = await ort.InferenceSession.create(encodeModel(g), { executionProviders: ['wasm'] });
  const dims = g.input.dims;
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1)).map((_, i) => (i % 255) / 128);
  const feeds = { [g.input.name]: new ort.Tensor('float32', data, dims) };
  const ms = await medianMs(() => session.run(feeds), iterations, warmup);
  await session.release();
  return ms;
}

for (const id of (positionals.length ? positionals : WORKLOADS) as WorkloadId[]) {
  const w = parseWorkload(id);
  try {
    if (!w) {
      const ms = await time(matmulGraph(1024), Math.max(iters, 7), 2);
      emit({ workload: id, peer, value: (2 * 1024 ** 3) / (ms * 1e6), unit: 'GFLOP/s', note });
      continue;
    }
    if (w.mode === 'train') {
      emit({ workload: id, peer, skip: 'inference only (the onnxruntime-web training build was removed in 1.19)' });
      continue;
    }
    const spec = NETS[w.net];
    const g = w.net === 'resnet18' ? resnet18Graph(spec.input, spec.nclass, spec.batch)
      : cnn1Graph(spec.input, spec.nclass, spec.dilation ?? 1, spec.batch);
    const ms = await time(g, iters, 1);
    emit({ workload: id, peer, value: spec.batch / (ms / 1000), unit: 'img/s', note });
  } catch (e) {
    emit({ workload: id, peer, skip: `failed: ${(e as Error).message.split('\n')[0].slice(0, 160)}` });
  }
}
