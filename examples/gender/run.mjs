#!/usr/bin/env node
// Reproduces the course's gender experiment on ../shared/data/faces with the `argon` command:
// each network trained on train.csv with its epoch budget, then evaluated on test.csv.
// Writes examples/gender/results.json and prints a markdown table beside the lecture's numbers.
//   node examples/gender/run.mjs [--only cnn1,cnn2] [--quick] [--faces DIR]
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = new URL('.', import.meta.url).pathname;
const bin = new URL('../../bin/argon.mjs', import.meta.url).pathname;
const args = process.argv.slice(2);
const flag = (name) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined; };
const quick = args.includes('--quick');
const faces = flag('faces') ?? new URL('../../../shared/data/faces', import.meta.url).pathname;
if (!existsSync(`${faces}/train.csv`)) {
  console.error(`faces data not found at ${faces} (pass --faces DIR; the data set is not shipped with Argon)`);
  process.exit(1);
}

// The lecture's numbers (IMDB-WIKI-style faces, Tesla K40, neon 2.6) from ../shared/course/networks.md.
const NETS = [
  { model: 'fcnn1', epochs: 10, lecture: { accuracy: 71.2, seconds: 932 } },
  { model: 'fcnn2', epochs: 10, lecture: { accuracy: 73.5, seconds: 977 } },
  { model: 'fcnn3', epochs: 10, lecture: { accuracy: 77.7, seconds: 1013 } },
  { model: 'cnn1', epochs: 10, lecture: { accuracy: 79.3, seconds: 1582 } },
  { model: 'cnn2', epochs: 10, lecture: { accuracy: 83.5, seconds: 2030 } },
  { model: 'resnet18', epochs: 5, lecture: { accuracy: 81.3, seconds: 15127 } },
  { model: 'resnet50', epochs: 3, lecture: { accuracy: 80.9, seconds: 11849 } },
];
const only = flag('only')?.split(',');
const resultsPath = `${here}results.json`;
const results = existsSync(resultsPath) && !quick ? JSON.parse(await readFile(resultsPath, 'utf8')) : {};

for (const net of only ? only.map((m) => NETS.find((n) => n.model === m)).filter(Boolean) : NETS) {
  const epochs = quick ? 1 : net.epochs;
  const out = `runs/gender-${net.model}`;
  const command = ['train', '--model', net.model, '--data', `${faces}/train.csv`, '--test', `${faces}/test.csv`,
    '--epochs', String(epochs), '--batch-size', '128', '--seed', '1', '--out', out, '--quiet',
    ...(quick ? ['--limit', '512'] : [])];
  console.log(`$ argon ${command.join(' ')}`);
  const { stdout } = await run(process.execPath, [bin, ...command], { maxBuffer: 1 << 24 });
  const accuracy = Number(/accuracy: ([\d.]+)/.exec(stdout)?.[1]);
  const seconds = Number(/training time: ([\d.]+) s/.exec(stdout)?.[1]);
  console.log(`  accuracy ${(accuracy * 100).toFixed(1)} %, training ${seconds.toFixed(0)} s`);
  if (!quick) {
    results[net.model] = { epochs, accuracy, seconds, command: `argon ${command.join(' ')}`, lecture: net.lecture, date: new Date().toISOString() };
    await writeFile(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  }
}

if (!quick) {
  console.log('\n| net | epochs | accuracy % | training time s | lecture accuracy % | lecture time s (K40 GPU) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const net of NETS) {
    const r = results[net.model];
    if (r) console.log(`| ${net.model} | ${r.epochs} | ${(r.accuracy * 100).toFixed(1)} | ${r.seconds.toFixed(0)} | ${net.lecture.accuracy} | ${net.lecture.seconds} |`);
  }
}
