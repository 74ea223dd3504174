// Running the Python tools of tools/onnx from the tests: /usr/bin/python3 (Debian's, which sees
// python3-torch; `python3` on PATH may be another interpreter), with a skip reason when a module is
// missing. CI has no torch, so the suites that need it skip there.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export const PYTHON = '/usr/bin/python3';
const run = promisify(execFile);

/** null when every module imports, else why the test is skipped. */
export async function missingPython(modules: string[], install: string): Promise<string | null> {
  try {
    await run(PYTHON, ['-c', `import ${modules.join(', ')}`]);
    return null;
  } catch {
    return `${PYTHON} cannot import ${modules.join(', ')} (${install})`;
  }
}

/** Runs /usr/bin/python3 with args from the repository root; stdout and stderr together on failure. */
export async function python(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  try {
    const { stdout } = await run(PYTHON, args, { timeout: opts.timeoutMs ?? 300_000, maxBuffer: 64 << 20, env: opts.env ?? process.env });
    return stdout;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string; code?: number | string; signal?: string | null; killed?: boolean };
    // The exit code or signal says whether the process failed, crashed or hit the timeout.
    const how = `exit code ${err.code ?? 'none'}, signal ${err.signal ?? 'none'}${err.killed ? ', killed at the timeout' : ''}`;
    throw new Error(`${PYTHON} ${args.join(' ')} failed (${how}): ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}
