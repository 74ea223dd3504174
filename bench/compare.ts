// `npm run bench:compare`: Argon and its peers on the same workloads in one run, as a markdown table
// of images/s (GFLOP/s for SGEMM) with Argon's ratio to each peer. Every peer runs in its own child
// process with a time limit (bench/peers/*.ts; PyTorch through bench/pytorch_reference.py with
// Debian's /usr/bin/python3, or the interpreter in ARGON_PYTHON), printing `RESULT {json}` lines. A peer that cannot run a workload
// reports why, and the reason is listed under the table.
//   npm run bench:compare                 every peer, every workload (about 6 minutes here)
//   npm run bench:compare -- --quick      fewer iterations and images
//   npm run bench:compare -- --only argon,pytorch
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { CATEGORIES, formatSplit, type Split } from './profile.ts';
import { NETS, WORKLOADS, parseWorkload, workloadLabel, type Result, type WorkloadId } from './workloads.ts';

const root = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const iters = values.quick ? '2' : '3';

interface PeerRun { id: string; title: string; cmd: string[]; timeoutS: number; prepare?: () => Promise<void> }

const tsx = [process.execPath, '--import', 'tsx'];
/** The Python with torch: Debian's python3-torch, unless ARGON_PYTHON names another. */
const PYTHON = process.env.ARGON_PYTHON ?? '/usr/bin/python3';
const TFJS_BUNDLE = `${root}build/bench/tfjs.mjs`;

/** tfjs-core's ESM files import without extensions and its backends must share its one instance,
 *  so TF.js runs from an esbuild bundle (module fields first; node builtins stay external). */
async function bundleTfjs(): Promise<void> {
  mkdirSync(`${root}build/bench`, { recursive: true });
  await build({
    entryPoints: [`${root}bench/peers/tfjs.ts`], bundle: true, platform: 'node', format: 'esm', target: 'node20',
    mainFields: ['module', 'main'], outfile: TFJS_BUNDLE, logLevel: 'error',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fp } from 'node:url';" +
        "const require = __cr(import.meta.url); const __filename = __fp(import.meta.url);" +
        "const __dirname = __filename.replace(/[\\\\/][^\\\\/]*$/, '');",
    },
  });
}

const PEERS: PeerRun[] = [
  { id: 'argon', title: 'Argon', cmd: [...tsx, 'bench/peers/argon.ts', '--iters', iters], timeoutS: 180 },
  { id: 'argon1', title: 'Argon 1 thread', cmd: [...tsx, 'bench/peers/argon.ts', '--threads', '1', '--iters', iters, 'sgemm-1024', 'cnn1-d2-train', 'resnet18-train', 'cnn1-d2-infer', 'resnet18-infer'], timeoutS: 150 },
  { id: 'pytorch', title: 'PyTorch CPU (native)', cmd: [PYTHON, 'bench/pytorch_reference.py', '--threads', '2', '--iters', iters], timeoutS: 180 },
  { id: 'tfjs-wasm', title: 'TF.js wasm', cmd: [process.execPath, TFJS_BUNDLE, '--backend', 'wasm', '--iters', iters], timeoutS: 150, prepare: bundleTfjs },
  { id: 'tfjs-cpu', title: 'TF.js cpu', cmd: [process.execPath, TFJS_BUNDLE, '--backend', 'cpu', '--iters', '1', '--train-batch', '2', '--infer-batch', '16'], timeoutS: 150, prepare: bundleTfjs },
  { id: 'ort', title: 'ORT Web (wasm)', cmd: [...tsx, 'bench/peers/ort.ts', '--threads', '2', '--iters', iters], timeoutS: 150 },
  { id: 'convnetjs', title: 'ConvNetJS', cmd: [...tsx, 'bench/peers/convnetjs.ts', '--images', values.quick ? '4' : '8'], timeoutS: 90 },
  { id: 'jax', title: 'jax-js (wasm)', cmd: [...tsx, 'bench/peers/jax.ts', '--iters', '1', '--train-batch', '8', '--infer-batch', '16'], timeoutS: 150 },
];

function runPeer(p: PeerRun): Promise<{ results: Result[]; error: string | null }> {
  return new Promise((resolve) => {
    if (p.id === 'pytorch' && !existsSync(PYTHON)) {
      resolve({ results: [], error: `skipped: ${PYTHON} not found (install Debian python3-torch, or set ARGON_PYTHON)` });
      return;
    }
    const child = spawn(p.cmd[0], p.cmd.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const results: Result[] = [];
    let out = '', err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), p.timeoutS * 1000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      let nl;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (p.id === 'pytorch' && line.startsWith('{')) {
          const r = JSON.parse(line) as { workload: WorkloadId; value?: number; unit?: Result['unit']; note?: string; error?: string };
          results.push({ workload: r.workload, peer: p.title, value: r.value, unit: r.unit, note: r.note, skip: r.error });
        } else if (line.startsWith('RESULT ')) {
          results.push({ ...(JSON.parse(line.slice(7)) as Result), peer: p.title });
        }
        process.stderr.write(`  ${p.title}: ${line.startsWith('RESULT ') ? line.slice(7) : line}\n`);
      }
    });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const tail = err.trim().split('\n').filter((l) => l.trim() && !l.startsWith('Node.js v')).slice(-3).join(' / ');
      const error = signal ? `stopped after ${p.timeoutS} s` : code !== 0 ? `exit ${code}: ${tail}` : null;
      resolve({ results, error });
    });
  });
}

