// The `argon` command run as a user runs it: a child process of the built bundle (bin/argon.mjs →
// build/cli.mjs), its exit code and its output. Decoded-image caches go to a temporary folder (the
// child inherits ARGON_CACHE_DIR).
import { execFile } from 'node:child_process';
import './temp-cache-dir.ts';

export const binPath = new URL('../bin/argon.mjs', import.meta.url).pathname;

export interface CliResult { code: number; out: string; err: string }

/** Runs `argon …args` and resolves with its exit code (1 when it was killed) and output. The
 *  timeout is a hang guard, not a timing check: a short training run can take minutes on a busy
 *  machine. */
export function argon(args: string[], opts: { env?: Record<string, string>; cwd?: string; timeout?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [binPath, ...args], {
      timeout: opts.timeout ?? 240_000, cwd: opts.cwd, env: { ...process.env, ...opts.env }, maxBuffer: 64 << 20,
    }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
      resolve({ code, out: stdout, err: stderr });
    });
  });
}
