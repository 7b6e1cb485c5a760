#!/usr/bin/python3
"""OpenBLAS core type and thread pools for the PyTorch peers, chosen for the CPU at hand.

Debian's OpenBLAS 0.3.21 (torch's sgemm here) does not recognise recent CPUs and falls back to slow SSE3 kernels
unless OPENBLAS_CORETYPE names one, and it reads that variable once, when the library loads. So every peer script
calls configure() before it imports numpy or torch:

  1. pick_coretype(/proc/cpuinfo): avx512f -> SkylakeX, AVX2 on AMD -> Zen, AVX2 on Intel -> Haswell, else none.
  2. Check it: train a small MLP for a few steps with that core type and with OpenBLAS's default, in two child
     processes; if the losses differ (relative 1e-4), fall back to the default and say so on stderr.
  3. Re-execute the script with the chosen environment (NETC_PEER_BLAS records the decision, so this happens once;
     run-table.sh makes it once per sitting with `blas_setup.py --env` and exports the result).

An OPENBLAS_CORETYPE inherited from the environment is ignored (some images set a generic one, e.g. Haswell on
an AVX-512 machine, 20% slower); NETC_PEER_CORETYPE=X forces X without the check (NETC_PEER_CORETYPE=default:
OpenBLAS's own detection). set_threads() gives torch 1 intra-op thread and
OpenBLAS its own pool (2 by default): torch.set_num_threads does not reach OpenBLAS's pthread pool, and 2 torch
threads stacked on 2 OpenBLAS threads on 2 cores was the slowest split measured.

  /usr/bin/python3 blas_setup.py --env            prints NETC_PEER_BLAS=... and OPENBLAS_CORETYPE=... lines
  /usr/bin/python3 blas_setup.py --pick FILE      prints the core type pick_coretype chooses for a cpuinfo file
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK_STEPS = 20
TOLERANCE = 1e-4


def pick_coretype(cpuinfo):
    """OPENBLAS_CORETYPE for the CPU described by /proc/cpuinfo text, or None to leave OpenBLAS's detection."""
    flags, vendor = set(), ""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "flags" and not flags:
            flags = set(value.split())
        elif key == "vendor_id" and not vendor:
            vendor = value.strip()
    if "avx512f" in flags:
        return "SkylakeX"
    if "avx2" in flags:
        if vendor == "AuthenticAMD":
            return "Zen"
        if vendor == "GenuineIntel":
            return "Haswell"
    return None


def _check_loss(coretype):
    """Loss after CHECK_STEPS SGD steps of a seeded MLP, in a child process with the given core type (None: unset)."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    env["NETC_PEER_BLAS"] = "child"
    out = subprocess.run([sys.executable, os.path.join(HERE, "blas_setup.py"), "--loss"], env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), out[1]


def decide():
    """(environment additions, note) for this CPU; see the module comment."""
    forced = os.environ.get("NETC_PEER_CORETYPE")
    if forced == "default":
        return {"NETC_PEER_BLAS": "default (NETC_PEER_CORETYPE=default)"}, None
    if forced:
        return {"OPENBLAS_CORETYPE": forced, "NETC_PEER_BLAS": f"{forced} (NETC_PEER_CORETYPE, not checked)"}, None
    with open("/proc/cpuinfo") as f:
        choice = pick_coretype(f.read())
    if choice is None:
        return {"NETC_PEER_BLAS": "default (no AVX2: OpenBLAS's own detection)"}, None
    base, base_arch = _check_loss(None)
    tuned, tuned_arch = _check_loss(choice)
    if abs(tuned - base) <= TOLERANCE * max(abs(base), 1e-12):
        return {"OPENBLAS_CORETYPE": choice,
                "NETC_PEER_BLAS": f"{choice}, its loss after {CHECK_STEPS} steps matches the default "
                                  f"{base_arch}'s"}, None
    note = (f"OPENBLAS_CORETYPE={choice} gives loss {tuned:.6f} after {CHECK_STEPS} steps where OpenBLAS's default "
            f"({base_arch}) gives {base:.6f}; falling back to the default kernels")
    return {"NETC_PEER_BLAS": f"default {base_arch} ({choice} failed the loss check)"}, note


def configure():
    """Call first in a peer script: re-executes it once with the chosen OpenBLAS environment."""
    if os.environ.get("NETC_PEER_BLAS"):
        return
    extra, note = decide()
    if note:
        print("blas_setup: " + note, file=sys.stderr)
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env.update(extra)
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


def set_threads(torch, blas_threads=2):
    """torch 1 intra-op thread, OpenBLAS blas_threads: never both pools on the same cores."""
    torch.set_num_threads(1)
    try:
        import threadpoolctl
        return threadpoolctl.threadpool_limits(limits=blas_threads, user_api="blas")
    except ImportError:
        os.environ["OPENBLAS_NUM_THREADS"] = str(blas_threads)  # too late for a loaded OpenBLAS; say so in rows
        return None


def _loss_probe():
    import torch
    import torch.nn as nn
    set_threads(torch, 2)
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    g = torch.Generator().manual_seed(0)
    x = torch.rand(128, 784, generator=g)
    y = torch.randint(0, 10, (128,), generator=g)
    loss = None
    for _ in range(CHECK_STEPS):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
    arch = "unknown"
    try:
        import threadpoolctl
        arch = next((i.get("architecture") for i in threadpoolctl.threadpool_info()
                     if i.get("internal_api") == "openblas"), "none")
    except ImportError:
        pass
    print(f"{float(loss):.9f} {arch}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--loss"]:
        _loss_probe()
    elif len(sys.argv) == 3 and sys.argv[1] == "--pick":
        with open(sys.argv[2]) as f:
            print(pick_coretype(f.read()) or "default")
    elif sys.argv[1:] == ["--env"]:
        extra, note = decide()
        if note:
            print("blas_setup: " + note, file=sys.stderr)
        for k, v in extra.items():
            print(f"{k}={v}")
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
