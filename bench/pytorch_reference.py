#!/usr/bin/python3
"""PyTorch CPU reference for `npm run bench:compare` (Debian's python3-torch: run with /usr/bin/python3).

Builds the same networks as bench/argon-workloads.ts (the course's CNN-1 with dilation 2 and its
dilation-1 variant, the course's ResNet-18, CNN-1 on 1x28x28) and times float32 training steps
(forward, loss, backward, SGD with momentum) and inference passes on synthetic data. Prints one
JSON object per line: {"workload": id, "value": images_per_second (or GFLOP/s), "unit": ..., "note": ...}.

Usage: /usr/bin/python3 bench/pytorch_reference.py [--threads 2] [--iters 3] [workload ...]

Debian's torch takes its BLAS from the libblas.so.3 alternative: with only libblas3 (the reference
BLAS) SGEMM runs at ~4 GFLOP/s; `apt-get install libopenblas0-pthread` gives the native reference
its real speed (~55-85 GFLOP/s on 2 cores here). Convolutions go through oneDNN either way.
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def cnn1(in_ch, nclass, dilation, size):
    pad = dilation  # 3x3 "same" conv: padding = dilation
    flat = 64 * ((size + 3) // 4) ** 2
    return nn.Sequential(
        nn.Conv2d(in_ch, 32, 3, padding=pad, dilation=dilation, bias=False), nn.ReLU(),
        nn.MaxPool2d(3, stride=2, padding=1),
        nn.Conv2d(32, 64, 3, padding=pad, dilation=dilation, bias=False), nn.ReLU(),
        nn.MaxPool2d(3, stride=2, padding=1),
        nn.Flatten(), nn.Linear(flat, nclass, bias=False),
    )


class Basic(nn.Module):
    """The course's ResNet block (src/models/resnet.ts): pre-activation BN+ReLU except in the first
    block, conv3x3(stride)+BN+ReLU, conv3x3; projection 1x1 shortcut in the first block and where the
    stride is 2; no activation after the sum."""

    def __init__(self, cin, nfm, first, stride):
        super().__init__()
        self.pre = nn.Identity() if first else nn.Sequential(nn.BatchNorm2d(cin), nn.ReLU())
        self.c1 = nn.Sequential(nn.Conv2d(cin, nfm, 3, stride, 1, bias=False), nn.BatchNorm2d(nfm), nn.ReLU())
        self.c2 = nn.Conv2d(nfm, nfm, 3, 1, 1, bias=False)
        self.side = nn.Conv2d(cin, nfm, 1, stride, bias=False) if first or stride != 1 else nn.Identity()

    def forward(self, x):
        return self.side(x) + self.c2(self.c1(self.pre(x)))


def resnet18(in_ch, nclass):
    layers = [nn.Conv2d(in_ch, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin, first = 64, True
    for nfm in (64, 64, 128, 128, 256, 256, 512, 512):
        stride = 1 if nfm == cin else 2
        layers.append(Basic(cin, nfm, first, stride))
        cin, first = nfm, False
    layers += [nn.BatchNorm2d(512), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, nclass, bias=False)]
    return nn.Sequential(*layers)


# id: (network builder, input shape, batch, nclass)
NETS = {
    'cnn1-d2': (lambda: cnn1(3, 2, 2, 64), (3, 64, 64), 128, 2),
    'cnn1-d1': (lambda: cnn1(3, 2, 1, 64), (3, 64, 64), 128, 2),
    'resnet18': (lambda: resnet18(3, 2), (3, 64, 64), 32, 2),
    'mnist-cnn': (lambda: cnn1(1, 10, 1, 28), (1, 28, 28), 128, 10),
}


def timed(fn, iters):
    fn()  # warm-up
    times = []
    for _ in range(iters):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


def run(workload, iters):
    if workload == 'sgemm-1024':
        n = 1024
        a, b = torch.randn(n, n), torch.randn(n, n)
        t = timed(lambda: torch.mm(a, b), max(iters, 5))
        return {'value': 2 * n ** 3 / t / 1e9, 'unit': 'GFLOP/s'}
    net_id, mode = workload.rsplit('-', 1)
    build, shape, batch, nclass = NETS[net_id]
    torch.manual_seed(0)
    model = build()
    x = torch.rand(batch, *shape) * 255 / 128
    y = torch.arange(batch) % nclass
    if mode == 'infer':
        model.eval()
        with torch.no_grad():
            t = timed(lambda: model(x), iters)
    else:
        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)

        def step():
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            opt.step()
        t = timed(step, iters)
    return {'value': batch / t, 'unit': 'img/s', 'note': f'batch {batch}'}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--iters', type=int, default=3)
    p.add_argument('workloads', nargs='*')
    a = p.parse_args()
    torch.set_num_threads(a.threads)  # Debian's build defaults to 1 thread here
    ids = a.workloads or ['sgemm-1024'] + [f'{n}-{m}' for n in NETS for m in ('train', 'infer')]
    for w in ids:
        try:
            r = run(w, a.iters)
        except Exception as e:  # report, keep going
            r = {'error': f'{type(e).__name__}: {e}'}
        r['workload'] = w
        r['note'] = (r.get('note', '') + f' torch {torch.__version__}, {a.threads} threads').strip()
        print(json.dumps(r), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
