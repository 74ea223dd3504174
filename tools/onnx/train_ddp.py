"""Train an exported Argon model with PyTorch DistributedDataParallel, then write it back to ONNX.

    argon export --model runs/cnn1 --onnx cnn1.onnx
    torchrun --nproc_per_node 2 tools/onnx/train_ddp.py cnn1.onnx --data faces/train.csv --test faces/test.csv \\
        --epochs 5 --batch-size 64 --out runs/cnn1-ddp
    argon import runs/cnn1-ddp/model.onnx --out runs/cnn1-ddp/argon
    argon eval --model runs/cnn1-ddp/argon --data faces/test.csv

(`python3 -m torch.distributed.run` is the same launcher as `torchrun`.) Without a launcher it runs as
one process. What is Argon's and what is PyTorch's:

  * Argon's: the network (the exported ONNX graph, run node by node by to_torch.OnnxModule, its
    Normalizer inside, so it takes 0-255 pixels), the data listing (a CSV manifest or a folder of
    class folders, read as Argon reads them) and the preprocessing (argon_data.py: Argon's exact
    pixels from its decode cache when Argon has loaded the data at this input size, otherwise Pillow
    decoding with Argon's bilinear resize and grey conversion). The loss is the one Argon trains the
    head with: a final Sigmoid (Logistic) gets binary cross-entropy summed over the classes and
    averaged over the batch (Argon's CrossEntropyBinary), a final Softmax gets cross_entropy (Argon's
    CrossEntropyMulti), both from the logits.
  * PyTorch's: the processes (torchrun sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR/PORT), the
    process group (gloo on CPUs, nccl when every process has a CUDA device), DistributedDataParallel
    (gradients averaged over the processes after every backward; BatchNorm statistics broadcast from
    rank 0 before every forward), DistributedSampler (each epoch a seeded shuffle split into one
    equal share per process, padded by repeating a few samples when the count does not divide), the
    DataLoader workers, the optimizer (SGD with momentum and weight decay, or Adam) and the ONNX export.

--batch-size is per process: the effective batch is batch-size x processes. Rank 0 writes, in --out:
checkpoint.pt (model, optimizer and epoch, after every epoch, atomically; --resume continues from it),
model.onnx (the trained model, ready for `argon import`), train_log.json (losses per step averaged over
the processes, a fixed probe batch's loss before and after, a SHA-256 of every rank's weights, which
must agree, and --test accuracy), and with --check-samples K the first K inputs and PyTorch's outputs
for them as raw float32 (check-input.f32, check-output.f32) to compare with Argon's.
"""
import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, Dataset, DistributedSampler

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from argon_data import ArgonImages  # noqa: E402
from to_torch import OnnxModule  # noqa: E402


class ImageSet(Dataset):
    """(float32 [C, H, W] pixels 0-255, label) pairs in Argon's order."""

    def __init__(self, images):
        self.images = images

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return torch.from_numpy(self.images.image(i).astype(np.float32)), int(self.images.labels[i])


def parse_args(argv):
    p = argparse.ArgumentParser(description='DistributedDataParallel training of an exported Argon model (run it with torchrun).')
    p.add_argument('onnx', help='the model, from `argon export --model DIR --onnx FILE`')
    p.add_argument('--data', required=True, help='training data: a CSV manifest (path,label[,split]) or a folder of class folders')
    p.add_argument('--split', help="keep the manifest rows whose 'split' column equals this")
    p.add_argument('--test', help='held-out data (CSV or folder) scored after training')
    p.add_argument('--limit', type=int, help='use only the first N training images')
    p.add_argument('--epochs', type=int, default=1)
    p.add_argument('--batch-size', type=int, default=32, help='per process')
    p.add_argument('--optimizer', choices=['sgd', 'adam'], default='sgd')
    p.add_argument('--lr', type=float, default=0.01)
    p.add_argument('--momentum', type=float, default=0.9, help='SGD momentum')
    p.add_argument('--wdecay', type=float, default=0.0005, help='weight decay on every parameter, as Argon')
    p.add_argument('--seed', type=int, default=1, help='shuffling, dropout')
    p.add_argument('--workers', type=int, default=0, help='DataLoader worker processes per rank')
    p.add_argument('--pixels', choices=['auto', 'argon', 'pillow'], default='auto',
                   help="where pixels come from: Argon's decode cache, Pillow with Argon's resize, or the cache when it exists")
    p.add_argument('--allow-outside', action='store_true', help="let a manifest name images outside its folder (as argon's --allow-outside)")
    p.add_argument('--backend', choices=['gloo', 'nccl'], help='default: nccl when CUDA is available, else gloo')
    p.add_argument('--out', default='runs/ddp', help='checkpoint.pt, model.onnx and train_log.json go here')
    p.add_argument('--resume', action='store_true', help='continue from OUT/checkpoint.pt')
    p.add_argument('--check-samples', type=int, default=0, help='write the first K inputs and outputs as float32 files')
    a = p.parse_args(argv)
    for name in ('epochs', 'batch_size'):
        if getattr(a, name) < 1:
            p.error(f'--{name.replace("_", "-")} must be at least 1')
    return a


