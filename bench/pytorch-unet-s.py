"""PyTorch reference for `fair bench train` (issue 3 §10: "at least PyTorch-CPU parity").

The same unet-s as src/ml/models/unet.ts (encoder 16/32/64/128, [bias-free 3x3 conv -> BatchNorm -> ReLU] x 2,
2x2 max-pool, 2x2 stride-2 ConvTranspose up, concat skips, 1x1 head; 482,737 parameters, printed as a check),
batch 4 x 3 x 256 x 256, BCE (pos_weight 2) + soft Dice, AdamW (lr 1e-3, weight decay 1e-4): the step
`fair bench train` times. Prints the median of 12 timed steps after 2 warm-up steps.

Not part of the project's dependencies: run it where PyTorch is installed,
    python bench/pytorch-unet-s.py [threads]      (default 2)
and alternate it with `fair bench train --json` on the same machine (timings drift from minute to minute).

    python bench/pytorch-unet-s.py [threads] --net doc-probe
times instead the probe network of docs/onnx-training.md (3 levels 16/32/64, [3x3 conv + bias -> ReLU] x 2, no
BatchNorm; 117,041 parameters) with plain BCE and Adam, as `npm run bench:train -- --net doc-probe` does: the doc
measured PyTorch at 487 ms/step on it, so both figures again tell how fast this machine is today.
"""
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def block(ci: int, co: int, batch_norm: bool = True) -> nn.Sequential:
    if not batch_norm:
        return nn.Sequential(nn.Conv2d(ci, co, 3, padding=1), nn.ReLU(inplace=True),
                             nn.Conv2d(co, co, 3, padding=1), nn.ReLU(inplace=True))
    return nn.Sequential(
        nn.Conv2d(ci, co, 3, padding=1, bias=False), nn.BatchNorm2d(co), nn.ReLU(inplace=True),
        nn.Conv2d(co, co, 3, padding=1, bias=False), nn.BatchNorm2d(co), nn.ReLU(inplace=True),
    )


class UNet(nn.Module):
    def __init__(self, widths=(16, 32, 64, 128), batch_norm=True):
        super().__init__()
        levels = range(len(widths) - 1)
        self.enc = nn.ModuleList([block(3 if i == 0 else widths[i - 1], w, batch_norm) for i, w in enumerate(widths)])
        self.up = nn.ModuleList([nn.ConvTranspose2d(widths[i + 1], widths[i], 2, 2) for i in reversed(levels)])
        self.dec = nn.ModuleList([block(2 * widths[i], widths[i], batch_norm) for i in reversed(levels)])
        self.head = nn.Conv2d(widths[0], 1, 1)

    def forward(self, x):
        skips = []
        for i, encode in enumerate(self.enc):
            x = encode(x)
            if i < len(self.enc) - 1:
                skips.append(x)
                x = F.max_pool2d(x, 2)
        for up, decode in zip(self.up, self.dec):
            x = decode(torch.cat([up(x), skips.pop()], 1))
        return self.head(x)


def main() -> None:
    probe = '--net' in sys.argv and sys.argv[sys.argv.index('--net') + 1] == 'doc-probe'
    positional = [a for i, a in enumerate(sys.argv[1:], 1) if a != '--net' and sys.argv[i - 1] != '--net']
    threads = int(positional[0]) if positional else 2
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = UNet((16, 32, 64), batch_norm=False) if probe else UNet()
    print('network', 'doc-probe' if probe else 'unet-s', 'parameters', sum(p.numel() for p in net.parameters()))
    optimizer = (torch.optim.Adam(net.parameters(), lr=1e-3) if probe
                 else torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4))
    x = torch.randn(4, 3, 256, 256)
    y = (torch.rand(4, 1, 256, 256) < 0.33).float()
    pos_weight = torch.tensor(2.0)

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        logits = net(x)
        if probe:
            F.binary_cross_entropy_with_logits(logits, y).backward()
            optimizer.step()
            return
        p = torch.sigmoid(logits)
        dice = 1 - (2 * (p * y).sum() + 1) / (p.sum() + y.sum() + 1)
        loss = F.binary_cross_entropy_with_logits(logits, y, pos_weight=pos_weight) + dice
        loss.backward()
        optimizer.step()

    times = []
    for i in range(14):
        t0 = time.perf_counter()
        step()
        if i >= 2:
            times.append((time.perf_counter() - t0) * 1000)
    print(f'pytorch {torch.__version__}, {threads} threads: median {statistics.median(times):.1f} ms/step, '
          f'min {min(times):.1f}')


if __name__ == '__main__':
    main()
