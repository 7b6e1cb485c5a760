#!/usr/bin/python3
"""PyTorch peer of netc's MLPs on Fashion-MNIST: 784-H-H/2-10 (ReLU, softmax cross-entropy), H = --hidden.

H=512 is samples/nets/mnist_mlp.net, H=2048 benchmarks/nets/mnist_mlp_2048.net. Parts:
  train    samples/s of SGD steps (lr 0.1, no momentum) on consecutive slices, per batch in --batches; like
           netc.bench.TrainStep: warm-up >= 1 s and 50 steps, repeats of about 0.7 s, the median of --repeats
  infer    samples/s of forward at batch 1024 (no_grad, eval)
  latency  nanoseconds of forward at batch 1 (no_grad, eval), median of --calls single calls on real samples
torch runs with 1 intra-op thread and an OpenBLAS pool of --blas-threads (blas_setup.py; never both pools stacked),
with the OpenBLAS core type blas_setup.py picks for the CPU. Rows: JSON lines on stdout (common.py).

  /usr/bin/python3 benchmarks/peers/torch_mlp.py --part train --batches 32,128,512 [--hidden 512]
      [--blas-threads 2] [--repeats 7] [--round 1] [--tag TEXT]
Run timed parts under `flock /tmp/bench.lock` (run-table.sh and run-peer.sh do).
"""
import blas_setup

blas_setup.configure()

import argparse  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

import common  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--part", default="train", help="comma list of train, infer, latency")
p.add_argument("--batches", default="128")
p.add_argument("--hidden", type=int, default=512)
p.add_argument("--blas-threads", type=int, default=2)
p.add_argument("--repeats", type=int, default=7)
p.add_argument("--calls", type=int, default=5000)
p.add_argument("--round", type=int, default=0)
p.add_argument("--tag", default="")
args = p.parse_args()

blas_setup.set_threads(torch, args.blas_threads)
H1, H2 = args.hidden, args.hidden // 2
NAME = "mlp" if args.hidden == 512 else f"mlp{args.hidden}"
FWD_FLOP = 2 * (784 * H1 + H1 * H2 + H2 * 10)
xtr_np, ytr_np = common.load_fashion("train")
xtr, ytr = torch.from_numpy(xtr_np), torch.from_numpy(ytr_np)
N = xtr.shape[0]
ENV = common.env_info()


def make_net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(784, H1), nn.ReLU(), nn.Linear(H1, H2), nn.ReLU(), nn.Linear(H2, 10))


def extra(**kw):
    d = {"model": f"mlp_784_{H1}_{H2}_10", "round": args.round, "tag": args.tag, "fwd_flop": FWD_FLOP}
    d.update(ENV)
    d.update(kw)
    return d


def train():
    for b in [int(s) for s in args.batches.split(",")]:
        net = make_net()
        lossf = nn.CrossEntropyLoss()
        opt = torch.optim.SGD(net.parameters(), lr=0.1)
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

        med, lo, hi, more = common.throughput(step, b, 1.0, 50, 0.7, args.repeats)
        common.emit(f"train:{NAME}", b, args.blas_threads, round(med, 1), "samples/s",
                    **extra(rate_min=round(lo, 1), rate_max=round(hi, 1), optimizer="SGD lr=0.1 no momentum",
                            loss_after=round(float(state["loss"]), 4), **more))


def infer():
    net = make_net().eval()
    b = 1024
    xb = xtr[:b]
    with torch.no_grad():
        med, lo, hi, more = common.throughput(lambda: net(xb), b, 0.5, 10, 0.7, args.repeats)
    common.emit(f"infer:{NAME}", b, args.blas_threads, round(med, 1), "samples/s",
                **extra(rate_min=round(lo, 1), rate_max=round(hi, 1), **more))


def latency():
    net = make_net().eval()
    with torch.no_grad():
        med, p10, p90, noise = common.latency_ns(lambda i: net(xtr[i % 2000:i % 2000 + 1]), args.calls, 500)
    common.emit(f"latency:{NAME}", 1, args.blas_threads, round(med, 1), "ns",
                **extra(p10_ns=p10, p90_ns=p90, calls=args.calls, how="no_grad, eval, logits, perf_counter_ns",
                        **noise))


parts = args.part.split(",")
for part in parts:
    {"train": train, "infer": infer, "latency": latency}.get(part, lambda: common.fail(f"unknown part {part}"))()
