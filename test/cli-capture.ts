// The CLI's main() run in this process, with what it prints to console.log and console.error
// captured (for suites that need the CLI's code paths without a child process).
import { main } from '../src/cli/main.ts';
import './temp-cache-dir.ts';

export interface CapturedRun { code: number; lines: string[]; errors: string[] }

/** Runs main(argv); returns its exit code and the lines it logged and printed as errors. */
export async function runMain(argv: string[]): Promise<CapturedRun> {
  const lines: string[] = [], errors: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => { lines.push(a.join(' ')); };
  console.error = (...a: unknown[]) => { errors.push(a.join(' ')); };
  try {
    return { code: await main(argv), lines, errors };
  } finally {
    console.log = log;
    console.error = error;
  }
}
