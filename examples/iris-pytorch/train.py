"""Trains a small PyTorch MLP on the iris CSV and exports it to ONNX.

Reads the first *.csv in $AITIP_DATA_DIR/iris (or --data FILE): numeric feature columns, the class
label last. Holds out a fixed-seed 20 % validation split, logs one `@aitip` metric line per epoch
(loss, accuracy, val_loss, val_accuracy) and writes model.onnx (input `float_input` [N, features],
output `probabilities` [N, classes], standardization included) and labels.json to
$AITIP_OUTPUT_DIR.

    python3 train.py [--data FILE] [--epochs=60] [--lr=0.05] [--batch_size=16] [--hidden=16] [--seed=0]
"""

import argparse
import csv
import glob
import json
import os
import sys

import torch
from torch import nn

DEFAULTS = {'epochs': 60, 'lr': 0.05, 'batch_size': 16, 'hidden': 16, 'seed': 0}


def fail(message):
    print(f'error: {message}', file=sys.stderr)
    sys.exit(2)


def read_options(argv):
    """Hyperparameters from --name=value arguments, else AITIP_HP_<NAME>, else the defaults."""
    parser = argparse.ArgumentParser(description='Train an MLP on the iris CSV and export ONNX.')
    parser.add_argument('--data', help='CSV file (default: the first *.csv in $AITIP_DATA_DIR/iris)')
    for name, default in DEFAULTS.items():
        value = os.environ.get(f'AITIP_HP_{name.upper()}', default)
        try:
            value = type(default)(value)
        except ValueError:
            kind = 'a whole number' if isinstance(default, int) else 'a number'
            fail(f'AITIP_HP_{name.upper()}={value!r} is not {kind}')
        parser.add_argument(f'--{name}', type=type(default), default=value)
    options, unknown = parser.parse_known_args(argv)
    # The platform appends every hyperparameter of the job; one this script has no use for is noted.
    for argument in unknown:
        print(f'ignoring argument {argument} (this script knows {", ".join(DEFAULTS)} and --data)')
    if options.epochs < 1 or options.lr <= 0 or options.batch_size < 1 or options.hidden < 1:
        fail('epochs, batch_size and hidden must be at least 1 and lr above 0')
    return options


def data_file(option):
    if option:
        return option
    root = os.environ.get('AITIP_DATA_DIR')
    if not root:
        fail('no data: add a dataset input named "iris" to the job (or pass --data FILE when running by hand)')
    files = sorted(glob.glob(os.path.join(root, 'iris', '*.csv')))
    if not files:
        fail(f'{os.path.join(root, "iris")} holds no .csv file; add the iris dataset as an input named "iris"')
    return files[0]


def read_table(path):
    """Features as a float tensor, class indices as a long tensor, and the class names in order."""
    with open(path, newline='', encoding='utf-8') as file:
        rows = [row for row in csv.reader(file) if row]
    if len(rows) < 2 or len(rows[0]) < 2:
        fail(f'{path} needs a header row, feature columns and a label column')
    header, body = rows[0], rows[1:]
    features, labels = [], []
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            fail(f'{path} line {line} has {len(row)} cells, expected {len(header)}')
        try:
            features.append([float(cell) for cell in row[:-1]])
        except ValueError:
            fail(f'{path} line {line}: every column but the last must be a number')
        labels.append(row[-1].strip())
    classes = list(dict.fromkeys(labels))
    if len(classes) < 2:
        fail(f'{path} has only one class; a classifier needs two or more')
    target = torch.tensor([classes.index(label) for label in labels])
    return torch.tensor(features), target, classes, header[:-1]


class Classifier(nn.Module):
    """Standardizes its input with the training set's statistics, then a two-layer MLP."""

    def __init__(self, mean, std, hidden, classes):
        super().__init__()
        self.register_buffer('mean', mean)
        self.register_buffer('std', std)
        self.layers = nn.Sequential(nn.Linear(len(mean), hidden), nn.ReLU(), nn.Linear(hidden, classes))

    def forward(self, x):
        return self.layers((x - self.mean) / self.std)


class WithProbabilities(nn.Module):
    """What the exported model computes: class probabilities instead of logits."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return torch.softmax(self.model(x), dim=1)


def evaluate(model, x, y):
    with torch.no_grad():
        logits = model(x)
        loss = nn.functional.cross_entropy(logits, y).item()
        accuracy = (logits.argmax(dim=1) == y).float().mean().item()
    return loss, accuracy


def main():
    options = read_options(sys.argv[1:])
    path = data_file(options.data)
    x, y, classes, feature_names = read_table(path)
    torch.manual_seed(options.seed)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(options.seed))
    validation_size = max(1, len(x) // 5)
    val_idx, train_idx = order[:validation_size], order[validation_size:]
    x_train, y_train, x_val, y_val = x[train_idx], y[train_idx], x[val_idx], y[val_idx]
    print(f'training on {len(x_train)} rows, validating on {len(x_val)} rows of {path}; classes {", ".join(classes)}')
    print(' '.join(f'{name}={getattr(options, name)}' for name in DEFAULTS))

    std = x_train.std(dim=0)
    model = Classifier(x_train.mean(dim=0), torch.where(std > 0, std, torch.ones_like(std)), options.hidden, len(classes))
    optimizer = torch.optim.Adam(model.parameters(), lr=options.lr)
    shuffle = torch.Generator().manual_seed(options.seed)
    for epoch in range(1, options.epochs + 1):
        model.train()
        for batch in torch.randperm(len(x_train), generator=shuffle).split(options.batch_size):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x_train[batch]), y_train[batch]).backward()
            optimizer.step()
        model.eval()
        loss, accuracy = evaluate(model, x_train, y_train)
        val_loss, val_accuracy = evaluate(model, x_val, y_val)
        metrics = {'loss': loss, 'accuracy': accuracy, 'val_loss': val_loss, 'val_accuracy': val_accuracy}
        print('@aitip ' + json.dumps({'metrics': metrics, 'step': epoch}))
        if epoch == 1 or epoch % 10 == 0 or epoch == options.epochs:
            print(f'epoch {epoch}/{options.epochs}: loss {loss:.4f} accuracy {accuracy:.3f} val_accuracy {val_accuracy:.3f}')

    output = os.environ.get('AITIP_OUTPUT_DIR', 'output')
    os.makedirs(output, exist_ok=True)
    onnx_path = os.path.join(output, 'model.onnx')
    torch.onnx.export(
        WithProbabilities(model),
        x[:1],
        onnx_path,
        input_names=['float_input'],
        output_names=['probabilities'],
        dynamic_axes={'float_input': {0: 'N'}, 'probabilities': {0: 'N'}},
        opset_version=13,
    )
    with open(os.path.join(output, 'labels.json'), 'w', encoding='utf-8') as file:
        json.dump(classes, file)
        file.write('\n')
    print(f'wrote {onnx_path} and labels.json (features: {", ".join(feature_names)})')


if __name__ == '__main__':
    main()
