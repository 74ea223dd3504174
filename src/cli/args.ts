// A small, strict flag parser for the `argon` command: unknown flags and bad values are errors with
// a hint (the closest known flag, the allowed values), never silently ignored.
import { closest } from '../check.ts';

export { closest };

export type FlagType = 'string' | 'int' | 'number' | 'boolean';

export interface FlagSpec {
  type: FlagType;
  help: string;
  choices?: readonly string[];
  /** For int/number flags: the smallest allowed value. */
  min?: number;
  placeholder?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;
export type FlagValue = string | number | boolean;

export interface Parsed {
  flags: Map<string, FlagValue>;
  positional: string[];
}

/** A user error: the CLI prints its message (and the usage hint) without a stack trace. */
export class UsageError extends Error {}

function convert(name: string, spec: FlagSpec, raw: string): FlagValue {
  if (spec.type === 'string') {
    if (spec.choices && !spec.choices.includes(raw)) {
      const near = closest(raw, spec.choices);
      throw new UsageError(`--${name}: '${raw}' is not one of ${spec.choices.join(', ')}${near ? ` (did you mean '${near}'?)` : ''}`);
    }
    return raw;
  }
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || (spec.type === 'int' && !Number.isInteger(v))) {
    throw new UsageError(`--${name}: expected ${spec.type === 'int' ? 'an integer' : 'a number'}, got '${raw}'`);
  }
  if (spec.min !== undefined && v < spec.min) throw new UsageError(`--${name}: must be ≥ ${spec.min}, got ${v}`);
  return v;
}

export function parseArgs(argv: readonly string[], specs: FlagSpecs): Parsed {
  const flags = new Map<string, FlagValue>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) { positional.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    const spec = specs[name];
    if (!spec) {
      const near = closest(name, Object.keys(specs));
      throw new UsageError(`unknown flag --${name}${near ? ` (did you mean --${near}?)` : ''}`);
    }
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined || (eq < 0 && raw.startsWith('--'))) throw new UsageError(`--${name} needs a value${spec.placeholder ? ` (${spec.placeholder})` : ''}`);
    flags.set(name, convert(name, spec, raw));
  }
  return { flags, positional };
}

export function formatFlags(specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, s]) => {
    const value = s.type === 'boolean' ? '' : ` <${s.placeholder ?? (s.choices ? s.choices.join('|') : s.type)}>`;
    return [`  --${name}${value}`, s.help] as const;
  });
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  return rows.map(([a, b]) => a.padEnd(width) + b).join('\n');
}