def init_process_group(backend):
    """torchrun's environment, or a one-process group when started without a launcher."""
    if 'RANK' not in os.environ:
        os.environ.update(RANK='0', WORLD_SIZE='1', LOCAL_RANK='0', MASTER_ADDR='127.0.0.1', MASTER_PORT=os.environ.get('MASTER_PORT', '29533'))
    local = int(os.environ['LOCAL_RANK'])
    if backend is None:
        backend = 'nccl' if torch.cuda.is_available() and torch.cuda.device_count() > local else 'gloo'
    device = torch.device('cuda', local) if backend == 'nccl' else torch.device('cpu')
    if device.type == 'cuda':
        torch.cuda.set_device(device)
    dist.init_process_group(backend)
    return device, backend


def loss_of(head, logits, labels, nclass):
    """Argon's cost for the head: the batch mean of the per-sample cost."""
    if head == 'Sigmoid':
        onehot = F.one_hot(labels, nclass).to(logits.dtype)
        return F.binary_cross_entropy_with_logits(logits, onehot, reduction='sum') / len(labels)
    return F.cross_entropy(logits, labels)


def digest(module):
    """SHA-256 of every parameter and buffer, in order, as float32 bytes."""
    h = hashlib.sha256()
    for t in list(module.parameters()) + list(module.buffers()):
        h.update(t.detach().to('cpu', torch.float32).contiguous().numpy().tobytes())
    return h.hexdigest()


def save_atomic(obj, path):
    tmp = f'{path}.{os.getpid()}.tmp'
    torch.save(obj, tmp)
    os.replace(tmp, path)


def evaluate(net, loader, head, nclass, device):
    """Mean cost and accuracy in inference mode."""
    net.eval()
    total, right, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            logits = net(x)
            total += loss_of(head, logits, y, nclass).item() * len(y)
            right += (logits.argmax(1) == y).sum().item()
            count += len(y)
    return total / count, right / count


