// The benchmark networks as ONNX graphs (NCHW), with random weights: CNN-1 at any dilation and
// input, the course's ResNet-18 (src/models/resnet.ts: pre-activation blocks after the first,
// projection shortcuts where the width changes, no activation after the sum, BN → ReLU → global
// average pooling → Affine head), and a 1024³ MatMul. Inference graphs: BatchNormalization uses
// its running statistics, as Argon's inference does.
import type { OnnxGraph, OnnxNode } from './onnx-writer.ts';

class GraphBuilder {
  nodes: OnnxNode[] = [];
  initializers: OnnxGraph['initializers'] = [];
  private count = 0;
  private seed = 1;

  private random(n: number, scale: number): Float32Array {
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      this.seed = (Math.imul(this.seed, 1664525) + 1013904223) >>> 0;
      v[i] = (this.seed / 2 ** 32 - 0.5) * 2 * scale;
    }
    return v;
  }

  name(prefix: string): string {
    return `${prefix}${this.count++}`;
  }

  weight(dims: number[], scale: number, fill?: number): string {
    const name = this.name('w');
    const n = dims.reduce((a, b) => a * b, 1);
    this.initializers.push({ name, dims, values: fill === undefined ? this.random(n, scale) : new Float32Array(n).fill(fill) });
    return name;
  }

  op(op: string, inputs: string[], attrs?: OnnxNode['attrs']): string {
    const out = this.name(op.toLowerCase());
    this.nodes.push({ op, inputs, outputs: [out], attrs });
    return out;
  }

  conv(x: string, cin: number, cout: number, k: number, { stride = 1, pad = 0, dilation = 1 } = {}): string {
    const w = this.weight([cout, cin, k, k], Math.sqrt(2 / (cin * k * k)));
    return this.op('Conv', [x, w], {
      kernel_shape: { ints: [k, k] }, strides: { ints: [stride, stride] }, pads: { ints: [pad, pad, pad, pad] },
      dilations: { ints: [dilation, dilation] },
    });
  }

  bn(x: string, c: number): string {
    return this.op('BatchNormalization', [x, this.weight([c], 0, 1), this.weight([c], 0, 0), this.weight([c], 0, 0), this.weight([c], 0, 1)],
      { epsilon: { f: 1e-3 } });
  }

  relu(x: string): string {
    return this.op('Relu', [x]);
  }

  maxPool(x: string): string {
    return this.op('MaxPool', [x], { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, pads: { ints: [1, 1, 1, 1] } });
  }

  dense(x: string, fin: number, nout: number): string {
    return this.op('Gemm', [x, this.weight([fin, nout], Math.sqrt(3 / fin))]);
  }

  graph(input: { name: string; dims: number[] }, output: string, outDims: number[]): OnnxGraph {
    const last = this.nodes[this.nodes.length - 1];
    last.outputs = [output];
    return { nodes: this.nodes, initializers: this.initializers, input, output: { name: output, dims: outDims } };
  }
}

export function cnn1Graph(input: [number, number, number], nclass: number, dilation: number, batch: number): OnnxGraph {
  const b = new GraphBuilder();
  const [c, h, w] = input;
  let x = b.relu(b.conv('x', c, 32, 3, { pad: dilation, dilation }));
  x = b.maxPool(x);
  x = b.relu(b.conv(x, 32, 64, 3, { pad: dilation, dilation }));
  x = b.maxPool(x);
  x = b.op('Flatten', [x], { axis: { i: 1 } });
  const flat = 64 * Math.ceil(Math.ceil(h / 2) / 2) * Math.ceil(Math.ceil(w / 2) / 2);
  x = b.op('Sigmoid', [b.dense(x, flat, nclass)]);
  return b.graph({ name: 'x', dims: [batch, c, h, w] }, 'y', [batch, nclass]);
}

export function resnet18Graph(input: [number, number, number], nclass: number, batch: number): OnnxGraph {
  const b = new GraphBuilder();
  const [c, h, w] = input;
  let x = b.relu(b.bn(b.conv('x', c, 64, 7, { stride: 2, pad: 3 }), 64));
  x = b.maxPool(x);
  let cin = 64, first = true;
  for (const nfm of [64, 64, 128, 128, 256, 256, 512, 512]) {
    const stride = nfm === cin ? 1 : 2;
    const pre = first ? x : b.relu(b.bn(x, cin));
    const main = b.conv(b.relu(b.bn(b.conv(pre, cin, nfm, 3, { stride, pad: 1 }), nfm)), nfm, nfm, 3, { pad: 1 });
    const side = first || stride !== 1 ? b.conv(x, cin, nfm, 1, { stride }) : x;
    x = b.op('Add', [side, main]);
    cin = nfm;
    first = false;
  }
  x = b.op('GlobalAveragePool', [b.relu(b.bn(x, 512))]);
  x = b.op('Flatten', [x], { axis: { i: 1 } });
  x = b.op('Softmax', [b.dense(x, 512, nclass)], { axis: { i: 1 } });
  return b.graph({ name: 'x', dims: [batch, c, h, w] }, 'y', [batch, nclass]);
}

export function matmulGraph(n: number): OnnxGraph {
  const b = new GraphBuilder();
  b.op('MatMul', ['x', b.weight([n, n], 1)]);
  return b.graph({ name: 'x', dims: [n, n] }, 'y', [n, n]);
}
