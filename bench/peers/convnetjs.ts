// ConvNetJS (pure JS, one image at a time, one thread) in the comparison: CNN-1 with dilation 1
// (ConvNetJS has no dilation, BatchNorm or residual connections). Trained with its SGD trainer at
// the workload's batch size; timed over a few images, since it runs at single-digit images/s here.
//   node --import tsx bench/peers/convnetjs.ts [--images N] id…
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { NETS, WORKLOADS, emit, parseWorkload, type WorkloadId } from '../workloads.ts';

interface Vol { w: Float64Array }
interface ConvNetJs {
  Vol: new (sx: number, sy: number, depth: number, fill?: number) => Vol;
  Net: new () => { makeLayers(defs: object[]): void; forward(v: Vol, training?: boolean): Vol };
  Trainer: new (net: object, opts: object) => { train(v: Vol, label: number): unknown };
}

const convnetjs = createRequire(import.meta.url)('convnetjs') as ConvNetJs;
const { values, positionals } = parseArgs({ options: { images: { type: 'string', default: '12' } }, allowPositionals: true });
const images = Number(values.images);
const peer = 'ConvNetJS';
const note = 'convnetjs 0.3.0, 1 thread';

for (const id of (positionals.length ? positionals : WORKLOADS) as WorkloadId[]) {
  const w = parseWorkload(id);
  if (!w) {
    emit({ workload: id, peer, skip: 'no matrix API (layers only)' });
    continue;
  }
  if (w.net === 'resnet18') {
    emit({ workload: id, peer, skip: 'no BatchNorm and no residual connections' });
    continue;
  }
  const spec = NETS[w.net];
  if ((spec.dilation ?? 1) !== 1) {
    emit({ workload: id, peer, skip: 'no dilated convolution (see the dilation-1 row)' });
    continue;
  }
  const [c, h, wd] = spec.input;
  const net = new convnetjs.Net();
  net.makeLayers([
    { type: 'input', out_sx: wd, out_sy: h, out_depth: c },
    { type: 'conv', sx: 3, filters: 32, stride: 1, pad: 1, activation: 'relu' },
    { type: 'pool', sx: 3, stride: 2, pad: 1 },
    { type: 'conv', sx: 3, filters: 64, stride: 1, pad: 1, activation: 'relu' },
    { type: 'pool', sx: 3, stride: 2, pad: 1 },
    { type: 'softmax', num_classes: spec.nclass },
  ]);
  const trainer = new convnetjs.Trainer(net, { method: 'sgd', learning_rate: 0.01, momentum: 0.9, batch_size: spec.batch, l2_decay: 5e-4 });
  const vols = Array.from({ length: images }, (_, i) => {
    const v = new convnetjs.Vol(wd, h, c, 0);
    for (let j = 0; j < v.w.length; j++) v.w[j] = ((i * 7919 + j * 104729) % 255) / 128;
    return v;
  });
  const run = (v: Vol, i: number) => (w.mode === 'train' ? trainer.train(v, i % spec.nclass) : net.forward(v, false));
  run(vols[0], 0);
  const t = performance.now();
  vols.forEach(run);
  const s = (performance.now() - t) / 1000;
  emit({ workload: id, peer, value: images / s, unit: 'img/s', note: `${note}, ${images} images` });
}
