// Model: neon's Model (models/model.py) over Argon's layers — fit / eval / getOutputs / predict /
// summary / save / load. fit reads like neon's _epoch_fit: forward, cost, backward, optimize.
// Improvements on neon: every batch size at every call (issue #235), a documented pickle-free file,
// intermediate activations (layerOutput), and a training-memory estimate (summary).
import { noGrad } from '../autograd/index.ts';
import type { Backend } from '../backends/backend.ts';
import { getBackend, resolveBackendName, type BackendName } from '../backends/select.ts';
import type { DataIterator } from '../data/iterator.ts';
import { assignNames, buildLayers, type Layer, type Param, type RunContext, Sequential, type LayerList } from '../layers/index.ts';
import type { History } from '../nn/callbacks/index.ts';
import type { GeneralizedCost } from '../nn/costs.ts';
import type { Metric } from '../nn/metrics.ts';
import type { Optimizer } from '../nn/optimizers/optimizer.ts';
import { importOnnx, modelToOnnx, type OnnxImportOptions } from '../onnx/index.ts';
import { checkBatchFinite, checkRowsFinite } from '../finite.ts';
import { Random } from '../random.ts';
import { sameShape, shapeString, sizeOf } from '../shape.ts';
import { formatSummary, summarize, type Summary } from '../summary.ts';
import { Tensor, keep, tidy } from '../tensor.ts';
import { convKernels } from '../ops/conv-plan.ts';
import { checkEvalArgs, checkEvaluateArgs, checkFitArgs, checkLoadOptions, checkModelArgs, checkOutputsArgs, checkPath, checkSummaryArgs } from './check-args.ts';
import { forwardRecorded } from './forward.ts';
import { batchToRows, checkRows, rowsToBatch } from './inputs.ts';
import { argmax, isBatch, predictBatch, predictOne, type PredictBatch, type PredictSample } from './predict.ts';
import { evaluateModel, fitModel, prepareFor, type EvalResult, type FitOptions } from './training.ts';
import { buildFromFile, type LoadOptions, type PendingState } from './load-check.ts';
import { decodeModel, encodeModel, readFileBytes } from './persist.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import type { NamedValues } from './state-file.ts';

export interface ModelOptions {
  /** Drives initialisation, dropout and (unless the iterator has its own seed) shuffling. */
  seed?: number;
  backend?: BackendName;
  name?: string;
}

export type { EvalResult, FitOptions, LoadOptions, PendingState };

export class Model {
  readonly root: Sequential;
  readonly name: string;
  readonly seed: number;
  readonly random: Random;
  /** Epochs completed so far (a resumed fit continues from here). */
  epoch = 0;
  history: History | null = null;
  /** The optimizer of the last fit (its state is saved with the model). */
  optimizer: Optimizer | null = null;
  /** Shuffling state of the training iterator at the last epoch end, for an exact resume. */
  dataState: unknown = null;
  /** Weights read from a file, uploaded when the model is built. */
  pending: PendingState | null = null;
  /** The input shape recorded in a loaded file, used when the model is built without data. */
  pendingShape: number[] | null = null;
  /** The output classes' names (index = label) when the training data named them; saved with the model. */
  classNames: string[] | null = null;
  private backendOption: BackendName | undefined;
  private backendInstance: Backend | null = null;
  private shape: readonly number[] | null = null;
  private outputs = new Map<string, Tensor>();

  constructor(layers: LayerList | Layer, opts: ModelOptions = {}) {
    checkModelArgs(layers, opts);
    this.root = layers instanceof Sequential ? layers : new Sequential(Array.isArray(layers) ? layers : [layers as Layer]);
    this.name = opts.name ?? 'model';
    this.seed = opts.seed ?? 0;
    if (!Number.isInteger(this.seed)) throw new Error(`Model: seed must be an integer, got ${opts.seed}`);
    this.random = new Random(this.seed);
    this.backendOption = opts.backend;
  }

  get built(): boolean {
    return this.backendInstance !== null;
  }

  get backend(): Backend {
    if (!this.backendInstance) throw new Error('Model: not built yet (fit, eval, getOutputs or build first)');
    return this.backendInstance;
  }

  /** Per-sample input shape the model was built for. */
  get inputShape(): readonly number[] {
    if (!this.shape) throw new Error('Model: not built yet');
    return this.shape;
  }

  get outputShape(): readonly number[] {
    return this.root.outShape;
  }

  /** Resolves the backend, infers every shape and creates the parameters (once). */
  async build(inputShape: readonly number[]): Promise<void> {
    if (this.shape) {
      if (!sameShape(this.shape, inputShape)) {
        throw new Error(`Model: built for input ${shapeString(this.shape)}, got data of shape ${shapeString(inputShape)}`);
      }
      return;
    }
    const backend = await getBackend(resolveBackendName(this.backendOption));
    if (this.pending) {
      buildFromFile(this.root, inputShape, { backend, random: this.random }, this.pending, this.pendingShape);
      this.pending = null;
    } else {
      buildLayers(this.root, inputShape, { backend, random: this.random });
    }
    this.shape = [...inputShape];
    this.backendInstance = backend;
  }

