// The command-line flags of the TypeScript examples (age, degradation): `--name value` pairs and
// bare switches, read from process.argv. Kept this small on purpose: the examples are not the CLI.

const args = process.argv.slice(2);

/** The value after `--name`, or undefined when the flag is absent. */
export function flag(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Whether the bare switch `--name` was given. */
export function has(name: string): boolean {
  return args.includes(`--${name}`);
}

/** `--name` as a positive number, or `fallback` when absent. */
export function num(name: string, fallback: number): number {
  const v = flag(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number, got '${v}'`);
  return n;
}
