"""Argon → ONNX → PyTorch (train) → ONNX: the fixture behind test/onnx-import.test.ts's round trip.

    /usr/bin/python3 tools/onnx/torch_roundtrip.py          # from the repository root

1. builds a small residual Argon network (Normalizer, Conv + BatchNorm + Rectlin, max pooling, a
   MergeSum block with a SkipNode, BatchNorm, global average pooling, Affine + Logistic) with node and
   writes its export to test/fixtures/onnx/argon_res.onnx;
2. loads that with to_torch.OnnxModule, trains it three SGD steps on a fixed random batch (BatchNorm in
   training mode), and exports it with OnnxModule.export (BatchNorm kept, a bias-free Linear becomes
   MatMul(x, Transpose(W))) to argon_res_torch.onnx, with the batch and PyTorch's inference outputs
   in argon_res_torch.json.
"""
import json
import os
import subprocess
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', '..')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'onnx')
sys.path.insert(0, HERE)
from to_torch import OnnxModule  # noqa: E402

ARGON = """
const { Model } = await import('./src/model/model.ts');
const L = await import('./src/layers/index.ts');
const A = await import('./src/nn/activations.ts');
const conv = (k, relu) => new L.Conv([3, 3, k], { padding: 1, batchNorm: true, activation: relu ? new A.Rectlin() : undefined });
const m = new Model([
  new L.DataTransform(new A.Normalizer({ divisor: 128 })), conv(6, true), new L.Pooling(2, { op: 'max' }),
  new L.MergeSum([new L.SkipNode(), [conv(6, true), conv(6, false)]]), new L.BatchNorm(), new L.Activation(new A.Rectlin()),
  new L.Pooling('all', { op: 'avg' }), new L.Affine(2, { activation: new A.Logistic({ shortcut: true }) }),
], { seed: 1, name: 'argon_res' });
await m.build([3, 12, 12]);
(await import('node:fs')).writeFileSync(process.argv[1], m.toOnnx());
"""


def main():
    src = os.path.join(OUT, 'argon_res.onnx')
    subprocess.run(['node', '--import', 'tsx', '--input-type=module', '-e', ARGON, src], cwd=ROOT, check=True)
    torch.manual_seed(2)
    net = OnnxModule.load(src)
    x = torch.rand([4] + net.input_dims) * 255
    target = torch.nn.functional.one_hot(torch.tensor([0, 1, 1, 0]), 2).float()
    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    net.train()
    for _ in range(3):
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy(net(x), target)
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        y = net(x)
    prefix = os.path.join(OUT, 'argon_res_torch')
    net.export(prefix + '.onnx')
    with open(prefix + '.json', 'w') as f:
        json.dump({'torch': torch.__version__, 'xShape': list(x.shape), 'x': x.flatten().tolist(), 'yShape': list(y.shape),
                   'y': y.flatten().tolist()}, f)
    print(f'argon_res_torch.onnx: loss {loss.item():.4f} after 3 steps, y[0] = {y[0].tolist()}')


if __name__ == '__main__':
    main()
