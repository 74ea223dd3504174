// Model ⇄ bytes in the one versioned file format (src/io/model-file.ts): topology as JSON (every
// layer's config), parameters and running statistics, optimizer config and state, the RNG state,
// the epoch count, the training iterator's shuffling state and the history — so a checkpoint
// resumes exactly, and reloads with any batch size.
import { decodeModelFile, encodeModelFile } from '../io/model-file.ts';
import { layerFromConfig, Sequential, type LayerConfig } from '../layers/index.ts';
import { History, type HistoryData } from '../nn/callbacks/index.ts';
import { optimizerFromConfig } from '../nn/optimizers/index.ts';
import type { Optimizer, OptimizerConfig } from '../nn/optimizers/optimizer.ts';
import { readRegularFile } from '../io/regular-file.ts';
import { checkHeader } from './header-check.ts';
import { joinOptimizerState, splitOptimizerState, type NamedValues, type OptimizerStateMeta } from './state-file.ts';

export const FORMAT_NAME = 'argon-model';

export interface ModelHeader {
  format: typeof FORMAT_NAME;
  name: string;
  seed: number;
  inputShape: number[] | null;
  topology: LayerConfig;
  epoch: number;
  rng: number[];
  optimizer: { config: OptimizerConfig; state: OptimizerStateMeta } | null;
  dataState: unknown;
  history: HistoryData | null;
  /** Names of the output classes (absent in files written before they were saved). */
  classNames?: string[] | null;
}

/** The parts of a Model that persist (kept structural so this file does not import Model). */
export interface PersistedModel {
  name: string;
  seed: number;
  root: Sequential;
  inputShapeOrNull: readonly number[] | null;
  epoch: number;
  rngState: number[];
  optimizer: Optimizer | null;
  dataState: unknown;
  history: History | null;
  classNames: readonly string[] | null;
  /** Parameters and states with their current values, or the pending values of an unbuilt model. */
  values(): NamedValues[];
}

export function encodeModel(m: PersistedModel): Uint8Array {
  const tensors = m.values();
  let optimizer: ModelHeader['optimizer'] = null;
  if (m.optimizer) {
    const { meta, tensors: slots } = splitOptimizerState(m.optimizer.getState());
    optimizer = { config: m.optimizer.config(), state: meta };
    tensors.push(...slots);
  }
  const header: ModelHeader = {
    format: FORMAT_NAME, name: m.name, seed: m.seed, inputShape: m.inputShapeOrNull ? [...m.inputShapeOrNull] : null,
    topology: m.root.config(), epoch: m.epoch, rng: m.rngState, optimizer, dataState: m.dataState,
    history: m.history ? m.history.toJSON() : null, classNames: m.classNames ? [...m.classNames] : null,
  };
  return encodeModelFile(header, tensors);
}

export interface DecodedModel {
  header: ModelHeader;
  root: Sequential;
  tensors: Map<string, { shape: number[]; values: Float32Array }>;
  optimizer: Optimizer | null;
  history: History | null;
}

export function decodeModel(bytes: Uint8Array, source = 'model file'): DecodedModel {
  const { header, tensors } = decodeModelFile<ModelHeader>(bytes, source);
  if (header.format !== FORMAT_NAME) throw new Error(`${source}: not an Argon model (format '${String(header.format)}')`);
  checkHeader(header as unknown as Record<string, unknown>, source);
  let root: Sequential;
  try {
    const layer = layerFromConfig(header.topology);
    root = layer instanceof Sequential ? layer : new Sequential([layer]);
  } catch (e) {
    throw new Error(`${source}: the topology cannot be rebuilt: ${(e as Error).message}`);
  }
  const field = <T>(name: string, make: () => T): T => {
    try {
      return make();
    } catch (e) {
      throw new Error(`${source}: field '${name}': ${(e as Error).message}`);
    }
  };
  const optimizer = header.optimizer ? field('optimizer', () => {
    const o = optimizerFromConfig(header.optimizer!.config);
    o.setState(joinOptimizerState(header.optimizer!.state, tensors));
    return o;
  }) : null;
  const history = header.history ? field('history', () => History.fromJSON(header.history!)) : null;
  return { header, root, tensors, optimizer, history };
}

/** The bytes of a model file; directories, FIFOs and devices are refused before reading. */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  return readRegularFile(path, 'model file');
}
