#!/usr/bin/python3
"""PyTorch peer of samples/nets/convnet.net (the TensorFlow tutorial's convnet, no dropout) on Fashion-MNIST.

conv5x5 1->32 (same) ReLU maxpool2 -> conv5x5 32->64 (same) ReLU maxpool2 -> dense 3136->1024 ReLU -> dense
1024->10, softmax cross-entropy; SGD lr 0.01 momentum 0.9. Training samples/s per batch in --batches, like
netc.bench.TrainStep: warm-up >= 2 s and 5 steps, repeats of about 1.5 s, the median of --repeats. Threads and
OpenBLAS core type as torch_mlp.py (blas_setup.py); convolutions go through oneDNN, which picks its own ISA.

  /usr/bin/python3 benchmarks/peers/torch_cnn.py [--batches 64] [--blas-threads 2] [--repeats 5] [--round 1]
"""
import blas_setup

blas_setup.configure()

import argparse  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

import common  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--batches", default="64")
p.add_argument("--blas-threads", type=int, default=2)
p.add_argument("--repeats", type=int, default=5)
p.add_argument("--round", type=int, default=0)
p.add_argument("--tag", default="")
args = p.parse_args()

blas_setup.set_threads(torch, args.blas_threads)
FWD_FLOP = 2 * (28 * 28 * 32 * 25 + 14 * 14 * 64 * 32 * 25 + 3136 * 1024 + 1024 * 10)
xtr_np, ytr_np = common.load_fashion("train")
xtr = torch.from_numpy(xtr_np).reshape(-1, 1, 28, 28)
ytr = torch.from_numpy(ytr_np)
N = xtr.shape[0]
ENV = common.env_info()

for b in [int(s) for s in args.batches.split(",")]:
    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 1024), nn.ReLU(), nn.Linear(1024, 10))
    lossf = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    state = {"i": 0, "loss": None}
    nb = N // b

    def step():
        i = state["i"]
        state["i"] = (i + 1) % nb
        opt.zero_grad()
        loss = lossf(net(xtr[i * b:(i + 1) * b]), ytr[i * b:(i + 1) * b])
        loss.backward()
        opt.step()
        state["loss"] = loss

    med, lo, hi, more = common.throughput(step, b, 2.0, 5, 1.5, args.repeats)
    row = {"model": "cnn_tf_tutorial_2conv_pool", "round": args.round, "tag": args.tag, "fwd_flop": FWD_FLOP}
    row.update(ENV)
    common.emit("train:convnet", b, args.blas_threads, round(med, 1), "samples/s", **row,
                rate_min=round(lo, 1), rate_max=round(hi, 1), optimizer="SGD lr=0.01 momentum=0.9",
                loss_after=round(float(state["loss"]), 4), mkldnn=torch.backends.mkldnn.is_available(), **more)
