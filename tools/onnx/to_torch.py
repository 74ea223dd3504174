"""An ONNX file written by `argon export` as a trainable PyTorch nn.Module, and back to ONNX.

For moving an Argon model to PyTorch (multi-GPU training with DistributedDataParallel, say: that is
train_ddp.py) and bringing the result home with `argon import`. It runs the ONNX graph node by node with
torch.nn.functional, so it covers exactly the operators Argon exports (opset 13): Conv, Gemm,
MatMul, BatchNormalization, Relu, LeakyRelu, Elu, Sigmoid, Tanh, Softmax, Identity, MaxPool,
AveragePool, LpPool, Pad, Global{Average,Max,Lp}Pool, Add, Sum, Concat, Flatten, Mul, Dropout (and
Transpose, which its own export writes for a bias-free Linear).
Weights become nn.Parameters, BatchNorm statistics buffers; train()/eval() switch BatchNorm and
Dropout as usual. Needs torch and the `onnx` package (Debian: python3-torch python3-onnx).

    import sys; sys.path.insert(0, 'tools/onnx')
    from to_torch import OnnxModule
    net = OnnxModule.load('resnet18.onnx')      # input NCHW float32, output [N, classes]
    ...                                         # train it (DDP, AMP, ...)
    net.export('resnet18-tuned.onnx')           # then: argon import resnet18-tuned.onnx --out DIR

Semantics worth knowing:
  * BatchNorm momentum is 1 - rho (ONNX stores rho as `momentum`, PyTorch uses the new-batch weight);
    PyTorch updates running_var with the unbiased batch variance, neon/Argon with the biased one.
  * Argon exports neon's dropout as Dropout(ratio) + Mul(keep): in training that is mask * x (neon),
    at inference x * keep (neon). PyTorch's export drops the Dropout in eval mode and keeps the Mul,
    which Argon imports as a Normalizer: the same inference, no dropout when fine-tuning.
  * PyTorch exports L2/Lp pooling as a chain of Pow/AveragePool ops that `argon import` does not
    read, so networks with L2 pooling go to PyTorch but do not come back.

Command line: `/usr/bin/python3 tools/onnx/to_torch.py model.onnx [--check]` prints the module's
parameter count and, with --check, runs a random batch through it and through a fresh export of it.
"""
import sys

import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

# Initializer inputs that train (by op type and input slot); other initializers are buffers.
TRAINABLE = {'Conv': (1, 2), 'Gemm': (1, 2), 'MatMul': (1,), 'Transpose': (0,), 'BatchNormalization': (1, 2), 'Add': (0, 1)}


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pairs(pads):
    half = len(pads) // 2
    if list(pads[:half]) != list(pads[half:]):
        raise ValueError(f'asymmetric pads {list(pads)} are not supported')
    return list(pads[:half])


