// Run-time checks of Model's entry points for plain-JS users (src/check.ts): a wrong or missing
// argument is an error naming the method and the option before anything is built or trained.
import { checkArg, checkOptions, checkRole, shown, type FieldSpecs } from '../check.ts';
import { Layer } from '../layers/index.ts';

const BACKENDS = { kind: 'string', expect: "'cpu', 'gpu' or 'auto'" } as const;

/** Layers, or (nested) lists of layers, as Sequential flattens them. */
function checkLayers(value: unknown, at: string): void {
  if (Array.isArray(value)) {
    value.forEach((l, i) => checkLayers(l, `${at}[${i}]`));
    return;
  }
  if (!(value instanceof Layer)) {
    throw new Error(`Model: ${at} must be a layer (new Conv(…), new Affine(…), …) or a list of layers, got ${shown(value)}`);
  }
}

export function checkModelArgs(layers: unknown, opts: unknown): void {
  if (Array.isArray(layers) && layers.length === 0) throw new Error('Model: the layer list is empty');
  checkLayers(layers, Array.isArray(layers) ? 'layers' : 'the first argument');
  checkOptions('Model', opts, { seed: 'integer', backend: BACKENDS, name: 'string' });
}

/** A data iterator: ArrayIterator, ImageManifest, ImageFolder, or anything with the same members. */
export function checkData(where: string, what: string, data: unknown): void {
  const ok = typeof data === 'object' && data !== null && typeof (data as { batches?: unknown }).batches === 'function';
  if (!ok) {
    throw new Error(`${where}: ${what} must be a data iterator (new ArrayIterator(X, y, { nclass, lshape, batchSize }), ` +
      `ImageManifest.open(…), …), got ${shown(data)}`);
  }
}

const COST_EXAMPLE = 'a GeneralizedCost, e.g. new GeneralizedCost({ costfunc: new CrossEntropyMulti() })';
const METRIC_EXAMPLE = 'a metric, e.g. new Accuracy()';

function checkCost(where: string, cost: unknown): void {
  if (typeof cost === 'object' && cost !== null && typeof (cost as { lossOf?: unknown }).lossOf === 'function') {
    const name = (cost as object).constructor?.name ?? 'CrossEntropyMulti';
    throw new Error(`${where}: cost must be ${COST_EXAMPLE}; wrap the cost function: new GeneralizedCost({ costfunc: new ${name}() })`);
  }
  checkRole(where, 'cost', cost, ['loss', 'mean'], COST_EXAMPLE);
}

export function checkFitArgs(data: unknown, opts: unknown): void {
  checkData('fit', 'the training data', data);
  checkOptions('fit', opts, {
    cost: { kind: 'object', required: true, expect: COST_EXAMPLE },
    optimizer: { kind: 'object', required: true, expect: 'an optimizer, e.g. new GradientDescentMomentum(0.01, { momentumCoef: 0.9 }) or new Adam()' },
    epochs: { kind: 'integer', min: 1, required: true },
    valid: 'any', metric: 'any', evalEvery: { kind: 'integer', min: 1 }, callbacks: 'array', onWarning: 'function',
  });
  const o = opts as Record<string, unknown>;
  checkCost('fit', o.cost);
  checkRole('fit', 'optimizer', o.optimizer, ['optimize', 'config'], 'an optimizer, e.g. new GradientDescentMomentum(0.01) or new Adam()');
  if (o.valid !== undefined) checkData('fit', "option 'valid'", o.valid);
  if (o.metric !== undefined) checkRole('fit', "option 'metric'", o.metric, ['update', 'values'], METRIC_EXAMPLE);
  (o.callbacks as unknown[] | undefined)?.forEach((c, i) => {
    if (typeof c !== 'object' || c === null) throw new Error(`fit: callbacks[${i}] must be a callback (progressBar(), earlyStop({ patience }), …), got ${shown(c)}`);
  });
}

export function checkEvaluateArgs(data: unknown, opts: unknown): void {
  checkData('evaluate', 'the data', data);
  checkOptions('evaluate', opts, { cost: { kind: 'object', expect: COST_EXAMPLE }, metric: { kind: 'object', expect: METRIC_EXAMPLE } });
  const o = (opts ?? {}) as Record<string, unknown>;
  if (o.cost !== undefined) checkCost('evaluate', o.cost);
  if (o.metric !== undefined) checkRole('evaluate', "option 'metric'", o.metric, ['update', 'values'], METRIC_EXAMPLE);
}

export function checkEvalArgs(data: unknown, metric: unknown): void {
  checkData('eval', 'the data', data);
  checkRole('eval', 'the metric', metric, ['update', 'values'], METRIC_EXAMPLE);
}

export function checkOutputsArgs(data: unknown, opts: unknown): void {
  if (!(data instanceof Float32Array)) checkData('getOutputs', 'the data', data);
  checkOptions('getOutputs', opts, { inputShape: 'shape', batchSize: { kind: 'integer', min: 1 } });
}

export function checkSummaryArgs(opts: unknown): void {
  checkOptions('summary', opts, { inputShape: { kind: 'shape', required: true }, batchSize: { kind: 'integer', min: 1, required: true }, print: 'boolean' });
}

export function checkPath(where: string, path: unknown): void {
  checkArg(where, 'the path', path, { kind: 'string', required: true, expect: "a file path (a string), e.g. 'runs/cnn1/model.argon'" });
}

export function checkLoadOptions(where: string, opts: unknown, more: FieldSpecs = {}): void {
  checkOptions(where, opts, { backend: BACKENDS, source: 'string', maxActivationValues: { kind: 'integer', min: 1 }, ...more });
}