def main(argv):
    args = parse_args(argv)
    device, backend = init_process_group(args.backend)
    rank, world = dist.get_rank(), dist.get_world_size()
    say = print if rank == 0 else (lambda *a, **k: None)
    torch.manual_seed(args.seed)

    net = OnnxModule.load(args.onnx).to(device)
    head, nclass, shape = net.head(), int(net(torch.zeros([1] + net.input_dims, device=device)).shape[1]), net.input_dims
    if head is None:
        raise SystemExit(f'{args.onnx}: train_ddp.py trains classifiers; the graph must end in Sigmoid (Logistic) or Softmax')
    net.output_logits = True
    images = ArgonImages(args.data, shape, split=args.split, limit=args.limit, pixels=args.pixels, allow_outside=args.allow_outside)
    if images.labels.max() >= nclass:
        raise SystemExit(f'{args.data}: label {images.labels.max()} is outside the model\'s {nclass} classes')
    train = ImageSet(images)
    sampler = DistributedSampler(train, num_replicas=world, rank=rank, shuffle=True, seed=args.seed)
    loader = DataLoader(train, batch_size=args.batch_size, sampler=sampler, num_workers=args.workers)
    probe_n = min(256, len(train))
    probe = DataLoader(torch.utils.data.Subset(train, range(probe_n)), batch_size=args.batch_size)

    ddp = DistributedDataParallel(net, device_ids=[device.index] if device.type == 'cuda' else None)
    params = list(net.parameters())
    if args.optimizer == 'sgd':
        opt = torch.optim.SGD(params, lr=args.lr, momentum=args.momentum, weight_decay=args.wdecay)
    else:
        opt = torch.optim.Adam(params, lr=args.lr, weight_decay=args.wdecay)
    os.makedirs(args.out, exist_ok=True)
    ckpt_path = os.path.join(args.out, 'checkpoint.pt')
    start, log = 0, {'steps': [], 'epochs': []}
    if args.resume:
        ckpt = torch.load(ckpt_path, map_location=device)
        net.load_state_dict(ckpt['model'])
        opt.load_state_dict(ckpt['optimizer'])
        start, log = ckpt['epoch'], ckpt['log']
        say(f'resuming from {ckpt_path} at epoch {start}')
    say(f'{args.onnx}: {sum(p.numel() for p in params):,} parameters, head {head}, {nclass} classes; '
        f'{len(train)} images of {"x".join(map(str, shape))} from {args.data} ({images.pixels_from}); '
        f'{world} process(es) on {backend} ({device.type}), batch {args.batch_size} per process')

    if 'probe_before' not in log:
        log['probe_before'] = evaluate(net, probe, head, nclass, device)[0]
        log['initial_digest'] = digest(net)
    started = time.time()
    for epoch in range(start, args.epochs):
        sampler.set_epoch(epoch)
        ddp.train()
        total = 0.0
        for step, (x, y) in enumerate(loader):
            x, y = x.to(device), y.to(device)
            opt.zero_grad()
            loss = loss_of(head, ddp(x), y, nclass)
            loss.backward()
            opt.step()
            mean = loss.detach().clone()
            dist.all_reduce(mean)
            log['steps'].append(mean.item() / world)
            total += log['steps'][-1]
        log['epochs'].append({'epoch': epoch, 'loss': total / (step + 1), 'seconds': time.time() - started})
        say(f'epoch {epoch + 1}/{args.epochs}: loss {total / (step + 1):.4f} (mean over {step + 1} steps and {world} processes)')
        if rank == 0:
            save_atomic({'model': net.state_dict(), 'optimizer': opt.state_dict(), 'epoch': epoch + 1, 'log': log, 'args': vars(args)}, ckpt_path)
        dist.barrier()

    # DDP keeps parameters equal on every rank; BatchNorm statistics are rank 0's from the last
    # broadcast plus each rank's last forward, so rank 0's are made everyone's before comparing.
    for b in net.buffers():
        dist.broadcast(b, 0)
    digests = [None] * world
    dist.all_gather_object(digests, digest(net))
    if rank == 0:
        log.update(world=world, backend=backend, pixels=images.pixels_from, rank_digests=digests,
                   probe_after=evaluate(net, probe, head, nclass, device)[0], seconds=time.time() - started)
        if len(set(digests)) != 1:
            raise SystemExit(f'ranks disagree after training: {digests}')
        if args.test:
            test = ArgonImages(args.test, shape, pixels=args.pixels, allow_outside=args.allow_outside)
            log['test_loss'], log['test_accuracy'] = evaluate(net, DataLoader(ImageSet(test), batch_size=args.batch_size), head, nclass, device)
            say(f'test: {len(test)} images, accuracy {log["test_accuracy"]:.4f} ({test.pixels_from})')
        net.eval()
        net.output_logits = False
        if args.check_samples:
            k = min(args.check_samples, len(train))
            x = torch.stack([train[i][0] for i in range(k)]).to(device)
            with torch.no_grad():
                y = net(x)
            x.cpu().numpy().astype('<f4').tofile(os.path.join(args.out, 'check-input.f32'))
            y.cpu().numpy().astype('<f4').tofile(os.path.join(args.out, 'check-output.f32'))
            log['check'] = {'input': list(x.shape), 'output': list(y.shape)}
        net.cpu().export(os.path.join(args.out, 'model.onnx'))
        with open(os.path.join(args.out, 'train_log.json'), 'w') as f:
            json.dump(log, f, indent=1)
        say(f'probe loss (first {probe_n} images, inference mode): {log["probe_before"]:.4f} -> {log["probe_after"]:.4f}; '
            f'weights identical on all {world} ranks (sha256 {digests[0][:12]}); wrote {args.out}/model.onnx')
    dist.barrier()
    dist.destroy_process_group()
    # Leave now, before main's locals (DDP, the process group's last references) are destroyed: in
    # torch 1.13 that teardown can deadlock on a native gloo thread (a rank hung there, past every
    # output, in about one run in ten on a 2-core machine; faulthandler showed the main thread
    # returning from main and the other thread in C). Everything is written and closed by now.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
