// TF.js's side of the network workloads of `npm run bench:gpu -- --peers`: an Argon model exported
// to ONNX (the library's own exporter and reader) is run as a TF.js graph with the same weights,
// so both engines train the very same network and their first losses can be compared. BatchNorm
// uses the batch's statistics (training mode); TF.js works in NHWC, so weights are transposed once
// at set-up and the input arrives in NHWC (neither is timed: each engine gets its own layout).
import * as tf from '@tensorflow/tfjs-core';
import { decodeOnnx, type OnnxAttribute, type OnnxNode, type OnnxTensor } from '../src/onnx/index.ts';

const attr = (n: OnnxNode, name: string): OnnxAttribute | undefined => n.attributes.find((a) => a.name === name);
const ints = (n: OnnxNode, name: string, dflt: number[]): number[] => attr(n, name)?.ints ?? dflt;

export interface TfNet {
  /** One training step on NHWC input x and one-hot targets; returns the loss (read back). */
  step(x: tf.Tensor4D, t: tf.Tensor2D): number;
  /** The network's outputs (class probabilities) in training mode, without a step. */
  forward(x: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

/** An exported course network as a TF.js training graph. `cost` is Argon's: 'binary' (Logistic
 *  outputs, Σ cross-entropy per class) or 'multi' (Softmax, Σ −t·log y), mean over the batch. */
export function tfNetFromOnnx(onnx: Uint8Array, cost: 'binary' | 'multi', lr: number): TfNet {
  const g = decodeOnnx(onnx).graph;
  const inits = new Map<string, OnnxTensor>(g.initializers.map((t) => [t.name, t]));
  const vars = new Map<string, tf.Variable>();
  const consts = new Map<string, tf.Tensor>();
  const weight = (name: string): tf.Tensor => {
    const v = vars.get(name) ?? consts.get(name);
    if (!v) throw new Error(`tf net: no tensor '${name}'`);
    return v;
  };
  for (const n of g.nodes) {
    if (n.opType === 'Conv') {
      const w = inits.get(n.inputs[1]);
      if (!w?.floats) throw new Error(`tf net: Conv ${n.name} has no weights`);
      // ONNX [K, C, R, S] → TF.js [R, S, C, K].
      vars.set(w.name, tf.variable(tf.tidy(() => tf.transpose(tf.tensor4d(w.floats!, w.dims as [number, number, number, number]), [2, 3, 1, 0]))));
    } else if (n.opType === 'Gemm') {
      const w = inits.get(n.inputs[1]);
      if (!w?.floats) throw new Error(`tf net: Gemm ${n.name} has no weights`);
      vars.set(w.name, tf.variable(tf.tidy(() => tf.transpose(tf.tensor2d(w.floats!, w.dims as [number, number])))));
      const b = n.inputs[2] ? inits.get(n.inputs[2]) : undefined;
      if (b?.floats) vars.set(b.name, tf.variable(tf.tensor1d(b.floats)));
    } else if (n.opType === 'BatchNormalization') {
      for (const name of n.inputs.slice(1, 3)) vars.set(name, tf.variable(tf.tensor1d(inits.get(name)!.floats!)));
    } else if (n.opType === 'Mul') {
      const c = inits.get(n.inputs[1]);
      if (c?.floats) consts.set(c.name, tf.scalar(c.floats[0]));
    }
  }

  const forward = (x: tf.Tensor4D): tf.Tensor2D => {
    const vals = new Map<string, tf.Tensor>([[g.inputs[0].name, x]]);
    const get = (name: string): tf.Tensor => {
      const v = vals.get(name);
      if (!v) throw new Error(`tf net: edge '${name}' not computed`);
      return v;
    };
    for (const n of g.nodes) {
      const a = get(n.inputs[0]);
      let y: tf.Tensor;
      switch (n.opType) {
        case 'Mul': y = tf.mul(a, weight(n.inputs[1])); break;
        case 'Conv': {
          const p = ints(n, 'pads', [0, 0, 0, 0]);
          const s = ints(n, 'strides', [1, 1]) as [number, number], d = ints(n, 'dilations', [1, 1]) as [number, number];
          const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [p[0], p[2]], [p[1], p[3]], [0, 0]];
          y = tf.conv2d(a as tf.Tensor4D, weight(n.inputs[1]) as tf.Tensor4D, s, pad, 'NHWC', d);
          break;
        }
        case 'BatchNormalization': {
          const { mean, variance } = tf.moments(a, [0, 1, 2]);
          y = tf.batchNorm(a, mean, variance, weight(n.inputs[2]) as tf.Tensor1D, weight(n.inputs[1]) as tf.Tensor1D, attr(n, 'epsilon')?.f ?? 1e-5);
          break;
        }
        case 'Relu': y = tf.relu(a); break;
        case 'MaxPool': {
          const k = ints(n, 'kernel_shape', [1, 1]), s = ints(n, 'strides', k), p = ints(n, 'pads', [0, 0, 0, 0]);
          if (p[0] !== p[2] || p[1] !== p[3] || p[0] !== p[1]) throw new Error('tf net: asymmetric pooling pads');
          y = tf.maxPool(a as tf.Tensor4D, k as [number, number], s as [number, number], p[0]);
          break;
        }
        case 'Add': y = tf.add(a, get(n.inputs[1])); break;
        case 'GlobalAveragePool': y = tf.mean(a, [1, 2], true); break;
        // ONNX flattens NCHW (c, h, w); the graph here is NHWC.
        case 'Flatten': y = tf.reshape(tf.transpose(a, [0, 3, 1, 2]), [a.shape[0], -1]); break;
        case 'Gemm': {
          y = tf.matMul(a as tf.Tensor2D, weight(n.inputs[1]) as tf.Tensor2D);
          if (n.inputs[2] && vars.has(n.inputs[2])) y = tf.add(y, weight(n.inputs[2]));
          break;
        }
        case 'Sigmoid': y = tf.sigmoid(a); break;
        case 'Softmax': y = tf.softmax(a); break;
        default: throw new Error(`tf net: op ${n.opType} is not handled`);
      }
      vals.set(n.outputs[0], y);
    }
    return get(g.outputs[0].name) as tf.Tensor2D;
  };

  const optimizer = tf.train.momentum(lr, 0.9);
  const trainable = [...vars.values()];
  return {
    forward,
    step(x, t) {
      const loss = optimizer.minimize(() => {
        const y = tf.clipByValue(forward(x), 1e-7, 1 - 1e-7);
        const terms = cost === 'binary'
          ? tf.add(tf.mul(t, tf.log(y)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, y))))
          : tf.mul(t, tf.log(y));
        return tf.div(tf.neg(tf.sum(terms)), x.shape[0]) as tf.Scalar;
      }, true, trainable);
      const v = loss!.dataSync()[0];
      loss!.dispose();
      return v;
    },
    dispose() {
      for (const v of vars.values()) v.dispose();
      for (const c of consts.values()) c.dispose();
      optimizer.dispose();
    },
  };
}
