// The comparison's workloads (float32), by id. Peers run what they can and say why not otherwise.
// Networks: the course's CNN-1 (3×3 convs with dilation 2, "same" padding; 3×3/2 max pooling;
// Affine head), its dilation-1 variant for peers without dilated convolution gradients, the course's
// ResNet-18 (src/models/resnet.ts), and CNN-1 on MNIST-sized 1×28×28 inputs with 10 classes.

export type NetId = 'cnn1-d2' | 'cnn1-d1' | 'resnet18' | 'mnist-cnn';
export type Mode = 'train' | 'infer';
export type WorkloadId = 'sgemm-1024' | `${NetId}-${Mode}`;

export interface NetSpec {
  /** Per-sample input, channels first. */
  input: [number, number, number];
  nclass: number;
  batch: number;
  /** CNN-1's dilation (absent for ResNet-18). */
  dilation?: number;
  label: string;
}

export const NETS: Record<NetId, NetSpec> = {
  'cnn1-d2': { input: [3, 64, 64], nclass: 2, batch: 128, dilation: 2, label: 'CNN-1 (dilation 2) 3×64×64, batch 128' },
  'cnn1-d1': { input: [3, 64, 64], nclass: 2, batch: 128, dilation: 1, label: 'CNN-1 (dilation 1) 3×64×64, batch 128' },
  resnet18: { input: [3, 64, 64], nclass: 2, batch: 32, label: 'ResNet-18 3×64×64, batch 32' },
  'mnist-cnn': { input: [1, 28, 28], nclass: 10, batch: 128, dilation: 1, label: 'CNN-1 (dilation 1) 1×28×28, 10 classes, batch 128' },
};

export const WORKLOADS: WorkloadId[] = [
  'sgemm-1024',
  'cnn1-d2-train', 'cnn1-d1-train', 'resnet18-train', 'mnist-cnn-train',
  'cnn1-d2-infer', 'cnn1-d1-infer', 'resnet18-infer', 'mnist-cnn-infer',
];

export function parseWorkload(id: WorkloadId): { net: NetId; mode: Mode } | null {
  if (id === 'sgemm-1024') return null;
  const mode = id.endsWith('-train') ? 'train' : 'infer';
  return { net: id.slice(0, -(mode.length + 1)) as NetId, mode };
}

export function workloadLabel(id: WorkloadId): string {
  const w = parseWorkload(id);
  if (!w) return 'SGEMM 1024³ (GFLOP/s)';
  return `${NETS[w.net].label}, ${w.mode === 'train' ? 'training' : 'inference'}`;
}

/** One measurement (or the reason there is none), printed by a peer as `RESULT <json>`. */
export interface Result {
  workload: WorkloadId;
  peer: string;
  /** images/s, or GFLOP/s for sgemm. */
  value?: number;
  unit?: 'img/s' | 'GFLOP/s';
  note?: string;
  /** Why this peer has no number for this workload. */
  skip?: string;
  /** Argon only: direct-convolution GFLOP/s, the fraction of the 128-bit SIMD peak it is (peak
   *  measured in the same process on the same threads), and one profiled step's time split. */
  detail?: { gflops: number; peakGflops: number; split: Record<string, number>; totalMs: number };
}

export function emit(r: Result): void {
  console.log(`RESULT ${JSON.stringify(r)}`);
}
