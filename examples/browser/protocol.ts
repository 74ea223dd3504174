// Messages between the demo page (app.ts) and its training worker (worker.ts).

export type NetName = 'cnn1' | 'cnn2';
export type BackendChoice = 'auto' | 'cpu' | 'gpu';

export interface TrainConfig {
  backend: BackendChoice;
  /** CPU kernel threads (only when the page is cross-origin isolated); null = the default. */
  threads: number | null;
  net: NetName;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Stop after this many batches (a quick look, and the page test); null = all epochs. */
  maxBatches: number | null;
  /** Evaluate on the held-out images every this many batches (and at the end). */
  evalEvery: number;
  /** Held-out images used for the accuracy (the first ones of the held-out rows). */
  evalImages: number;
}

/** Images as CHW uint8 rows; the last `ntest` rows are held out for accuracy. */
export interface Dataset {
  X: Uint8Array;
  y: Int32Array;
  lshape: [number, number, number];
  classes: string[];
  ntest: number;
  /** 1-channel data with light strokes on dark (MNIST): uploaded photos are inverted to match. */
  darkBackground: boolean;
}

export interface Pixels { width: number; height: number; data: Uint8ClampedArray }

export type ToWorker =
  | { type: 'train'; config: TrainConfig; data: Dataset }
  | { type: 'stop' }
  | { type: 'predict'; image: Pixels }
  | { type: 'save' }
  | { type: 'load'; bytes: Uint8Array; config: Pick<TrainConfig, 'backend' | 'threads'>; classes: string[] };

export type FromWorker =
  | { type: 'backend'; name: string; detail: string; warning: string | null }
  | { type: 'batch'; epoch: number; batch: number; nbatches: number; loss: number; imagesPerSecond: number }
  | { type: 'accuracy'; step: number; accuracy: number }
  | { type: 'done'; stopped: boolean; batches: number; accuracy: number | null; seconds: number }
  | { type: 'prediction'; probs: number[]; classes: string[] }
  | { type: 'saved'; bytes: Uint8Array }
  | { type: 'loaded'; inputShape: number[]; classes: string[] }
  | { type: 'error'; message: string };
