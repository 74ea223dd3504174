// `npm run bench:gpu`: one CNN-1 and one ResNet-18 training step on the GPU path (webgl, in
// Chromium) against the CPU path (wasm, same page, same machine). The GPU path lives in browsers,
// so the benchmark drives headless Chromium.
//
// On a machine without a GPU, Chromium renders WebGL with SwiftShader on the CPU: the numbers then
// say nothing about GPUs, and the sizes shrink so the run ends in minutes (it says so).
// Options: --cnn-batch N --resnet-batch N --size S --steps K; CHROMIUM_PATH; ARGON_GPU_FLAGS
// (extra Chromium flags, e.g. "--use-angle=vulkan --enable-features=Vulkan" on Linux with a GPU).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundlePage, CHROMIUM, chromiumMissing, REPO, serve } from '../test/browser/harness.ts';
import { chromium } from 'playwright-core';
import type { BenchCase, BenchRow, runBench } from './gpu-page.ts';
import type { convBreakdown } from './gpu-conv.ts';

const arg = (name: string): number | null => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : null;
};

const missing = chromiumMissing();
if (missing) {
  console.error(`bench:gpu needs Chromium: ${missing}`);
  process.exit(1);
}
// Real GPUs: no forced SwiftShader. Without one Chromium still falls back to SwiftShader.
const flags = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
  '--ignore-gpu-blocklist', '--enable-unsafe-swiftshader', ...(process.env.ARGON_GPU_FLAGS?.split(/\s+/).filter(Boolean) ?? [])];

const out = join(REPO, 'build/bench-gpu');
await bundlePage(join(REPO, 'bench/gpu-page.ts'), out);
writeFileSync(join(out, 'index.html'), '<!doctype html><title>argon bench:gpu</title><script type="module" src="gpu-page.js"></script>\n');
const server = await serve(REPO);
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: flags });
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${server.url}/build/bench-gpu/index.html`);
  await page.waitForFunction(() => 'argonBench' in globalThis);
  const probe = await page.evaluate(() => (globalThis as unknown as { argonBench: { probe(): { renderer: string; software: boolean } } }).argonBench.probe());
  const soft = probe.software;
  const size = arg('size') ?? 64;
  const steps = arg('steps') ?? (soft ? 1 : 5);
  const cases: BenchCase[] = [
    { net: 'cnn1', batch: arg('cnn-batch') ?? (soft ? 8 : 128), size, steps },
    { net: 'resnet18', batch: arg('resnet-batch') ?? (soft ? 1 : 32), size, steps },
  ];
  console.log(`renderer: ${probe.renderer}${soft ? '  (SOFTWARE: SwiftShader runs the shaders on the CPU; sizes reduced, GPU numbers are not GPU numbers)' : ''}`);
  const t0 = Date.now();
  const r = await page.evaluate((c) => (globalThis as unknown as { argonBench: { runBench: typeof runBench } }).argonBench.runBench(c), cases);
  console.log(`cpu path: ${r.cpu}; auto would pick: ${r.auto}`);
  console.log('net       backend  batch  input    first step (compile)  steady step     img/s    first loss');
  const fmt = (row: BenchRow): string => {
    const steady = row.stepMs.length ? row.stepMs.reduce((a, b) => a + b, 0) / row.stepMs.length : NaN;
    return `${row.net.padEnd(9)} ${row.backend.padEnd(8)} ${String(row.batch).padStart(5)}  3×${row.size}×${row.size}  ` +
      `${(row.firstStepMs / 1000).toFixed(2).padStart(9)} s          ${Number.isNaN(steady) ? '      –' : `${(steady / 1000).toFixed(3).padStart(8)} s`}  ` +
      `${row.imagesPerSecond.toFixed(1).padStart(8)}   ${row.firstLoss.toFixed(5)}`;
  };
  for (const row of r.rows) console.log(fmt(row));
  for (const net of ['cnn1', 'resnet18']) {
    const [g, c] = [r.rows.find((x) => x.net === net && x.backend === 'webgl'), r.rows.find((x) => x.net === net && x.backend === 'wasm')];
    if (g && c) {
      console.log(`${net}: gpu/cpu speed ${(g.imagesPerSecond / c.imagesPerSecond).toFixed(2)}×; first-step loss gpu ${g.firstLoss.toFixed(5)} vs cpu ${c.firstLoss.toFixed(5)} ` +
        `(${(Math.abs(g.firstLoss - c.firstLoss) / Math.abs(c.firstLoss) * 100).toFixed(3)} % apart)`);
    }
  }
  const cb = await page.evaluate(([b, s]) => (globalThis as unknown as { argonBench: { convBreakdown: typeof convBreakdown } }).argonBench.convBreakdown(b, s, 2),
    [soft ? 2 : 32, soft ? 16 : 32] as const);
  console.log(`conv strategy (${cb.shape}): im2col ${cb.im2colMs.toFixed(1)} ms + GEMM ${cb.gemmMs.toFixed(1)} ms = ` +
    `${(cb.im2colMs + cb.gemmMs).toFixed(1)} ms; direct shader ${cb.directMs.toFixed(1)} ms (max |diff| ${cb.maxDiff.toExponential(1)})`);
  console.log(`total ${((Date.now() - t0) / 1000).toFixed(0)} s`);
} finally {
  await browser.close();
  await server.close();
}
