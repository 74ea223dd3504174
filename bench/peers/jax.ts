// jax-js (@jax-js/jax, Wasm backend) in the comparison: SGEMM and CNN-1 written in its lax/numpy
// ops (convGeneralDilated with rhsDilation; max pooling as padding + reduceWindow), trained with
// jit(valueAndGrad) and a momentum update. Single-threaded in Node (its Wasm threads need a global
// Worker). `node --import tsx bench/peers/jax.ts [--iters N] id…`
import { blockUntilReady, defaultDevice, init, jit, lax, nn, numpy as np, random, valueAndGrad, type Array as JaxArray } from '@jax-js/jax';
import { parseArgs } from 'node:util';
import { medianMs } from '../timing.ts';
import { NETS, WORKLOADS, emit, parseWorkload, type NetSpec, type WorkloadId } from '../workloads.ts';

const { values, positionals } = parseArgs({
  options: { iters: { type: 'string', default: '3' }, 'train-batch': { type: 'string' }, 'infer-batch': { type: 'string' } },
  allowPositionals: true,
});
const iters = Number(values.iters);
await init('wasm');
defaultDevice('wasm');
const peer = 'jax-js';
const note = '@jax-js/jax 0.1.25, wasm, 1 thread';

function uniform(seed: number, shape: number[], scale: number): JaxArray {
  return np.multiply(np.subtract(random.uniform(random.key(seed), shape), 0.5), 2 * scale);
}

function cnn1(spec: NetSpec) {
  const d = spec.dilation ?? 1, [c, h, w] = spec.input;
  const flat = 64 * Math.ceil(h / 4) * Math.ceil(w / 4);
  const params = [uniform(1, [32, c, 3, 3], Math.sqrt(6 / (9 * c))), uniform(2, [64, 32, 3, 3], Math.sqrt(6 / 288)),
    uniform(3, [flat, spec.nclass], Math.sqrt(3 / flat))];
  // Zero padding is exact here: the pooled values come out of a ReLU, so they are ≥ 0.
  const pool = (y: JaxArray) => lax.reduceWindow(np.pad(y, [[0, 0], [0, 0], [1, 1], [1, 1]]), (v) => np.max(v), [1, 1, 3, 3], [1, 1, 2, 2]);
  const forward = (p: JaxArray[], x: JaxArray): JaxArray => {
    const pad: [number, number][] = [[d, d], [d, d]];
    let y = pool(nn.relu(lax.convGeneralDilated(x, p[0], [1, 1], pad, { rhsDilation: [d, d] })));
    y = pool(nn.relu(lax.convGeneralDilated(y, p[1], [1, 1], pad, { rhsDilation: [d, d] })));
    return np.matmul(np.reshape(y, [y.shape[0], flat]), p[2]);
  };
  return { params, forward };
}

for (const id of (positionals.length ? positionals : WORKLOADS) as WorkloadId[]) {
  const wl = parseWorkload(id);
  try {
    if (!wl) {
      const a = uniform(4, [1024, 1024], 1), b = uniform(5, [1024, 1024], 1);
      const mm = jit((x: JaxArray, y: JaxArray) => np.matmul(x, y));
      const ms = await medianMs(async () => { (await blockUntilReady(mm(a.ref, b.ref))).dispose(); }, 7, 2);
      emit({ workload: id, peer, value: (2 * 1024 ** 3) / (ms * 1e6), unit: 'GFLOP/s', note });
      continue;
    }
    if (wl.net === 'resnet18') {
      emit({ workload: id, peer, skip: 'no BatchNorm layer (it would have to be composed from mean/var ops); not written for this benchmark' });
      continue;
    }
    const override = wl.mode === 'train' ? values['train-batch'] : values['infer-batch'];
    const spec = { ...NETS[wl.net], batch: override ? Math.min(Number(override), NETS[wl.net].batch) : NETS[wl.net].batch };
    const net = cnn1(spec);
    const [c, h, w] = spec.input;
    const noteB = `${note}, batch ${spec.batch}`;
    const x = np.multiply(random.uniform(random.key(6), [spec.batch, c, h, w]), 2);
    const onehot = new Float32Array(spec.batch * spec.nclass);
    for (let i = 0; i < spec.batch; i++) onehot[i * spec.nclass + (i % spec.nclass)] = 1;
    const t = np.array(onehot, { shape: [spec.batch, spec.nclass] });
    if (wl.mode === 'infer') {
      const f = jit((p: JaxArray[], xx: JaxArray) => net.forward(p, xx));
      const ms = await medianMs(async () => { (await blockUntilReady(f(net.params.map((p) => p.ref), x.ref))).dispose(); }, iters, 1);
      emit({ workload: id, peer, value: spec.batch / (ms / 1000), unit: 'img/s', note: noteB });
      continue;
    }
    // Sigmoid cross-entropy, as CNN-1's Logistic head with CrossEntropyBinary.
    const loss = (p: JaxArray[], xx: JaxArray, tt: JaxArray) => {
      const z = net.forward(p, xx);
      return np.sum(np.subtract(nn.softplus(z.ref), np.multiply(tt, z)));
    };
    const grads = jit(valueAndGrad(loss));
    const update = jit((p: JaxArray, v: JaxArray, g: JaxArray) => {
      const nv = np.subtract(np.multiply(v, 0.9), np.multiply(g, 0.01 / spec.batch));
      return [np.add(p, nv.ref), nv];
    });
    let params = net.params;
    let vel = params.map((p) => np.zerosLike(p.ref));
    const step = async () => {
      const [, g] = grads(params.map((p) => p.ref), x.ref, t.ref) as [JaxArray, JaxArray[]];
      const next = params.map((p, i) => update(p, vel[i], g[i]) as JaxArray[]);
      params = next.map((n) => n[0]);
      vel = next.map((n) => n[1]);
      await blockUntilReady(params);
    };
    const ms = await medianMs(step, iters, 1);
    emit({ workload: id, peer, value: spec.batch / (ms / 1000), unit: 'img/s', note: noteB });
  } catch (e) {
    emit({ workload: id, peer, skip: `fails: ${(e as Error).message.split('\n')[0].slice(0, 140)}` });
  }
}
