"""Checks a freshly built aitip/pytorch:1 from inside (read-only root, user aitip, no network):
everything the examples use must load after images/pytorch/prune.py removed libraries."""

import os
import tempfile

import numpy
import onnx
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

assert os.getuid() == 1000, f'runs as uid {os.getuid()}, expected 1000 (aitip)'

torch.manual_seed(0)
inputs = torch.randn(64, 4)
targets = (inputs.sum(dim=1) > 0).long()
os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT='29555')
dist.init_process_group('gloo', init_method='env://', rank=0, world_size=1)
model = DistributedDataParallel(torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2)))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for _ in range(5):
    optimizer.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(inputs), targets)
    loss.backward()
    optimizer.step()
dist.destroy_process_group()

with tempfile.TemporaryDirectory() as scratch:
    path = os.path.join(scratch, 'model.onnx')
    torch.onnx.export(model.module, inputs[:1], path, input_names=['float_input'], opset_version=13)
    onnx.checker.check_model(onnx.load(path))
print(f'aitip/pytorch:1 works: torch {torch.__version__}, numpy {numpy.__version__}, onnx {onnx.__version__}')
