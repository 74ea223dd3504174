// Entry of `npm run bench`. Each suite module exports a Suite; add one to SUITES to register it.
//   npm run bench            every suite, one markdown table
//   npm run bench -- gemm    only the named suites, one `case: value unit` line per case
import { calibrateSuite } from './conv-calibrate.bench.ts';
import { convAlgosSuite } from './conv-algos.bench.ts';
import { convSuite } from './conv.bench.ts';
import { gemmSuite } from './gemm.bench.ts';
import { peakSuite } from './peak.bench.ts';
import { winogradErrorSuite } from './winograd-error.bench.ts';

export interface Row {
  case: string;
  value: number;
  unit: string;
}

export interface Suite {
  name: string;
  run(): Promise<Row[]>;
}

const SUITES: Suite[] = [
  peakSuite,
  gemmSuite,
  convSuite,
  convAlgosSuite,
  calibrateSuite,
  winogradErrorSuite,
];

function format(v: number): string {
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

async function main(names: string[]): Promise<void> {
  const unknown = names.filter((n) => !SUITES.some((s) => s.name === n));
  if (unknown.length > 0) {
    console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${SUITES.map((s) => s.name).join(', ')}`);
    process.exitCode = 1;
    return;
  }
  if (names.length > 0) {
    for (const suite of SUITES.filter((s) => names.includes(s.name))) {
      for (const row of await suite.run()) console.log(`${row.case}: ${format(row.value)} ${row.unit}`);
    }
    return;
  }
  const lines = ['| suite | case | value | unit |', '|---|---|---:|---|'];
  for (const suite of SUITES) {
    for (const row of await suite.run()) lines.push(`| ${suite.name} | ${row.case} | ${format(row.value)} | ${row.unit} |`);
  }
  console.log(lines.join('\n'));
}

await main(process.argv.slice(2));
