#!/usr/bin/python3
"""PyTorch peer of netc's tiny nets at batch 1: forward latency (no_grad, eval), nanoseconds per call.

  xor     samples/nets/xor.net: 2-4-1, tanh hidden layer, sigmoid output
  logreg  samples/nets/logistic_regression.net: sigmoid(w x + b), 2 inputs
Inputs cycle through 64 random samples, as netc.bench.BatchOneLatency does. Threads and OpenBLAS as torch_mlp.py (these
products are too small for BLAS threads to matter; torch's per-call overhead is what is measured).

  /usr/bin/python3 benchmarks/peers/torch_tiny.py [--nets xor,logreg] [--calls 20000] [--round 1]
"""
import blas_setup

blas_setup.configure()

import argparse  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

import common  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--nets", default="xor,logreg")
p.add_argument("--calls", type=int, default=20000)
p.add_argument("--blas-threads", type=int, default=1)
p.add_argument("--round", type=int, default=0)
p.add_argument("--tag", default="")
args = p.parse_args()

blas_setup.set_threads(torch, args.blas_threads)
ENV = common.env_info()
torch.manual_seed(0)
X = torch.rand(64, 2)
NETS = {
    "xor": (lambda: nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid()), 2 * (2 * 4 + 4 * 1)),
    "logreg": (lambda: nn.Sequential(nn.Linear(2, 1), nn.Sigmoid()), 2 * 2),
}
for name in args.nets.split(","):
    if name not in NETS:
        common.fail(f"unknown net {name}, expected one of {sorted(NETS)}")
    make, flop = NETS[name]
    torch.manual_seed(0)
    net = make().eval()
    with torch.no_grad():
        med, p10, p90, noise = common.latency_ns(lambda i: net(X[i & 63:(i & 63) + 1]), args.calls, 2000)
    row = {"model": name, "round": args.round, "tag": args.tag, "fwd_flop": flop}
    row.update(ENV)
    common.emit(f"latency:{name}", 1, args.blas_threads, round(med, 1), "ns", **row, p10_ns=p10, p90_ns=p90,
                calls=args.calls, how="no_grad, eval, perf_counter_ns per call", **noise)
