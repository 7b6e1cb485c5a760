"""Helpers shared by the PyTorch peers: Fashion-MNIST, timing the way netc's benchmarks time, JSON rows.

Every measurement is one JSON object on one line on stdout, with the fields benchmarks/run-table.sh and
netc.bench.PerfTable read: side ("torch"), workload ("train:mlp", "infer:mlp", "latency:xor", ...), batch, threads
(cores the measurement may use), value, unit, round, fwd_flop (2 x multiply-adds of one sample's forward pass).
"""
import datetime
import gzip
import json
import os
import platform
import statistics
import struct
import sys
import time

import numpy as np

FASHION_DIR = os.environ.get("FASHION_DIR", "/usr/share/datasets/fashion-mnist")


def _read_idx_gz(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    if data[0:2] != b"\x00\x00" or data[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_fashion(split="train"):
    """(x float32 [N,784] in [0,1], y int64 [N]) for split 'train' or 't10k' (Debian's dataset-fashion-mnist)."""
    x = _read_idx_gz(os.path.join(FASHION_DIR, f"{split}-images-idx3-ubyte.gz"))
    y = _read_idx_gz(os.path.join(FASHION_DIR, f"{split}-labels-idx1-ubyte.gz"))
    return x.reshape(x.shape[0], -1).astype(np.float32) / 255.0, y.astype(np.int64)


def env_info():
    """What decides torch's speed here: the OpenBLAS kernel and pool really in use, torch's threads and version."""
    import torch
    info = {"torch": torch.__version__, "torch_threads": torch.get_num_threads(),
            "blas_setup": os.environ.get("NETC_PEER_BLAS", "?"),
            "openblas_coretype_env": os.environ.get("OPENBLAS_CORETYPE", "<unset>"),
            "python": platform.python_version()}
    try:
        import threadpoolctl
        for lib in threadpoolctl.threadpool_info():
            if lib.get("internal_api") == "openblas":
                info.update(openblas_version=lib.get("version"), openblas_arch=lib.get("architecture"),
                            openblas_threads=lib.get("num_threads"))
    except ImportError:
        info["openblas_arch"] = "unknown (no threadpoolctl)"
    return info


def emit(workload, batch, threads, value, unit, **extra):
    row = {"side": "torch", "workload": workload, "batch": batch, "threads": threads, "value": value, "unit": unit}
    row.update(extra)
    row["when"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    print(json.dumps(row), flush=True)
    return row


def timed_repeats(fn, repeats, inner):
    """Seconds of each of `repeats` runs of `inner` calls of fn."""
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        out.append(time.perf_counter() - t0)
    return out


def calibrate(fn, target_s=0.7, min_inner=3):
    """Number of calls of fn (already warm) that take about target_s."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt >= 0.05:
            return max(min_inner, int(n * target_s / dt))
        n *= 4


def warm(fn, seconds, min_calls):
    t_end = time.perf_counter() + seconds
    k = 0
    while time.perf_counter() < t_end or k < min_calls:
        fn()
        k += 1


def median(xs):
    return statistics.median(xs)


class CpuProbe:
    """CPU time other processes used while we measured, as % of all cores' wall time (a noise indicator)."""

    def __init__(self):
        self.hz = os.sysconf("SC_CLK_TCK")
        self.ncpu = os.cpu_count()
        self.t0 = time.perf_counter()
        self.busy0 = self._busy()
        self.own0 = self._own()

    @staticmethod
    def _busy():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)

    @staticmethod
    def _own():
        import resource
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    def stop(self):
        total = (time.perf_counter() - self.t0) * self.ncpu
        foreign = (self._busy() - self.busy0) / self.hz - (self._own() - self.own0)
        return {"foreign_cpu_pct": round(100 * max(0.0, foreign) / total, 1)}


def throughput(fn, batch, warmup_s, min_warm_calls, target_s, repeats):
    """samples/s median, min, max of fn (one batch per call) and the CPU probe's fields."""
    warm(fn, warmup_s, min_warm_calls)
    inner = calibrate(fn, target_s=target_s, min_inner=2)
    probe = CpuProbe()
    secs = timed_repeats(fn, repeats, inner)
    noise = probe.stop()
    rates = [inner * batch / s for s in secs]
    return median(rates), min(rates), max(rates), dict(noise, repeats=repeats, calls_per_repeat=inner)


def latency_ns(fn, calls, warm_calls):
    """Median, p10, p90 nanoseconds of single calls fn(i), each timed with perf_counter_ns."""
    for i in range(warm_calls):
        fn(i)
    lat = []
    probe = CpuProbe()
    for i in range(calls):
        t0 = time.perf_counter_ns()
        fn(i)
        lat.append(time.perf_counter_ns() - t0)
    noise = probe.stop()
    lat.sort()
    return median(lat), lat[len(lat) // 10], lat[9 * len(lat) // 10], noise


def fail(msg):
    print(f"{os.path.basename(sys.argv[0])}: {msg}", file=sys.stderr)
    sys.exit(2)
