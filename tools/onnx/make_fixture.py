"""Writes the PyTorch-made ONNX fixtures of test/onnx-torch.test.ts into test/fixtures/onnx/.

Run once, offline, with Debian's torch (the tests only read the committed files; CI needs no torch):
    apt-get install -y python3-torch        # 1.13; /usr/bin/python3, not pyenv's python3
    /usr/bin/python3 tools/onnx/make_fixture.py

Models (random weights, fixed seed; BatchNorm statistics and affine parameters randomised so that
inference BatchNorm is not the identity):
  resnet_bn.onnx      a small torchvision-style ResNet (conv-BN-ReLU stem, max pool, a basic block
                      with the identity shortcut, a stride-2 block with a 1x1 conv + BN projection,
                      global average pooling, flatten, linear), exported with
                      do_constant_folding=False and training=PRESERVE: BatchNormalization nodes
                      are kept, shared initializers come back through Identity nodes.
  resnet_folded.onnx  the same network exported the default way (eval, constant folding), which
                      folds every BatchNorm into its Conv's weights and bias.
  zoo.onnx            LeakyReLU, a three-branch channel concat (ELU, dilated conv + Tanh, Sigmoid),
                      average pooling with padding and count_include_pad=False, max pooling, a
                      scalar Mul, Reshape to [-1, F], MatMul + Add with parameters, Softmax.
  dag.onnx            a graph that is not built from nested residual blocks (one tensor feeds two
                      different Adds), which the importer maps onto its general Graph container.
Each model's input x [2, C, H, W] and PyTorch's output y go to <name>.json (flat, row-major).
"""
import json
import os

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures', 'onnx')


def randomise_bn(model):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.running_mean.copy_(torch.randn(c) * 0.2)
            m.running_var.copy_(torch.rand(c) * 0.8 + 0.6)
            m.weight.data.copy_(torch.rand(c) * 0.8 + 0.6)
            m.bias.data.copy_(torch.randn(c) * 0.2)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return self.relu(y + (x if self.down is None else self.down(x)))


class TinyResNet(nn.Module):
    def __init__(self, classes=3):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = BasicBlock(8, 8, 1)
        self.layer2 = BasicBlock(8, 16, 2)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer2(self.layer1(x))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class Zoo(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 4, 3, 1, 1)
        self.a = nn.Conv2d(4, 2, 1)
        self.b = nn.Conv2d(4, 3, 3, 1, 2, dilation=2)
        self.c = nn.Conv2d(4, 1, 1)
        self.avg = nn.AvgPool2d(3, 2, 1, count_include_pad=False)
        self.max = nn.MaxPool2d(2)
        self.w = nn.Parameter(torch.randn(6 * 4 * 4, 5) * 0.2)
        self.bias = nn.Parameter(torch.randn(5) * 0.1)

    def forward(self, x):
        x = nn.functional.leaky_relu(self.stem(x), 0.1)
        x = torch.cat([nn.functional.elu(self.a(x)), torch.tanh(self.b(x)), torch.sigmoid(self.c(x))], 1)
        x = self.max(self.avg(x)) * 0.5
        x = torch.matmul(x.reshape(-1, 6 * 4 * 4), self.w) + self.bias
        return torch.softmax(x, 1)


class Dag(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 4, 3, 1, 1)
        self.c2 = nn.Conv2d(3, 4, 1)
        self.fc = nn.Linear(4 * 8 * 8, 2)

    def forward(self, x):
        a = self.c1(x)
        s = torch.relu(a + self.c2(x))
        return torch.sigmoid(self.fc(torch.flatten(s + a, 1)))


def export(model, x, name, **kw):
    model.eval()
    path = os.path.join(OUT, name + '.onnx')
    torch.onnx.export(model, x, path, opset_version=13, input_names=['x'], output_names=['y'],
                      dynamic_axes={'x': {0: 'N'}, 'y': {0: 'N'}}, **kw)
    with torch.no_grad():
        y = model(x)
    with open(os.path.join(OUT, name + '.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'xShape': list(x.shape), 'x': x.flatten().tolist(),
                   'yShape': list(y.shape), 'y': y.flatten().tolist()}, f)
    print(f'{name}: {os.path.getsize(path)} bytes, y[0] = {y[0].tolist()}')


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(6)
    resnet = TinyResNet()
    randomise_bn(resnet)
    x = torch.randn(2, 3, 16, 16)
    export(resnet, x, 'resnet_bn', do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE)
    export(resnet, x, 'resnet_folded')
    export(Zoo(), torch.randn(2, 3, 16, 16), 'zoo')
    export(Dag(), torch.randn(2, 3, 8, 8), 'dag')


if __name__ == '__main__':
    with torch.no_grad():
        main()