function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(2);
}

async function main(): Promise<void> {
  const only = values.only?.split(',');
  const peers = PEERS.filter((p) => !only || only.includes(p.id));
  const load0 = os.loadavg()[0];
  const started = Date.now();
  const all: Result[] = [];
  const failures: string[] = [];
  for (const p of peers) {
    process.stderr.write(`${p.title}…\n`);
    try {
      await p.prepare?.();
      const { results, error } = await runPeer(p);
      all.push(...results);
      if (error) failures.push(`${p.title}: ${error}`);
    } catch (e) {
      failures.push(`${p.title}: ${(e as Error).message}`);
    }
  }
  const titles = peers.map((p) => p.title);
  const argon = (w: WorkloadId) => all.find((r) => r.peer === 'Argon' && r.workload === w)?.value;
  const reasons: string[] = [];
  const cell = (w: WorkloadId, title: string): string => {
    const r = all.find((x) => x.peer === title && x.workload === w);
    if (!r) return '–';
    if (r.value === undefined) {
      const reason = r.skip ?? 'no result';
      let i = reasons.indexOf(reason);
      if (i < 0) i = reasons.push(reason) - 1;
      return `n/a [${i + 1}]`;
    }
    const a = argon(w);
    const ratio = a !== undefined && title !== 'Argon' ? ` (${fmt(a / r.value)}×)` : '';
    const batch = /batch (\d+)/.exec(r.note ?? '')?.[1];
    const spec = parseWorkload(w);
    const odd = batch && spec && Number(batch) !== NETS[spec.net].batch ? ` b${batch}` : '';
    return `${fmt(r.value)}${ratio}${odd}`;
  };
  const lines = [
    `| workload | ${titles.join(' | ')} |`,
    `|---|${titles.map(() => '---:').join('|')}|`,
    ...WORKLOADS.map((w) => `| ${workloadLabel(w)} | ${titles.map((t) => cell(w, t)).join(' | ')} |`),
  ];
  const details = WORKLOADS.flatMap((w) => {
    const d = all.find((r) => r.peer === 'Argon' && r.workload === w)?.detail;
    if (!d) return [];
    const split = Object.fromEntries(CATEGORIES.map((c) => [c, d.split[c] ?? 0])) as Split;
    return [`| ${workloadLabel(w)} | ${fmt(d.gflops)} | ${((100 * d.gflops) / d.peakGflops).toFixed(0)} % | ${formatSplit(split, d.totalMs)} |`];
  });
  const peak = all.find((r) => r.peer === 'Argon' && r.detail)?.detail?.peakGflops;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const notes = [...new Set(all.filter((r) => r.note && r.value !== undefined)
    .map((r) => `${r.peer}: ${(r.note ?? '').replace(/,? ?batch \d+/, '').replace(/, \d+ images/, '')}`))];
  const text = [
    `Images/s (GFLOP/s for SGEMM), float32; in parentheses Argon's speed divided by the peer's (higher is better for Argon); ` +
      '"b2" marks a peer timed at a smaller batch because it is too slow for the full one.',
    `${cpu}, ${os.availableParallelism()} of its ${os.cpus().length} cores, Node ${process.version}; load average ${load0.toFixed(2)} at the start, ` +
      `${os.loadavg()[0].toFixed(2)} at the end; ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    '',
    ...lines,
    '',
    ...reasons.map((r, i) => `[${i + 1}] ${r}`),
    ...(details.length ? [
      '',
      `Argon's arithmetic: GFLOP/s counting direct-convolution FLOPs (2 per multiply–add of every conv and linear layer; ` +
        `a Winograd convolution multiplies less, so a net can pass 100 %), against the 128-bit SIMD multiply–add peak measured ` +
        `in the same process on the same threads (${peak === undefined ? '?' : fmt(peak)} GFLOP/s, bench/peak.bench.ts); time split of one ` +
        'profiled step by kernel (convolution kernels split into GEMM and transforms by the calibrated cost model, src/ops/conv-plan.ts):',
      '',
      '| workload | GFLOP/s | of peak | time split |',
      '|---|---:|---:|---|',
      ...details,
    ] : []),
    ...(failures.length ? ['', ...failures.map((f) => `failed: ${f}`)] : []),
    '',
    'Setups:',
    ...notes.map((n) => `- ${n}`),
  ].join('\n');
  console.log(text);
  mkdirSync(`${root}build/bench`, { recursive: true });
  writeFileSync(`${root}build/bench/compare.json`, JSON.stringify({ results: all, failures, load0 }, null, 1));
}

await main();