  params(): Param[] {
    return this.root.params();
  }

  /** Loads the data if needed, builds for its input shape and checks its classes against the output. */
  async prepare(data: DataIterator): Promise<void> {
    await prepareFor(this, data);
  }

  async fit(data: DataIterator, opts: FitOptions): Promise<History> {
    checkFitArgs(data, opts);
    return fitModel(this, data, opts);
  }

  /** Inference-mode pass over a data set: the mean cost (when a cost is given) and metric values. */
  async evaluate(data: DataIterator, opts: { cost?: GeneralizedCost; metric?: Metric }): Promise<EvalResult> {
    checkEvaluateArgs(data, opts);
    return evaluateModel(this, data, opts);
  }

  /** neon's Model.eval: one value per metric name. */
  async eval(data: DataIterator, metric: Metric): Promise<number[]> {
    checkEvalArgs(data, metric);
    return (await this.evaluate(data, { metric })).metrics;
  }

  /** Outputs (after the final activation) for every sample: N × nout, row-major. Accepts a data
   *  iterator or rows of samples in the user's layout (N × C × H × W or N × F). */
  async getOutputs(data: DataIterator | Float32Array, opts: { inputShape?: readonly number[]; batchSize?: number } = {}): Promise<Float32Array> {
    checkOutputsArgs(data, opts);
    if (data instanceof Float32Array) {
      const shape = opts.inputShape ?? this.shape ?? this.pendingShape;
      if (!shape) throw new Error('getOutputs: the model is not built yet; pass { inputShape }');
      await this.build(shape);
      const n = checkRows('getOutputs', data, shape);
      checkRowsFinite('getOutputs', data, sizeOf(shape));
      const features = sizeOf(shape), nout = sizeOf(this.outputShape), step = opts.batchSize ?? 128;
      const out = new Float32Array(n * nout);
      for (let start = 0; start < n; start += step) {
        const m = Math.min(step, n - start);
        batchToRows(this.infer(rowsToBatch(data, start, m, features), m), m, nout, out, start);
      }
      return out;
    }
    await this.prepare(data);
    const nout = sizeOf(this.outputShape);
    const out = new Float32Array(data.ndata * nout);
    let row = 0;
    for await (const batch of (data.plain?.() ?? data).batches()) {
      checkBatchFinite('getOutputs: the data', batch.x, batch.n, { rowOffset: row, inputShape: this.inputShape });
      batchToRows(this.infer(batch.x, batch.n), batch.n, nout, out, row);
      row += batch.n;
    }
    return out;
  }

  /** Inference on one prepared batch [...inputShape, n]; keeps each top-level layer's output for layerOutput. */
  infer(x: Float32Array, n: number): Float32Array {
    for (const t of this.outputs.values()) t.dispose();
    this.outputs.clear();
    return noGrad(() => tidy(() => {
      const input = Tensor.fromArray(this.backend, x, [...this.inputShape, n]);
      const ctx: RunContext = { training: false, random: this.random };
      const y = forwardRecorded(this.root, input, ctx, (name, t) => { this.outputs.set(name, keep(t)); }).toArray();
      return y instanceof Float32Array ? y : Float32Array.from(y);
    }));
  }

  /** The output of a top-level layer (by name or index) from the most recent inference batch. */
  layerOutput(which: string | number): Tensor {
    const names = this.root.children().map((l) => l.name);
    const name = typeof which === 'number' ? names[which] : which;
    const t = name === undefined ? undefined : this.outputs.get(name);
    if (!t) {
      throw new Error(`layerOutput: no output for ${JSON.stringify(which)}; run getOutputs or predict first (top-level layers: ${names.join(', ')})`);
    }
    return t;
  }

  /** Prints and returns the per-layer table, design advice, parameter count and memory estimate. */
  summary(opts: { inputShape: readonly number[]; batchSize: number; print?: boolean }): Summary {
    checkSummaryArgs(opts);
    if (!this.root.configured) {
      assignNames(this.root);
      this.root.configure(opts.inputShape);
    } else if (!sameShape(this.root.inShape, opts.inputShape)) {
      throw new Error(`summary: the model was built for input ${shapeString(this.root.inShape)}, not ${shapeString(opts.inputShape)}`);
    }
    // A built model knows whether its backend runs large convolutions without column matrices.
    const kernels = this.backendInstance ? convKernels(this.backendInstance) : undefined;
    const be = this.backendInstance;
    const scratchBytes = be?.convScratchBytes ? be.convScratchBytes.bind(be) : undefined;
    const s = summarize(this.root, { inputShape: opts.inputShape, batchSize: opts.batchSize, kernels, scratchBytes });
    if (opts.print !== false) console.log(formatSummary(s));
    return s;
  }

