"""PyTorch CPU peer of nn-bench: the seed-000 2D-CNN and CNN-LSTM on synthetic
12x9x9x9 patches, batch 512. Prints one JSON line per model, same keys as nn-bench.

Usage: python nn_torch.py --threads N [--samples N] [--models cnn2d,cnnlstm]
"""
import argparse
import json
import os
import resource
import statistics
import time

import torch
import torch.nn as nn


def cnn_block():
    """Six 3x3 'same' convs (32,32,64,64,128,128), each ReLU then BN; 2x2 max-pool after conv 2 and 4."""
    layers, cin = [], 9
    for i, cout in enumerate([32, 32, 64, 64, 128, 128]):
        layers += [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(cout)]
        if i in (1, 3):
            layers.append(nn.MaxPool2d(2))
        cin = cout
    return nn.Sequential(*layers)


class CNN2D(nn.Module):
    def __init__(self):
        super().__init__()
        self.cnn = cnn_block()
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(6144, 1024), nn.ReLU(), nn.Linear(1024, 512), nn.ReLU(),
                                  nn.Linear(512, 6))

    def forward(self, x):  # x: (B, T, C, H, W)
        b, t = x.shape[:2]
        f = self.cnn(x.reshape(b * t, *x.shape[2:]))
        return self.head(f.reshape(b, -1))


class CNNLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.cnn = cnn_block()
        self.lstm1 = nn.LSTM(512, 32, batch_first=True)
        self.lstm2 = nn.LSTM(32, 128, batch_first=True)
        self.head = nn.Sequential(nn.Linear(128, 1024), nn.ReLU(), nn.Linear(1024, 512), nn.ReLU(), nn.Linear(512, 6))

    def forward(self, x):
        b, t = x.shape[:2]
        f = self.cnn(x.reshape(b * t, *x.shape[2:])).reshape(b, t, -1)
        h, _ = self.lstm1(f)
        h, _ = self.lstm2(h)
        return self.head(h[:, -1])


def forward_flops(model):
    convs = [(81, 81, 32), (81, 288, 32), (16, 288, 64), (16, 576, 64), (4, 576, 128), (4, 1152, 128)]
    cnn = 12 * sum(2 * p * k * c for p, k, c in convs)
    first = 12 * 2 * 81 * 81 * 32
    if model == "cnn2d":
        return cnn + 2 * (6144 * 1024 + 1024 * 512 + 512 * 6), first
    lstm = 12 * 2 * ((512 + 32) * 128 + (32 + 128) * 512)
    return cnn + lstm + 2 * (128 * 1024 + 1024 * 512 + 512 * 6), first


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--samples", type=int, default=2048)
    ap.add_argument("--models", default="cnn2d,cnnlstm")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    n, batch = a.samples, 512
    data = torch.rand(n, 12, 9, 9, 9) * 2 - 1  # (N, T, C, H, W)
    labels = torch.randint(0, 6, (n,))
    for name in a.models.split(","):
        model = CNN2D() if name == "cnn2d" else CNNLSTM()
        params = sum(p.numel() for p in model.parameters() if p.requires_grad)
        opt = torch.optim.SGD(model.parameters(), lr=1e-4, momentum=0.9)
        loss_fn = nn.CrossEntropyLoss()

        def epoch():
            total, times = 0.0, []
            for s in range(0, n - batch + 1, batch):
                t = time.perf_counter()
                opt.zero_grad()
                loss = loss_fn(model(data[s:s + batch]), labels[s:s + batch])
                loss.backward()
                opt.step()
                total += loss.item()
                times.append(time.perf_counter() - t)
            return total, times

        model.train()
        epoch()
        loss, times = epoch()
        # Median batch time: robust to other processes on a shared machine (as nn-bench).
        train_sps = batch / statistics.median(times)

        model.eval()

        def infer(bs, reps):
            x = data[torch.arange(bs) % n].contiguous()
            with torch.no_grad():
                model(x)
                times = []
                for _ in range(reps):
                    t = time.perf_counter()
                    model(x)
                    times.append(time.perf_counter() - t)
                return bs / statistics.median(times)

        i512 = infer(512, 5)
        i4096 = infer(4096, 3)
        f, first = forward_flops(name)
        print(json.dumps({
            "impl": "pytorch-" + torch.__version__, "model": name, "threads": a.threads, "params": params,
            "train_sps": train_sps, "train_batches": len(times), "infer512_sps": i512, "infer4096_sps": i4096,
            "train_gflops": train_sps * (3 * f - first) / 1e9, "infer_gflops": i4096 * f / 1e9,
            "fwd_mflop": f / 1e6, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "loss": loss,
        }, sort_keys=True), flush=True)


if __name__ == "__main__":
    main()
