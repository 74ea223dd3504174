// Run-time checks of what users pass to the public API. TypeScript catches most mistakes at compile
// time, but a plain-JS user (or a JSON config) gets here unchecked, and a missing optimizer
// otherwise surfaces deep inside training as "Cannot read properties of undefined". Messages follow
// the CLI's: the function, the option, what was expected, what was given, and the closest known
// name for a misspelt one ("unknown option 'epoch' (did you mean 'epochs'?)").

/** Edit distance (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** A camelCase name's initials: 'learningRate' → 'lr'. */
function initials(name: string): string {
  return (name[0] + name.slice(1).replace(/[^A-Z]/g, '')).toLowerCase();
}

/** The candidate closest to `word`, if it is close enough to be a likely typo; a prefix
 *  ('momentum' for 'momentumCoef') or the initials ('lr' for 'learningRate') count too. */
export function closest(word: string, candidates: readonly string[]): string | null {
  const w = word.toLowerCase();
  const prefixed = w.length >= 3 ? candidates.find((c) => c.toLowerCase().startsWith(w)) : undefined;
  if (prefixed) return prefixed;
  const abbreviated = w.length >= 2 ? candidates.filter((c) => /[A-Z]/.test(c) && initials(c) === w) : [];
  if (abbreviated.length === 1) return abbreviated[0];
  let best: string | null = null, bestD = Infinity;
  for (const c of candidates) {
    const dd = distance(word.toLowerCase(), c.toLowerCase());
    if (dd < bestD) { best = c; bestD = dd; }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

/** A value as a message shows it: its text and its kind, e.g. `'3' (a string)`. */
export function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}' (a string)`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'function') return `a function${v.name ? ` (${v.name})` : ''}`;
  if (Array.isArray(v)) {
    const short = v.length <= 8 && v.every((x) => typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean');
    return short ? JSON.stringify(v).replace(/,/g, ', ') : `an array of ${v.length}`;
  }
  const name = (v as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

export type FieldKind = 'number' | 'integer' | 'boolean' | 'string' | 'function' | 'array' | 'object' | 'shape' | 'any';

export interface FieldSpec {
  kind: FieldKind;
  /** Smallest allowed value of a number or integer. */
  min?: number;
  /** Largest allowed value of a number or integer. */
  max?: number;
  required?: boolean;
  /** How to describe the expected value when it is wrong (default: from kind, min and max). */
  expect?: string;
}

function expected(spec: FieldSpec): string {
  if (spec.expect) return spec.expect;
  const range = spec.min !== undefined && spec.max !== undefined ? ` in [${spec.min}, ${spec.max}]`
    : spec.min !== undefined ? ` ≥ ${spec.min}` : spec.max !== undefined ? ` ≤ ${spec.max}` : '';
  const sign = spec.max === undefined && spec.min === 1 && spec.kind === 'integer' ? 'positive '
    : spec.max === undefined && spec.min === 0 ? 'non-negative ' : null;
  switch (spec.kind) {
    case 'integer': return sign !== null ? `a ${sign}integer` : `an integer${range}`;
    case 'number': return sign !== null ? `a ${sign}number` : `a number${range}`;
    case 'shape': return 'a shape: an array of positive integers';
    case 'array': return 'an array';
    case 'object': return 'an object';
    default: return `a ${spec.kind}`;
  }
}

function fits(v: unknown, spec: FieldSpec): boolean {
  switch (spec.kind) {
    case 'any': return true;
    case 'number': case 'integer':
      return typeof v === 'number' && Number.isFinite(v) && (spec.kind === 'number' || Number.isInteger(v)) &&
        (spec.min === undefined || v >= spec.min) && (spec.max === undefined || v <= spec.max);
    case 'shape': return Array.isArray(v) && v.length > 0 && v.every((d) => Number.isInteger(d) && d > 0);
    case 'array': return Array.isArray(v);
    case 'object': return typeof v === 'object' && v !== null && !Array.isArray(v);
    default: return typeof v === spec.kind;
  }
}

export type FieldSpecs = Record<string, FieldKind | FieldSpec>;

/**
 * Checks an options object: a plain object (or undefined when no field is required), no unknown
 * keys, and every given field of the right kind. `where` names the function, e.g. 'fit'.
 */
export function checkOptions(where: string, opts: unknown, fields: FieldSpecs): void {
  const specs = Object.entries(fields).map(([k, s]) => [k, typeof s === 'string' ? { kind: s } : s] as const);
  const required = specs.filter(([, s]) => s.required).map(([k]) => k);
  if (opts === undefined || opts === null) {
    if (required.length) throw new Error(`${where}: the options { ${required.join(', ')} } are required, got ${shown(opts)}`);
    return;
  }
  if (typeof opts !== 'object' || Array.isArray(opts)) {
    throw new Error(`${where}: options must be an object { ${Object.keys(fields).join(', ')} }, got ${shown(opts)}`);
  }
  const known = Object.keys(fields);
  for (const key of Object.keys(opts)) {
    if (known.includes(key)) continue;
    const near = closest(key, known);
    throw new Error(`${where}: unknown option '${key}'${near ? ` (did you mean '${near}'?)` : ''}; options: ${known.join(', ')}`);
  }
  const o = opts as Record<string, unknown>;
  for (const [key, spec] of specs) {
    const v = o[key];
    if (v === undefined) {
      if (spec.required) throw new Error(`${where}: option '${key}' is required (${expected(spec)})`);
      continue;
    }
    if (!fits(v, spec)) throw new Error(`${where}: option '${key}' must be ${expected(spec)}, got ${shown(v)}`);
  }
}

/** Checks that `value` has the named methods (an object of the expected role), e.g. an optimizer. */
export function checkRole(where: string, what: string, value: unknown, methods: readonly string[], example: string): void {
  const ok = typeof value === 'object' && value !== null &&
    methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
  if (!ok) throw new Error(`${where}: ${what} must be ${example}, got ${shown(value)}`);
}

/** Checks a positional argument against a field spec. */
export function checkArg(where: string, name: string, value: unknown, spec: FieldKind | FieldSpec): void {
  const s = typeof spec === 'string' ? { kind: spec } : spec;
  if (value === undefined && !s.required) return;
  if (!fits(value, s)) throw new Error(`${where}: ${name} must be ${expected(s)}, got ${shown(value)}`);
}
