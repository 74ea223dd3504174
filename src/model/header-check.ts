// The model file's JSON header, field by field: a hand-edited or hostile file gets an error naming
// the file and the field with what was expected and what it holds, never a raw TypeError from deep
// inside (issue 15 §1). Only the structure is checked here; whether the topology, the tensors and
// the input shape fit together is checked before the model is built (load-check.ts).
import type { OptimizerStateMeta } from './state-file.ts';

/** JSON nesting deeper than this is refused before the topology is rebuilt recursively (the
 *  deepest course network, ResNet-152, nests about 12 levels). */
export const MAX_TOPOLOGY_DEPTH = 200;

type Fail = (field: string, want: string, got: unknown) => never;

function failer(source: string): Fail {
  return (field, want, got) => {
    const text = JSON.stringify(got);
    const shown = text === undefined ? String(got) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
    throw new Error(`${source}: field '${field}' must be ${want}, got ${shown}`);
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isUint32 = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;

/** Nesting depth of a JSON value, computed without recursion. */
export function jsonDepth(value: unknown, stopAt: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    deepest = Math.max(deepest, d);
    if (deepest > stopAt) return deepest;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return deepest;
}

function checkOptimizerState(meta: unknown, fail: Fail, field: string): void {
  if (!isObject(meta)) fail(field, 'an object { type, step, slots }', meta);
  const m = meta as Partial<OptimizerStateMeta> & Record<string, unknown>;
  if (typeof m.type !== 'string') fail(`${field}.type`, 'a string', m.type);
  if (!Number.isSafeInteger(m.step) || (m.step as number) < 0) fail(`${field}.step`, 'a non-negative integer', m.step);
  if (!Array.isArray(m.slots) || !m.slots.every((s) => isObject(s) && typeof s.name === 'string' && Number.isSafeInteger(s.length) && (s.length as number) >= 0)) {
    fail(`${field}.slots`, 'a list of { name, length }', m.slots);
  }
  if (m.children !== undefined) {
    if (!isObject(m.children)) fail(`${field}.children`, 'an object', m.children);
    for (const [key, child] of Object.entries(m.children as Record<string, unknown>)) checkOptimizerState(child, fail, `${field}.children.${key}`);
  }
}

/** Throws unless every header field has the type and range the format documents. */
export function checkHeader(h: Record<string, unknown>, source: string): void {
  const fail = failer(source);
  if (typeof h.name !== 'string') fail('name', 'a string', h.name);
  if (!Number.isSafeInteger(h.seed)) fail('seed', 'an integer', h.seed);
  if (!Number.isSafeInteger(h.epoch) || (h.epoch as number) < 0) fail('epoch', 'a non-negative integer', h.epoch);
  const shape = h.inputShape;
  if (shape !== null && (!Array.isArray(shape) || shape.length === 0 || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && (d as number) > 0))) {
    fail('inputShape', 'null or a list of 1 to 8 positive integers', shape);
  }
  const rng = h.rng;
  // Four xoshiro state words, then the cached normal deviate (null when none: JSON has no NaN).
  if (!Array.isArray(rng) || rng.length !== 5 || !rng.slice(0, 4).every(isUint32) || rng.slice(0, 4).every((w) => w === 0)
    || !(rng[4] === null || Number.isFinite(rng[4]))) {
    fail('rng', '5 numbers: four 32-bit state words (not all 0) and a cached normal or null', rng);
  }
  if (!isObject(h.topology)) fail('topology', 'a layer config object', h.topology);
  if (jsonDepth(h.topology, MAX_TOPOLOGY_DEPTH) > MAX_TOPOLOGY_DEPTH) {
    fail('topology', `nested at most ${MAX_TOPOLOGY_DEPTH} levels deep`, '(a deeper nesting)');
  }
  if (h.optimizer !== null && h.optimizer !== undefined) {
    if (!isObject(h.optimizer) || !isObject(h.optimizer.config)) fail('optimizer', 'null or { config, state }', h.optimizer);
    checkOptimizerState((h.optimizer as Record<string, unknown>).state, fail, 'optimizer.state');
  }
  if (h.history !== null && h.history !== undefined && !isObject(h.history)) fail('history', 'null or an object', h.history);
  const names = h.classNames;
  if (names != null && !(Array.isArray(names) && names.every((n) => typeof n === 'string'))) fail('classNames', 'null or a list of strings', names);
}
