// Model: neon's Model (models/model.py) over Argon's layers — fit / eval / getOutputs / predict /
// summary / save / load. fit reads like neon's _epoch_fit: forward, cost, backward, optimize.
// Improvements on neon: any batch size at any time (issue #235), a documented pickle-free file,
// intermediate activations (layerOutput), and a training-memory estimate (summary).
import { backward, noGrad } from '../autograd/index.ts';
import type { Backend } from '../backends/backend.ts';
import { getBackend, resolveBackendName, type BackendName } from '../backends/select.ts';
import type { Batch, DataIterator } from '../data/iterator.ts';
import { assignNames, buildLayers, type Layer, type Param, type RunContext, Sequential, type LayerList } from '../layers/index.ts';
import { CallbackRunner, History, type Callback } from '../nn/callbacks/index.ts';
import type { GeneralizedCost } from '../nn/costs.ts';
import type { Metric } from '../nn/metrics.ts';
import type { Optimizer } from '../nn/optimizers/optimizer.ts';
import { Random } from '../random.ts';
import { sameShape, shapeString, sizeOf } from '../shape.ts';
import { formatSummary, summarize, type Summary } from '../summary.ts';
import { Tensor, keep, tidy } from '../tensor.ts';
import { forwardRecorded } from './forward.ts';
import { batchToRows, checkRows, isImageData, rowsToBatch, type ImageDataLike } from './inputs.ts';
import { decodeModel, encodeModel, readFileBytes, writeFileAtomic } from './persist.ts';
import type { NamedValues } from './state-file.ts';

export interface ModelOptions {
  /** Drives initialisation, dropout and (unless the iterator has its own seed) shuffling. */
  seed?: number;
  backend?: BackendName;
  name?: string;
}

export interface FitOptions {
  cost: GeneralizedCost;
  optimizer: Optimizer;
  /** Train until this many epochs are complete (a resumed model continues from its epoch count). */
  epochs: number;
  valid?: DataIterator;
  metric?: Metric;
  /** Evaluate on `valid` every this many epochs (default 1). */
  evalEvery?: number;
  callbacks?: Callback[];
}

export interface EvalResult { loss: number | null; metrics: number[] }

