#!/usr/bin/env bash
# netc vs PyTorch training throughput (Fashion-MNIST slices), in one sitting:
#   --model mlp (default): MLP 784-512-256-10, plain SGD lr 0.1, batch 128, against peers/torch_mlp.py
#   --model cnn:           the TF tutorial convnet (samples/nets/convnet.net), SGD lr 0.01 momentum 0.9, batch 64,
#                          against peers/torch_cnn.py
# (benchmarks/run-table.sh runs the whole of issue #9's table; this script is the older, TrainThroughput-based
# comparison of one network, kept for its per-round detail.)
#
# Holds /tmp/bench.lock for the whole run and alternates the programs (netc, torch, netc, torch, ...) so that
# drift of the machine's speed hits both; then prints per-round medians, the median over rounds and the ratio
# netc/torch. Every row goes to a JSON-lines file (default benchmarks/results/peer-<UTC stamp>.jsonl).
#
#   benchmarks/run-peer.sh [--model mlp|cnn] [--rounds 2] [--batches 128|64] [--netc-threads 2] [--repeats 7|5]
#                          [--scalar] [--blas-threads 2] [--out FILE] [--tag TEXT] [--no-lock]
#
# netc:  java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar netc.bench.TrainThroughput NET
#        (cnn adds --optimizer momentum --lr 0.01 --target-seconds 1.5 --warmup-seconds 2, torch_cnn.py's protocol)
# torch: benchmarks/peers/torch_mlp.py --part train --blas-threads 2 --batches 128   (cnn: torch_cnn.py --batches 64)
#        1 torch thread + an OpenBLAS pool of --blas-threads (never both pools on the same cores); the OpenBLAS core
#        type is chosen for the CPU and checked against the default's loss once per sitting by peers/blas_setup.py
#        (NETC_PEER_CORETYPE=X forces one).
# PyTorch is Debian's python3-torch (/usr/bin/python3); nothing in the Maven build or the tests needs it.
# Build first (offline): mvn -B -o -q package -DskipTests -pl benchmarks -am
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
peers="$here/peers"
jar="$root/benchmarks/target/benchmarks.jar"
py=/usr/bin/python3
java_bin="${JAVA:-java}"

orig_args=("$@")
model=mlp
rounds=2
batches=""
netc_threads=2
repeats=""
blas_threads=2
scalar=""
tag=""
lock=1
out="$here/results/peer-$(date -u +%Y%m%dT%H%M%SZ).jsonl"

while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --batches) batches="$2"; shift 2 ;;
    --netc-threads) netc_threads="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --blas-threads) blas_threads="$2"; shift 2 ;;
    --scalar) scalar="--scalar"; shift ;;
    --out) out="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    --no-lock) lock=0; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "run-peer.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

case "$model" in
  mlp)
    net="$root/samples/nets/mnist_mlp.net"
    peer_script=torch_mlp.py
    netc_opts=()
    : "${batches:=128}" "${repeats:=7}" ;;
  cnn)
    net="$root/samples/nets/convnet.net"
    peer_script=torch_cnn.py
    # torch_cnn.py: SGD lr 0.01 momentum 0.9, warm-up 2 s (and >= 5 steps), repeats of about 1.5 s.
    netc_opts=(--optimizer momentum --lr 0.01 --target-seconds 1.5 --warmup-seconds 2)
    : "${batches:=64}" "${repeats:=5}" ;;
  *) echo "run-peer.sh: --model is mlp or cnn, got $model" >&2; exit 2 ;;
esac
if [ ! -f "$jar" ]; then
  echo "run-peer.sh: $jar is missing; build with: (cd $root && mvn -B -o -q package -DskipTests -pl benchmarks -am)" >&2
  exit 2
fi
if ! "$py" -c 'import torch, threadpoolctl' 2>/dev/null; then
  echo "run-peer.sh: $py cannot import torch and threadpoolctl (Debian: python3-torch python3-threadpoolctl)" >&2
  exit 2
fi

# Take the lock once, for the whole sitting (re-executes this script under flock).
if [ "$lock" = 1 ] && [ -z "${RUN_PEER_LOCKED:-}" ]; then
  echo "run-peer.sh: waiting for /tmp/bench.lock ..." >&2
  export RUN_PEER_LOCKED=1
  exec flock /tmp/bench.lock "$0" ${orig_args[@]+"${orig_args[@]}"} --out "$out"
fi

