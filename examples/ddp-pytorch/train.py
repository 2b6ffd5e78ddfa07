"""Data-parallel training with torch.distributed (gloo, CPU) and DistributedDataParallel.

Run one process per worker with the rendezvous variables torchrun and the platform set: MASTER_ADDR,
MASTER_PORT, WORLD_SIZE, RANK. Each worker trains on its shard of a synthetic regression set
(fixed seed, the same on every worker); gradients are averaged across workers every step. Rank 0
logs the loss averaged over all workers as one `@aitip` line per epoch and writes metrics.json and
model.onnx to $AITIP_OUTPUT_DIR.

    MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 WORLD_SIZE=2 RANK=0 python3 train.py &
    MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 WORLD_SIZE=2 RANK=1 python3 train.py
"""

import argparse
import datetime
import json
import os
import sys

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

DEFAULTS = {'epochs': 12, 'lr': 0.05, 'batch_size': 32, 'samples': 2048, 'seed': 0}
RENDEZVOUS = ('MASTER_ADDR', 'MASTER_PORT', 'WORLD_SIZE', 'RANK')


def fail(message):
    print(f'error: {message}', file=sys.stderr)
    sys.exit(2)


def read_options(argv):
    """Hyperparameters from --name=value arguments, else AITIP_HP_<NAME>, else the defaults."""
    parser = argparse.ArgumentParser(description='Distributed data-parallel training on a synthetic regression task.')
    for name, default in DEFAULTS.items():
        value = os.environ.get(f'AITIP_HP_{name.upper()}', default)
        try:
            value = type(default)(value)
        except ValueError:
            fail(f'AITIP_HP_{name.upper()}={value!r} is not a number')
        parser.add_argument(f'--{name}', type=type(default), default=value)
    options, unknown = parser.parse_known_args(argv)
    for argument in unknown:
        print(f'ignoring argument {argument} (this script knows {", ".join(DEFAULTS)})')
    if options.epochs < 1 or options.lr <= 0 or options.batch_size < 1 or options.samples < 1:
        fail('epochs, batch_size and samples must be at least 1 and lr above 0')
    return options


def synthetic_regression(samples, seed):
    """y = a fixed nonlinear function of 8 features plus a little noise; identical on every worker."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(samples, 8, generator=generator)
    w = torch.randn(8, 1, generator=generator)
    y = torch.tanh(x @ w) + 0.1 * x[:, :1] ** 2 + 0.05 * torch.randn(samples, 1, generator=generator)
    return TensorDataset(x, y)


def main():
    options = read_options(sys.argv[1:])
    missing = [name for name in RENDEZVOUS if not os.environ.get(name)]
    if missing:
        fail(
            f'{", ".join(missing)} not set: run this with one process per worker and the rendezvous variables '
            'torchrun sets (the platform sets them), e.g. MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 WORLD_SIZE=1 RANK=0'
        )
    # Several workers on one host share its cores; one thread each keeps them from fighting over them.
    if 'OMP_NUM_THREADS' not in os.environ and int(os.environ.get('LOCAL_WORLD_SIZE', '1')) > 1:
        torch.set_num_threads(1)
    dist.init_process_group('gloo', init_method='env://', timeout=datetime.timedelta(seconds=120))
    rank, world_size = dist.get_rank(), dist.get_world_size()

    dataset = synthetic_regression(options.samples, options.seed)
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=options.seed)
    loader = DataLoader(dataset, batch_size=options.batch_size, sampler=sampler)
    torch.manual_seed(options.seed)
    model = DistributedDataParallel(nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 1)))
    optimizer = torch.optim.SGD(model.parameters(), lr=options.lr, momentum=0.9)
    print(
        f'rank {rank} of {world_size}: {len(sampler)} of {len(dataset)} samples per epoch, '
        f'rendezvous {os.environ["MASTER_ADDR"]}:{os.environ["MASTER_PORT"]}'
    )

    losses = []
    for epoch in range(1, options.epochs + 1):
        sampler.set_epoch(epoch)
        total = torch.zeros(2)
        for x, y in loader:
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(model(x), y)
            loss.backward()
            optimizer.step()
            total += torch.tensor([loss.item() * len(x), len(x)])
        dist.all_reduce(total)
        losses.append((total[0] / total[1]).item())
        if rank == 0:
            print('@aitip ' + json.dumps({'metrics': {'loss': losses[-1]}, 'step': epoch}))
            print(f'epoch {epoch}/{options.epochs}: loss {losses[-1]:.4f} (mean over {world_size} workers)')

    if rank == 0:
        output = os.environ.get('AITIP_OUTPUT_DIR', 'output')
        os.makedirs(output, exist_ok=True)
        summary = {'world_size': world_size, 'epochs': options.epochs, 'first_loss': losses[0], 'last_loss': losses[-1]}
        with open(os.path.join(output, 'metrics.json'), 'w', encoding='utf-8') as file:
            json.dump(summary, file, indent=2)
            file.write('\n')
        torch.onnx.export(
            model.module,
            dataset[0][0].unsqueeze(0),
            os.path.join(output, 'model.onnx'),
            input_names=['float_input'],
            output_names=['prediction'],
            dynamic_axes={'float_input': {0: 'N'}, 'prediction': {0: 'N'}},
            opset_version=13,
        )
        print(f'wrote metrics.json and model.onnx to {output}: loss {losses[0]:.4f} -> {losses[-1]:.4f}')
    dist.barrier()
    dist.destroy_process_group()
    print(f'rank {rank} done')


if __name__ == '__main__':
    main()