class OnnxModule(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        g = model.graph
        inits = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in g.initializer}
        self.input_name = [i.name for i in g.input if i.name not in inits][0]
        self.output_name = g.output[0].name
        self.input_dims = [d.dim_value for d in g.input[0].type.tensor_type.shape.dim][1:]
        self.nodes = [(n.op_type, list(n.input), list(n.output), _attrs(n)) for n in g.node]
        self.output_logits = False
        self.keys = {}
        self.params = torch.nn.ParameterDict()
        for op, inputs, _, _ in self.nodes:
            for slot, name in enumerate(inputs):
                if name not in inits or name in self.keys:
                    continue
                key = f't{len(self.keys)}'
                self.keys[name] = key
                value = inits[name].float() if inits[name].is_floating_point() else inits[name]
                if slot in TRAINABLE.get(op, ()) and value.is_floating_point():
                    self.params[key] = torch.nn.Parameter(value)
                else:
                    self.register_buffer(key, value)

    @staticmethod
    def load(path):
        return OnnxModule(onnx.load(path))

    def _value(self, env, name):
        if name in env:
            return env[name]
        key = self.keys[name]
        return self.params[key] if key in self.params else getattr(self, key)

    def head(self):
        """The final activation ('Sigmoid', 'Softmax') when the output is one, else None."""
        op, _, outputs, _ = self.nodes[-1]
        return op if outputs[0] == self.output_name and op in ('Sigmoid', 'Softmax') else None

    def forward(self, x):
        """The graph's output; with `output_logits` set, the input of the final Sigmoid/Softmax
        instead (for the numerically stable fused losses, BCEWithLogits and cross_entropy). An
        attribute rather than an argument, so DistributedDataParallel and the ONNX tracer see forward(x)."""
        env = {self.input_name: x}
        last = len(self.nodes) - 1
        for n, (op, inputs, outputs, a) in enumerate(self.nodes):
            args = [self._value(env, i) if i else None for i in inputs]
            if self.output_logits and n == last and self.head() is not None:
                return args[0]
            env[outputs[0]] = self._run(op, args, a)
        if self.output_logits:
            raise ValueError('output_logits needs a graph that ends in Sigmoid or Softmax')
        return env[self.output_name]

    def _run(self, op, args, a):
        x = args[0]
        dims = x.dim() - 2
        if op == 'Conv':
            conv = (F.conv1d, F.conv2d, F.conv3d)[dims - 1]
            bias = args[2] if len(args) > 2 else None
            return conv(x, args[1], bias, a.get('strides', 1), _pairs(a.get('pads', [0] * 2 * dims)), a.get('dilations', 1))
        if op == 'Gemm':
            w = args[1] if a.get('transB', 0) else args[1].t()
            alpha, beta = a.get('alpha', 1.0), a.get('beta', 1.0)
            y = F.linear(x, w if alpha == 1 else alpha * w)
            return y if len(args) < 3 or args[2] is None else y + (args[2] if beta == 1 else beta * args[2])
        if op == 'MatMul':
            return torch.matmul(x, args[1])
        if op == 'BatchNormalization':
            return F.batch_norm(x, args[3], args[4], args[1], args[2], self.training, 1 - a.get('momentum', 0.9), a.get('epsilon', 1e-5))
        if op in ('MaxPool', 'AveragePool', 'LpPool'):
            k, s, p = a['kernel_shape'], a.get('strides', [1] * dims), _pairs(a.get('pads', [0] * 2 * dims))
            if op == 'MaxPool':
                return (F.max_pool1d, F.max_pool2d, F.max_pool3d)[dims - 1](x, k, s, p)
            if op == 'AveragePool':
                count = bool(a.get('count_include_pad', 0))
                return (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)[dims - 1](x, k, s, p, count_include_pad=count)
            if any(p):
                raise ValueError('LpPool with pads is not supported (Argon writes Pad + LpPool)')
            return self._lp(x, k, s, a.get('p', 2))
        # The adaptive pools export back as GlobalAveragePool / GlobalMaxPool (a mean would be ReduceMean).
        if op == 'GlobalAveragePool':
            return (F.adaptive_avg_pool1d, F.adaptive_avg_pool2d, F.adaptive_avg_pool3d)[dims - 1](x, 1)
        if op == 'GlobalMaxPool':
            return (F.adaptive_max_pool1d, F.adaptive_max_pool2d, F.adaptive_max_pool3d)[dims - 1](x, 1)
        if op == 'GlobalLpPool':
            return x.abs().pow(a.get('p', 2)).sum(dim=tuple(range(2, x.dim())), keepdim=True).pow(1 / a.get('p', 2))
        if op == 'Pad':
            pads = [int(v) for v in args[1]]
            half = len(pads) // 2
            spec = [v for i in reversed(range(half)) for v in (pads[i], pads[half + i])]
            return F.pad(x, spec, value=float(args[2]) if len(args) > 2 and args[2] is not None else 0.0)
        if op == 'Dropout':
            ratio = float(args[1]) if len(args) > 1 and args[1] is not None else 0.5
            return F.dropout(x, ratio, self.training)
        simple = {
            'Relu': lambda: F.relu(x), 'LeakyRelu': lambda: F.leaky_relu(x, a.get('alpha', 0.01)),
            'Elu': lambda: F.elu(x, a.get('alpha', 1.0)), 'Sigmoid': lambda: torch.sigmoid(x), 'Tanh': lambda: torch.tanh(x),
            'Softmax': lambda: torch.softmax(x, a.get('axis', -1)), 'Identity': lambda: x,
            'Flatten': lambda: torch.flatten(x, a.get('axis', 1)), 'Mul': lambda: x * args[1], 'Div': lambda: x / args[1],
            'Add': lambda: x + args[1], 'Sum': lambda: sum(args[1:], x), 'Concat': lambda: torch.cat(args, a.get('axis', 1)),
            'Transpose': lambda: x.permute(*a.get('perm', range(x.dim() - 1, -1, -1))),
        }
        if op not in simple:
            raise ValueError(f'ONNX operator {op} is not supported by to_torch.py')
        return simple[op]()

    @staticmethod
    def _lp(x, k, s, p):
        dims = x.dim() - 2
        pooled = (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)[dims - 1](x.abs().pow(p), k, s)
        count = 1
        for v in k:
            count *= v
        return (pooled * count).pow(1 / p)

    def export(self, path, input_shape=None, opset=13):
        """torch.onnx.export with BatchNormalization kept and a symbolic batch, ready for `argon import`."""
        shape = list(input_shape or self.input_dims)
        was, logits = self.training, self.output_logits
        self.eval()
        self.output_logits = False
        torch.onnx.export(self, torch.zeros([1] + shape), path, opset_version=opset, input_names=['input'], output_names=['output'],
                          dynamic_axes={'input': {0: 'N'}, 'output': {0: 'N'}}, do_constant_folding=False,
                          training=torch.onnx.TrainingMode.PRESERVE)
        self.train(was)
        self.output_logits = logits


def main(argv):
    if not argv or argv[0].startswith('-'):
        print(__doc__)
        return 2
    net = OnnxModule.load(argv[0]).eval()
    count = sum(p.numel() for p in net.parameters())
    print(f'{argv[0]}: input [N, {", ".join(map(str, net.input_dims))}], {count:,} parameters, {len(net.nodes)} nodes')
    if '--check' in argv:
        x = torch.rand([2] + net.input_dims) * 255
        with torch.no_grad():
            y = net(x)
        net.export('/tmp/to_torch_check.onnx')
        again = OnnxModule.load('/tmp/to_torch_check.onnx').eval()
        with torch.no_grad():
            diff = (again(x) - y).abs().max().item()
        print(f'output {list(y.shape)}, re-exported module differs by {diff:.2e}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