/** Restored by Model.fromBytes and applied when the model is first built. */
export interface PendingState {
  tensors: Map<string, { shape: number[]; values: Float32Array }>;
}

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
  private backendOption: BackendName | undefined;
  private backendInstance: Backend | null = null;
  private shape: readonly number[] | null = null;
  private outputs = new Map<string, Tensor>();

  constructor(layers: LayerList | Layer, opts: ModelOptions = {}) {
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
    buildLayers(this.root, inputShape, { backend, random: this.random });
    this.shape = [...inputShape];
    this.backendInstance = backend;
    if (this.pending) this.applyPending();
  }

  private applyPending(): void {
    const tensors = this.pending!.tensors;
    const named = [...this.root.params(), ...this.root.states()];
    for (const p of named) {
      const t = tensors.get(p.name);
      if (!t) throw new Error(`model file: no values for '${p.name}'`);
      if (!sameShape(t.shape, p.value.shape)) {
        throw new Error(`model file: '${p.name}' has shape ${shapeString(t.shape)}, the layer needs ${shapeString(p.value.shape)}`);
      }
      this.backend.write(p.value.buf, t.values);
    }
    this.pending = null;
  }

  params(): Param[] {
    return this.root.params();
  }

  private async prepare(data: DataIterator): Promise<void> {
    await data.load?.();
    await this.build(data.inputShape);
    const out = this.outputShape;
    if (out.length !== 1 || out[0] !== data.nclass) {
      throw new Error(`Model: the last layer gives ${shapeString(out)} per sample, the data has ${data.nclass} classes (expected [${data.nclass}])`);
    }
  }

  private batchTensors(batch: Batch): { x: Tensor; t: Tensor } {
    const x = Tensor.fromArray(this.backend, batch.x, [...this.inputShape, batch.n]);
    const t = Tensor.fromArray(this.backend, batch.targets, [this.outputShape[0], batch.n]);
    return { x, t };
  }

  async fit(data: DataIterator, opts: FitOptions): Promise<History> {
    const { cost, optimizer, epochs } = opts;
    if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`fit: epochs must be a positive integer, got ${epochs}`);
    const evalEvery = opts.evalEvery ?? 1;
    await this.prepare(data);
    if (opts.valid) await this.prepare(opts.valid);
    if (data.seeded === false) data.reseed?.(this.seed);
    if (this.dataState !== null) data.setState?.(this.dataState);
    this.optimizer = optimizer;
    const params = this.params();
    const runner = new CallbackRunner(opts.callbacks ?? [], { history: this.history ?? undefined });
    this.history = runner.history;
    let stopped = false;
    await runner.trainBegin({
      epochs, initialEpoch: this.epoch, nbatches: data.nbatches, batchSize: data.batchSize, ndata: data.ndata,
      costName: cost.costfunc.type, save: (path) => this.save(path), stop: () => { stopped = true; },
    });
    for (let epoch = this.epoch; epoch < epochs && !stopped; epoch++) {
      await runner.epochBegin(epoch);
      let total = 0, batches = 0;
      for await (const batch of data.batches()) {
        const loss = this.trainStep(batch, cost, optimizer, params, epoch, batches);
        total += loss;
        await runner.batchEnd(batches++, { loss, size: batch.n });
      }
      const logs: { loss: number; valLoss?: number; valSeconds?: number; metrics?: Record<string, number> } = { loss: total / batches };
      if (opts.valid && (epoch + 1) % evalEvery === 0) {
        const started = Date.now();
        const r = await this.evaluate(opts.valid, { cost, metric: opts.metric });
        logs.valLoss = r.loss ?? undefined;
        logs.valSeconds = (Date.now() - started) / 1000;
        if (opts.metric) logs.metrics = Object.fromEntries(opts.metric.metricNames.map((n, i) => [n, r.metrics[i]]));
      }
      this.epoch = epoch + 1;
      this.dataState = data.getState?.() ?? null;
      await runner.epochEnd(epoch, logs);
    }
    return runner.trainEnd();
  }

  /** One minibatch: forward, cost, backward, update. Returns the batch's mean cost. A NaN or
   *  infinite cost stops training before the weights are touched. */
  private trainStep(batch: Batch, cost: GeneralizedCost, optimizer: Optimizer, params: Param[], epoch: number, index: number): number {
    return tidy(() => {
      const { x, t } = this.batchTensors(batch);
      const { pre, final } = this.root.forwardPre(x, { training: true, random: this.random });
      const { loss } = cost.loss(pre, final, t);
      const value = cost.mean(loss, batch.n);
      if (!Number.isFinite(value)) {
        throw new Error(`training stopped: the cost is ${value} at epoch ${epoch}, batch ${index} (try a lower learning rate)`);
      }
      backward(loss);
      optimizer.optimize(params, batch.n, epoch);
      for (const p of params) { p.value.grad?.dispose(); p.value.grad = null; }
      return value;
    });
  }

  /** Inference-mode pass over a data set: the mean cost (when a cost is given) and metric values. */
  async evaluate(data: DataIterator, opts: { cost?: GeneralizedCost; metric?: Metric }): Promise<EvalResult> {
    await this.prepare(data);
    const source = data.plain?.() ?? data;
    opts.metric?.reset();
    let total = 0, count = 0;
    for await (const batch of source.batches()) {
      const { y, loss } = noGrad(() => tidy(() => {
        const { x, t } = this.batchTensors(batch);
        const { pre, final } = this.root.forwardPre(x, { training: false, random: this.random });
        if (opts.cost) {
          const r = opts.cost.loss(pre, final, t);
          return { y: r.y.toArray(), loss: opts.cost.mean(r.loss, batch.n) };
        }
        return { y: (final ? final.apply(pre) : pre).toArray(), loss: 0 };
      }));
      total += loss * batch.n;
      count += batch.n;
      opts.metric?.update(y, batch.targets, batch.n);
    }
    return { loss: opts.cost ? total / count : null, metrics: opts.metric?.values() ?? [] };
  }

  /** neon's Model.eval: one value per metric name. */
  async eval(data: DataIterator, metric: Metric): Promise<number[]> {
    return (await this.evaluate(data, { metric })).metrics;
  }

  /** Outputs (after the final activation) for every sample: N × nout, row-major. Accepts a data
   *  iterator or rows of samples in the user's layout (N × C × H × W or N × F). */
  async getOutputs(data: DataIterator | Float32Array, opts: { inputShape?: readonly number[]; batchSize?: number } = {}): Promise<Float32Array> {
    if (data instanceof Float32Array) {
      const shape = opts.inputShape ?? this.shape ?? this.pendingShape;
      if (!shape) throw new Error('getOutputs: the model is not built yet; pass { inputShape }');
      await this.build(shape);
      const n = checkRows('getOutputs', data, shape);
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
    if (!this.root.configured) {
      assignNames(this.root);
      this.root.configure(opts.inputShape);
    } else if (!sameShape(this.root.inShape, opts.inputShape)) {
      throw new Error(`summary: the model was built for input ${shapeString(this.root.inShape)}, not ${shapeString(opts.inputShape)}`);
    }
    const s = summarize(this.root, { inputShape: opts.inputShape, batchSize: opts.batchSize });
    if (opts.print !== false) console.log(formatSummary(s));
    return s;
  }

  /** Class probabilities for one sample: CHW values (0–255), an ImageData, or (Node) an image path. */
  async predict(image: Float32Array | ImageDataLike | string): Promise<Float32Array> {
    const shape = this.shape ?? this.pendingShape;
    if (!shape) throw new Error('predict: the model is not built yet (train it, or load a saved model)');
    await this.build(shape);
    let chw: ArrayLike<number>;
    if (typeof image === 'string' || isImageData(image)) {
      if (shape.length !== 3) throw new Error(`predict: images need a [C, H, W] input, the model takes ${shapeString(shape)}`);
      const { toModelInput } = await import('../data/image-ops.ts');
      let rgb: { width: number; height: number; channels: 3; data: Uint8Array };
      if (typeof image === 'string') {
        const { nodeImageSource } = await import('../data/image-source.ts');
        rgb = await nodeImageSource.decode(await nodeImageSource.read(image), image);
      } else {
        const data = new Uint8Array(image.width * image.height * 3);
        for (let p = 0; p < image.width * image.height; p++) for (let c = 0; c < 3; c++) data[p * 3 + c] = image.data[p * 4 + c];
        rgb = { width: image.width, height: image.height, channels: 3, data };
      }
      chw = toModelInput(rgb, [shape[0], shape[1], shape[2]]);
    } else {
      if (image.length !== sizeOf(shape)) throw new Error(`predict: expected ${sizeOf(shape)} values for one ${shapeString(shape)} sample, got ${image.length}`);
      chw = image;
    }
    return this.infer(Float32Array.from(chw), 1);
  }

  private namedValues(): NamedValues[] {
    if (this.pending) return [...this.pending.tensors].map(([name, t]) => ({ name, shape: t.shape, values: t.values }));
    if (!this.built) return [];
    return [...this.root.params(), ...this.root.states()].map((p) => ({ name: p.name, shape: [...p.value.shape], values: p.value.toArray() }));
  }

  /** The model file: topology, weights, running statistics, optimizer state, RNG state, history. */
  toBytes(): Uint8Array {
    return encodeModel({
      name: this.name, seed: this.seed, root: this.root, inputShapeOrNull: this.shape, epoch: this.epoch,
      rngState: this.random.getState(), optimizer: this.optimizer, dataState: this.dataState, history: this.history,
      values: () => this.namedValues(),
    });
  }

  /** Rebuilds a model from toBytes() output; it reloads with any batch size. A truncated or corrupt
   *  file is an error, never a half-loaded model. */
  static fromBytes(bytes: Uint8Array, opts: { backend?: BackendName; source?: string } = {}): Model {
    const d = decodeModel(bytes, opts.source);
    const m = new Model(d.root, { seed: d.header.seed, name: d.header.name, backend: opts.backend });
    m.random.setState(d.header.rng);
    m.epoch = d.header.epoch;
    m.optimizer = d.optimizer;
    m.history = d.history;
    m.dataState = d.header.dataState ?? null;
    m.pending = { tensors: d.tensors };
    m.pendingShape = d.header.inputShape;
    return m;
  }

  /** Node: writes the model file atomically (temporary file, then rename). */
  async save(path: string): Promise<void> {
    await writeFileAtomic(path, this.toBytes());
  }

  /** Node: reads a model file and builds the model for its recorded input shape. */
  static async load(path: string, opts: { backend?: BackendName } = {}): Promise<Model> {
    const m = Model.fromBytes(await readFileBytes(path), { backend: opts.backend, source: path });
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