  /** Class probabilities (the output after the final activation), Keras-style: one sample (values,
   *  an ImageData, or in Node an image path) gives one Float32Array, a batch (rows, a Tensor
   *  [...inputShape, N], a data iterator) one per sample. The forms: src/model/predict.ts. */
  predict(sample: PredictSample): Promise<Float32Array>;
  predict(batch: PredictBatch): Promise<Float32Array[]>;
  predict(input: PredictSample | PredictBatch): Promise<Float32Array | Float32Array[]>;
  async predict(input: PredictSample | PredictBatch): Promise<Float32Array | Float32Array[]> {
    return isBatch(input) ? predictBatch(this, input) : predictOne(this, input);
  }

  /** The most probable class (`classNames` names it) of one sample, or of each of a batch. */
  predictClasses(sample: PredictSample): Promise<number>;
  predictClasses(batch: PredictBatch): Promise<number[]>;
  predictClasses(input: PredictSample | PredictBatch): Promise<number | number[]>;
  async predictClasses(input: PredictSample | PredictBatch): Promise<number | number[]> {
    return isBatch(input) ? (await predictBatch(this, input)).map(argmax) : argmax(await predictOne(this, input));
  }

  private namedValues(): NamedValues[] {
    // A loaded, not yet built model still holds the file's tensors. The optimizer's slots among them
    // are written again from this.optimizer (encodeModel), so they are left out here.
    if (this.pending) {
      return [...this.pending.tensors].filter(([name]) => !name.startsWith('optimizer/')).map(([name, t]) => ({ name, shape: t.shape, values: t.values }));
    }
    if (!this.built) return [];
    return [...this.root.params(), ...this.root.states()].map((p) => ({ name: p.name, shape: [...p.value.shape], values: p.value.toArray() }));
  }

  /** The model file: topology, weights, running statistics, optimizer state, RNG state, history. */
  toBytes(): Uint8Array {
    return encodeModel({
      name: this.name, seed: this.seed, root: this.root, inputShapeOrNull: this.shape ?? this.pendingShape, epoch: this.epoch,
      rngState: this.random.getState(), optimizer: this.optimizer, dataState: this.dataState, history: this.history,
      classNames: this.classNames, values: () => this.namedValues(),
    });
  }

  /** Rebuilds a model from toBytes() output; it reloads with any batch size. A truncated or corrupt
   *  file is an error, never a half-loaded model. */
  static fromBytes(bytes: Uint8Array, opts: LoadOptions & { source?: string } = {}): Model {
    checkLoadOptions('Model.fromBytes', opts);
    const d = decodeModel(bytes, opts.source);
    const m = new Model(d.root, { seed: d.header.seed, name: d.header.name, backend: opts.backend });
    m.random.setState(d.header.rng);
    m.epoch = d.header.epoch;
    m.optimizer = d.optimizer;
    m.history = d.history;
    m.dataState = d.header.dataState ?? null;
    m.classNames = d.header.classNames ?? null;
    m.pending = { tensors: d.tensors, source: opts.source, maxActivationValues: opts.maxActivationValues };
    m.pendingShape = d.header.inputShape;
    return m;
  }

  /** The model as ONNX (opset 13, inference form): input 'input' NCHW [N, ...inputShape], output 'output'. */
  toOnnx(): Uint8Array {
    return modelToOnnx({ root: this.root, name: this.name, inputShape: this.shape ?? this.pendingShape, values: this.namedValues() });
  }

  /** A model from ONNX bytes (src/onnx/import.ts); like fromBytes, its weights are uploaded at build. */
  static fromOnnx(bytes: Uint8Array, opts: OnnxImportOptions & LoadOptions & { seed?: number } = {}): Model {
    checkLoadOptions('Model.fromOnnx', opts, { inputShape: 'shape', name: 'string', seed: 'integer' });
    const r = importOnnx(bytes, opts);
    const m = new Model(r.root, { name: r.name, backend: opts.backend, seed: opts.seed });
    m.pending = { tensors: r.tensors, source: 'ONNX model', inputField: "the graph input's shape", maxActivationValues: opts.maxActivationValues };
    m.pendingShape = r.inputShape;
    return m;
  }

  /** Node: writes the model file atomically (temporary file, then rename). */
  async save(path: string): Promise<void> {
    checkPath('Model.save', path);
    await writeFileAtomic(path, this.toBytes(), 'Model.save (in a browser: model.toBytes())');
  }

  /** Node: reads a model file and builds the model for its recorded input shape. */
  static async load(path: string, opts: LoadOptions = {}): Promise<Model> {
    checkPath('Model.load', path);
    checkLoadOptions('Model.load', opts);
    const m = Model.fromBytes(await readFileBytes(path), { ...opts, source: path });
    if (m.pendingShape) await m.build(m.pendingShape);
    return m;
  }

  dispose(): void {
    for (const t of this.outputs.values()) t.dispose();
    this.outputs.clear();
    this.optimizer?.dispose();
    if (this.built) this.root.dispose();
  }
}