mkdir -p "$(dirname "$out")"
# OpenBLAS's core type, chosen and checked once for the sitting (peers/blas_setup.py).
while IFS= read -r kv; do export "${kv?}"; done < <("$py" "$peers/blas_setup.py" --env)
stamp="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "run-peer.sh: $stamp, model $model, $rounds rounds, batches $batches, netc threads $netc_threads," \
     "repeats $repeats, torch 1 thread + OpenBLAS $blas_threads ($NETC_PEER_BLAS) -> $out"

for r in $(seq 1 "$rounds"); do
  echo "--- round $r/$rounds: netc ($model)"
  (cd "$root" && "$java_bin" --add-modules jdk.incubator.vector -cp "$jar" netc.bench.TrainThroughput "$net" \
      --batches "$batches" --threads "$netc_threads" --repeats "$repeats" $scalar ${netc_opts[@]+"${netc_opts[@]}"} \
      --jsonl "$out" --tag "run-peer round $r $stamp${tag:+ $tag}") \
      2> >(grep -v '^WARNING: Using incubator modules: jdk.incubator.vector$' >&2)
  echo "--- round $r/$rounds: torch ($peer_script, 1 torch thread + OpenBLAS $blas_threads)"
  "$py" "$peers/$peer_script" --batches "$batches" --blas-threads "$blas_threads" --repeats "$repeats" \
      --round "$r" --tag "run-peer round $r $stamp${tag:+ $tag}" | tee -a "$out"
done

echo "--- summary ($out)"
"$py" - "$out" "$stamp" <<'EOF'
import json, re, statistics, sys
path, stamp, splits = sys.argv[1], sys.argv[2], ["torch"]
rows = []
with open(path) as f:
    for line in f:
        line = line.strip()
        if line.startswith("{"):
            r = json.loads(line)
            if stamp in r.get("tag", ""):
                rows.append(r)
def side(r):
    return "netc" if r.get("name", "").startswith("netc_") else "torch"
def rnd(r):
    return int(r["tag"].split()[2])
def label(sp):
    return "torch" if len(splits) == 1 else f"torch {sp}"
def fmt(x):
    if x is None:
        return "-"
    return (f"{x['value']:>9,.0f} [{x['rate_min']:,.0f}-{x['rate_max']:,.0f}] foreign {x.get('foreign_cpu_pct')}%"
            + (" ⚠" if (x.get("foreign_cpu_pct") or 0) >= 10 else ""))
for b in sorted({r["batch"] for r in rows}):
    by = {k: {} for k in ["netc"] + splits}
    for r in rows:
        if r["batch"] == b:
            by.setdefault(side(r), {})[rnd(r)] = r
    print(f"batch {b}:")
    for k in sorted(set().union(*[set(v) for v in by.values()])):
        n = by["netc"].get(k)
        parts = []
        for sp in splits:
            t = by[sp].get(k)
            ratio = f"{n['value'] / t['value']:.2f}" if n and t else "-"
            parts.append(f"{label(sp)} {fmt(t)} | netc/{label(sp)} {ratio}")
        if len(splits) == 1:
            print(f"  round {k}: netc {fmt(n)} | {parts[0]}")
        else:
            print(f"  round {k}: netc {fmt(n)}")
            for part in parts:
                print(f"           {part}")
    nv = [x["value"] for x in by["netc"].values()]
    if not nv:
        continue
    mn = statistics.median(nv)
    best = None
    for sp in splits:
        tv = [x["value"] for x in by[sp].values()]
        if not tv:
            continue
        mt = statistics.median(tv)
        paired = [by["netc"][k]["value"] / by[sp][k]["value"] for k in by["netc"] if k in by[sp]]
        rng = f" (per-round ratios {min(paired):.2f}-{max(paired):.2f})" if paired else ""
        print(f"  median over rounds: netc {mn:,.0f} samples/s, {label(sp)} {mt:,.0f} samples/s, "
              f"netc/{label(sp)} {mn / mt:.2f}{rng}")
        if best is None or mt > best[1]:
            best = (sp, mt)
    if best is not None and len(splits) > 1:
        print(f"  against the faster torch split ({best[0]}): netc/torch {mn / best[1]:.2f}")
if any((r.get("foreign_cpu_pct") or 0) >= 10 for r in rows):
    print("⚠ = other processes used >= 10% of the machine during that measurement; netc's 2-thread kernels spin "
          "between stages and slow down badly when a core is taken, so repeat on a quiet machine.")
EOF
