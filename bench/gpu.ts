// `npm run bench:gpu [-- --peers] [--quick] [--reps N] [--only TEXT]`: Argon's GPU path (webgl, in
// headless Chromium) on matmul, convolution passes, pooling, BatchNorm and whole training steps;
// with --peers TF.js's webgl backend runs the same workloads in the same page, rep by rep in turn,
// and each row prints both median times, TF.js time / Argon time (> 1: Argon is faster), the
// first (compiling) runs, how far the two results are apart, and Argon's texture fetches per
// multiply-add (from its kernels' loop counts). Results also go to build/bench-gpu/results.json.
//
// Without a GPU, Chromium renders WebGL with SwiftShader on the CPU: the numbers then compare two
// engines on that renderer, and say nothing about GPUs. CHROMIUM_PATH picks the browser;
// ARGON_GPU_FLAGS adds Chromium flags (e.g. "--use-angle=vulkan --enable-features=Vulkan").
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { bundlePage, CHROMIUM, chromiumMissing, REPO, serve } from '../test/browser/harness.ts';
import type { probe, Row, runKernel, runNet, workloadNames } from './gpu-page.ts';

interface PageApi { probe: typeof probe; workloadNames: typeof workloadNames; runKernel: typeof runKernel; runNet: typeof runNet }

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const value = (name: string): string | null => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] ?? null : null; };
const peers = flag('peers'), quick = flag('quick');
const reps = Number(value('reps') ?? 3);
const only = value('only');
if (!Number.isInteger(reps) || reps < 1) {
  console.error(`bench:gpu: --reps must be a positive integer, got ${value('reps')}`);
  process.exit(2);
}
const missing = chromiumMissing();
if (missing) {
  console.error(`bench:gpu needs Chromium: ${missing}`);
  process.exit(1);
}

const median = (v: number[]): number => { const s = [...v].sort((a, b) => a - b); return s.length ? s[s.length >> 1] : NaN; };
const ms = (v: number | null): string => (v === null || Number.isNaN(v) ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);

const out = join(REPO, 'build/bench-gpu');
await bundlePage(join(REPO, 'bench/gpu-page.ts'), out);
writeFileSync(join(out, 'index.html'), '<!doctype html><title>argon bench:gpu</title><script type="module" src="gpu-page.js"></script>\n');
const server = await serve(REPO);
const flags = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
  '--ignore-gpu-blocklist', '--enable-unsafe-swiftshader', ...(process.env.ARGON_GPU_FLAGS?.split(/\s+/).filter(Boolean) ?? [])];
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: flags });
const rows: (Row & { kind: string })[] = [];
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  page.setDefaultTimeout(0);
  await page.goto(`${server.url}/build/bench-gpu/index.html`);
  await page.waitForFunction(() => 'argonGpuBench' in globalThis);
  const p = await page.evaluate(() => (globalThis as unknown as { argonGpuBench: PageApi }).argonGpuBench.probe());
  console.log(`renderer: ${p.renderer} (MAX_TEXTURE_SIZE ${p.maxTextureSize})${p.software ? '  — a SOFTWARE renderer: shaders run on the CPU' : ''}`);
  console.log(`browser: ${browser.version()}; ${peers ? 'Argon webgl vs TF.js 4.22 webgl (float32), interleaved' : 'Argon webgl only (add --peers for TF.js)'}; ${reps} timed runs each, medians\n`);
  const names = await page.evaluate((q) => (globalThis as unknown as { argonGpuBench: PageApi }).argonGpuBench.workloadNames(q), quick);
  const head = `${'workload'.padEnd(52)} ${'Argon'.padStart(9)} ${peers ? `${'TF.js'.padStart(9)} ${'TF/Argon'.padStart(8)} ` : ''}${'first run'.padStart(19)}  fetch/MAC${peers ? '  diff' : ''}`;
  console.log(head);
  for (const [kind, list] of [['kernel', names.kernels], ['net', names.nets]] as const) {
    for (const name of list) {
      if (only && !name.includes(only)) continue;
      const row = kind === 'net'
        ? await page.evaluate(([n, r, q]) => (globalThis as unknown as { argonGpuBench: PageApi }).argonGpuBench.runNet(n, r, q), [name, reps, peers] as const)
        : await page.evaluate(([n, r, q]) => (globalThis as unknown as { argonGpuBench: PageApi }).argonGpuBench.runKernel(n, r, q), [name, reps, peers] as const);
      rows.push({ ...row, kind });
      const a = median(row.argonMs), t = median(row.tfMs);
      console.log(`${name.padEnd(52)} ${ms(a).padStart(9)} ${peers ? `${ms(t).padStart(9)} ${(t / a).toFixed(2).padStart(7)}× ` : ''}` +
        `${`${ms(row.argonFirstMs)}${row.tfFirstMs !== null ? ` / ${ms(row.tfFirstMs)}` : ''}`.padStart(19)}  ` +
        `${row.fetchesPerMac === null ? '    –' : row.fetchesPerMac.toFixed(3).padStart(9)}${row.diff !== null ? `  ${row.diff.toExponential(1)}` : ''}` +
        `${row.cpuMs.length ? `   cpu path ${ms(median(row.cpuMs))}` : ''}${row.note ? `   (${row.note})` : ''}`);
    }
  }
  writeFileSync(join(out, 'results.json'), JSON.stringify({ renderer: p.renderer, software: p.software, browser: browser.version(), peers, reps, rows }, null, 1));
  const bad = rows.filter((r) => r.diff !== null && !(r.diff <= (r.kind === 'net' ? 2e-3 : 1e-3)));
  if (bad.length) {
    console.error(`\nresults disagree (relative difference above 1e-3, 2e-3 for losses): ${bad.map((r) => r.name).join('; ')}`);
    process.exitCode = 1;
  } else if (peers) {
    console.log('\nevery result agrees with TF.js within 1e-3 of its largest value (2e-3 for first losses)');
  }
} finally {
  await browser.close();
  await server.close();
}
