// `npm run bench:scaling`: ResNet-18 (the course's, 2 classes) on the wasm backend: inference time per
// image at batch 1, 8, 32, 128 × input 32, 64, 128, 224 px, and training time per image at input
// 32, 64, 128 px (batch 32), each with its memory next to summary()'s estimate. Prints a markdown
// table for the README.
//
// Measured memory follows DESIGN.md §4: the peak WebAssembly.Memory byte length during the run
// minus its length before the model was built (a fresh backend per row, so earlier rows do not
// count; wasm memory never shrinks, so its final length is its peak). It includes what the
// allocator adds: size classes (≤ 12.5 % per block) and amortised growth (≥ 1/8 of the memory per
// grow). The heap's own live peak (bytes held by buffers at the worst moment) is shown beside it.
// Estimate: summary()'s training memory (momentum SGD) for training rows; for inference rows an
// upper bound, its parameters + state + input + every layer's output (inference frees each output
// once the next layer has read it, and tiles im2col into a cache-sized buffer per thread) + what
// its Winograd and dense layers keep derived from their weights (summary's keptFilters).
//   npm run bench:scaling [-- --quick] [-- --training] [-- --threads N]   (--training: its rows only)
import { parseArgs } from 'node:util';
import { createWasmBackend } from '../src/backends/wasm/backend.ts';
import { summarize } from '../src/summary.ts';
import { argonRunner } from './argon-workloads.ts';
import { medianMs } from './timing.ts';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, training: { type: 'boolean', default: false }, threads: { type: 'string' } },
});
const threads = values.threads === undefined ? undefined : Number(values.threads);
const MIB = 2 ** 20;

interface Row {
  mode: 'inference' | 'training'; px: number; batch: number; msPerImage: number; measured: number; live: number; estimate: number;
  /** Why the row has no timing (out of memory). */
  failed?: string;
}

async function measure(mode: Row['mode'], px: number, batch: number): Promise<Row> {
  const be = await createWasmBackend({ threads });
  const before = be.wasmMemory.buffer.byteLength;
  be.resetPeak();
  const liveBefore = be.memory().bytesInUse;
  const runner = argonRunner(be, 'resnet18', batch, [3, px, px], 2);
  const s = summarize(runner.root, { inputShape: [3, px, px], batchSize: batch, scratchBytes: be.convScratchBytes.bind(be) });
  const m = s.memory;
  const estimate = mode === 'training' ? m.total : m.parameters + m.state + m.input + m.activations + m.keptFilters;
  const heavy = batch * px * px >= 32 * 128 * 128;
  let ms = NaN, failed: string | undefined;
  try {
    // Small batches take milliseconds, where another process's burst moves one sample a lot: more samples.
    const reps = heavy || values.quick ? 1 : batch <= 8 ? 11 : 3;
    ms = await medianMs(mode === 'training' ? runner.train : runner.infer, reps, heavy ? 0 : 1);
  } catch (e) {
    // wasm32 caps the heap at 4 GiB; the error says so.
    failed = (e as Error).message.includes('out of memory') ? 'out of memory (wasm32: 4 GiB)' : (e as Error).message;
  }
  const row: Row = {
    mode, px, batch, msPerImage: ms / batch, failed,
    measured: be.wasmMemory.buffer.byteLength - before, live: be.memory().peakBytes - liveBefore, estimate,
  };
  runner.dispose();
  await be.close();
  process.stderr.write(`${mode} ${px}px batch ${batch}: ${failed ?? `${row.msPerImage.toFixed(2)} ms/image`}, ` +
    `measured ${mib(row.measured)} MiB, live ${mib(row.live)} MiB, estimate ${mib(estimate)} MiB\n`);
  return row;
}

const mib = (b: number) => (b / MIB).toFixed(0);
const pct = (a: number, b: number) => `${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(0)} %`;

const rows: Row[] = [];
const started = Date.now();
const inferPx = values.training ? [] : values.quick ? [32, 64] : [32, 64, 128, 224];
const inferBatch = values.quick ? [1, 32] : [1, 8, 32, 128];
for (const px of inferPx) {
  for (const batch of inferBatch) {
    rows.push(await measure('inference', px, batch));
  }
}
for (const px of values.quick ? [32, 64] : [32, 64, 128]) {
  rows.push(await measure('training', px, 32));
}

const be = await createWasmBackend({ threads });
const setup = `${be.threads} thread${be.threads > 1 ? 's' : ''}, ${be.variant === 'relaxed' ? 'relaxed SIMD' : 'SIMD'}`;
await be.close();
console.log(`ResNet-18 (course variant, 2 classes) on the wasm backend, ${setup}; ${((Date.now() - started) / 1000).toFixed(0)} s.`);
console.log('Memory in MiB: measured = growth of the WebAssembly.Memory (DESIGN.md §4); live = peak bytes held by buffers; ' +
  'estimate = summary() (training: its total; inference, an upper bound: parameters + state + input + all activations).\n');
console.log('| mode | input | batch | ms / image | images/s | measured | live peak | estimate | estimate vs measured |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const speed = r.failed ? `${r.failed} | –` : `${r.msPerImage.toFixed(2)} | ${(1000 / r.msPerImage).toFixed(1)}`;
  console.log(`| ${r.mode} | ${r.px}×${r.px} | ${r.batch} | ${speed} | ${mib(r.measured)} | ${mib(r.live)} | ${mib(r.estimate)} | ` +
    `${r.failed ? '–' : pct(r.estimate, r.measured)} |`);
}
