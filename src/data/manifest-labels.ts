// The label column of a CSV manifest: integer labels (the course's format), or class names, which
// become labels in sorted order (code units, as ImageFolder sorts folder names) and name the classes
// — Keras's flow_from_dataframe habit. `classNames` fixes the mapping instead (a test manifest must
// use its training set's, or a missing class would shift every label after it) and also names the
// classes of an integer manifest.

export interface RawLabel { value: string; line: number; file: string }

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Names sorted by UTF-16 code units, so labels do not depend on the locale. */
export function sortNames(names: string[]): string[] {
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function integerLabel(r: RawLabel, owner: string, hint: string): number {
  const label = Number(r.value);
  if (r.value === '' || !Number.isInteger(label) || label < 0) {
    throw new Error(`${owner}: line ${r.line} ('${r.file}') has label '${r.value}'; labels must be integers ≥ 0${hint}`);
  }
  return label;
}

/** Labels for every row, and the class names when the manifest (or `classNames`) gives them. */
export function resolveLabels(raw: readonly RawLabel[], owner: string, classNames?: readonly string[]): { labels: number[]; classNames: string[] | null } {
  if (classNames !== undefined) {
    const index = new Map(classNames.map((n, i) => [n, i]));
    const labels = raw.map((r) => {
      const named = index.get(r.value);
      if (named !== undefined) return named;
      if (!NUMERIC.test(r.value)) {
        throw new Error(`${owner}: line ${r.line} ('${r.file}') has class '${r.value}', not one of classNames (${classNames.join(', ')})`);
      }
      const label = integerLabel(r, owner, ' or names from classNames');
      if (label >= classNames.length) {
        throw new Error(`${owner}: line ${r.line} ('${r.file}') has label ${label}, but classNames names only ${classNames.length} classes`);
      }
      return label;
    });
    return { labels, classNames: [...classNames] };
  }
  const firstName = raw.find((r) => !NUMERIC.test(r.value));
  if (firstName === undefined || NUMERIC.test(raw[0].value)) {
    // Integer labels: the first row that is not one is the error.
    return { labels: raw.map((r) => integerLabel(r, owner, ' (or every label a class name)')), classNames: null };
  }
  const numeric = raw.find((r) => NUMERIC.test(r.value));
  if (numeric !== undefined) {
    throw new Error(`${owner}: line ${numeric.line} ('${numeric.file}') has label '${numeric.value}' among class names ` +
      `(line ${raw[0].line}: '${raw[0].value}'); use names or integers, not both`);
  }
  const names = sortNames([...new Set(raw.map((r) => r.value))]);
  const index = new Map(names.map((n, i) => [n, i]));
  return { labels: raw.map((r) => index.get(r.value)!), classNames: names };
}

/** Checks a `classNames` option: distinct non-empty strings. */
export function checkClassNames(names: unknown, owner: string): void {
  if (names === undefined) return;
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string' && n !== '')) {
    throw new Error(`${owner}: classNames must be a non-empty list of non-empty strings, got ${JSON.stringify(names)?.slice(0, 80)}`);
  }
  const seen = new Set<string>();
  for (const n of names as string[]) {
    if (seen.has(n)) throw new Error(`${owner}: classNames lists '${n}' twice`);
    seen.add(n);
  }
}
