#!/usr/bin/env bash
# netc vs PyTorch training throughput (Fashion-MNIST slices), in one sitting:
#   --model mlp (default): MLP 784-512-256-10, plain SGD lr 0.1, batch 128, against torch_mlp.py
#   --model cnn:           the TF tutorial convnet (samples/nets/convnet.net), SGD lr 0.01 momentum 0.9, batch 64,
#                          against torch_cnn.py
#
# Holds /tmp/bench.lock for the whole run and alternates the programs (netc, torch, netc, torch, ...) so that
# drift of the machine's speed hits both; then prints per-round medians, the median over rounds and the ratio
# netc/torch. Every row goes to a JSON-lines file (default benchmarks/results/peer-<UTC stamp>.jsonl).
#
#   benchmarks/run-peer.sh [--model mlp|cnn] [--rounds 2] [--batches 128|64] [--netc-threads 2] [--repeats 7|5]
#                          [--scalar] [--torch-splits 1/2[,2/2,2/2p]] [--out FILE] [--tag TEXT] [--no-lock]
#                          [--allow-any-blas] [--coretype SkylakeX]
#
# netc:  java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar netc.bench.TrainThroughput NET
#        (cnn adds --optimizer momentum --lr 0.01 --target-seconds 1.5 --warmup-seconds 2, torch_cnn.py's protocol)
# torch: the tuned configuration of shared/notes/peers.md: OpenBLAS SkylakeX kernels, torch 1 thread + OpenBLAS 2
#        env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 torch_mlp.py --part train \
#            --threads 1 --blas-threads 2 --batches 128            (cnn: torch_cnn.py ... --batches 64)
#        (--coretype changes OPENBLAS_CORETYPE: SkylakeX/Cooperlake need AVX-512; on an AVX2-only CPU use e.g. Zen)
#        --torch-splits runs torch once per split per round: X/Y = torch.set_num_threads(X) / OpenBLAS pool Y, a
#        trailing p adds OMP_WAIT_POLICY=PASSIVE. Default 1/2 (mlp); 1/2,2/2 (cnn: 1/2 is peers.md's tuned split,
#        2/2 gave the best convnet figure there). The summary gives netc/torch per split and against the faster.
# PyTorch is Debian's python3-torch (/usr/bin/python3); nothing in the Maven build or the tests needs it.
# Build first (offline): mvn -B -o -q package -DskipTests -pl benchmarks -am
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
peers="${PEER_DIR:-$root/../shared/peers}"
jar="$root/benchmarks/target/benchmarks.jar"
py=/usr/bin/python3
java_bin="${JAVA:-java}"

orig_args=("$@")
model=mlp
rounds=2
batches=""
netc_threads=2
repeats=""
splits=""
scalar=""
tag=""
lock=1
any_blas=0
coretype=SkylakeX
out="$here/results/peer-$(date -u +%Y%m%dT%H%M%SZ).jsonl"

while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --batches) batches="$2"; shift 2 ;;
    --netc-threads) netc_threads="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --torch-splits) splits="$2"; shift 2 ;;
    --scalar) scalar="--scalar"; shift ;;
    --out) out="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    --no-lock) lock=0; shift ;;
    --allow-any-blas) any_blas=1; shift ;;
    --coretype) coretype="$2"; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "run-peer.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

case "$model" in
  mlp)
    net="$root/samples/nets/mnist_mlp.net"
    peer_script=torch_mlp.py
    netc_opts=()
    : "${batches:=128}" "${repeats:=7}" "${splits:=1/2}" ;;
  cnn)
    net="$root/samples/nets/convnet.net"
    peer_script=torch_cnn.py
    # torch_cnn.py: SGD lr 0.01 momentum 0.9, warm-up 2 s (and >= 5 steps), repeats of about 1.5 s.
    netc_opts=(--optimizer momentum --lr 0.01 --target-seconds 1.5 --warmup-seconds 2)
    : "${batches:=64}" "${repeats:=5}" "${splits:=1/2,2/2}" ;;
  *) echo "run-peer.sh: --model is mlp or cnn, got $model" >&2; exit 2 ;;
esac
IFS=, read -r -a split_list <<< "$splits"
for sp in "${split_list[@]}"; do
  if ! [[ "$sp" =~ ^[1-9][0-9]*/[1-9][0-9]*p?$ ]]; then
    echo "run-peer.sh: --torch-splits takes X/Y[p],... (torch threads / OpenBLAS threads, p = OMP_WAIT_POLICY=PASSIVE), got $sp" >&2
    exit 2
  fi
done

if [ ! -f "$jar" ]; then
  echo "run-peer.sh: $jar is missing; build with: (cd $root && mvn -B -o -q package -DskipTests -pl benchmarks -am)" >&2
  exit 2
fi
if [ ! -f "$peers/$peer_script" ]; then
  echo "run-peer.sh: $peers/$peer_script not found (set PEER_DIR)" >&2
  exit 2
fi
if ! "$py" -c 'import torch' 2>/dev/null; then
  echo "run-peer.sh: $py cannot import torch (Debian package python3-torch)" >&2
  exit 2
fi
# torch's sgemm comes from whatever libblas.so.3 points to. The anchors in shared/notes/peers.md were measured with
# OpenBLAS 0.3.21 (libopenblas0-pthread); with the reference BLAS (libblas3) torch trains about 30x slower, and a
# ratio against that would be meaningless. Refuse unless told otherwise.
case "$coretype" in
  SkylakeX|Cooperlake|SapphireRapids)
    if ! grep -qw avx512f /proc/cpuinfo; then
      msg="OPENBLAS_CORETYPE=$coretype needs AVX-512, which this CPU lacks ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'))"
      if [ "$any_blas" = 1 ]; then
        echo "run-peer.sh: warning: $msg; continuing (--allow-any-blas)" >&2
      else
        echo "run-peer.sh: $msg; pass e.g. --coretype Zen or Haswell" >&2
        exit 2
      fi
    fi ;;
esac
blas="$coretype (checked before taking the lock)"
[ -n "${RUN_PEER_LOCKED:-}" ] || blas="$(cd "$peers" && env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="$coretype" "$py" -c '
import torch, common
i = common.openblas_info()
print(i.get("openblas_arch"), i.get("openblas_version"))' 2>/dev/null || echo "unknown")"
case "$blas" in
  "$coretype"*) ;;
  *)
    if [ "$any_blas" = 1 ]; then
      echo "run-peer.sh: warning: torch does not use OpenBLAS's $coretype kernels (got: $blas); continuing" >&2
    else
      echo "run-peer.sh: torch does not use OpenBLAS's $coretype kernels here (threadpoolctl reports: $blas;" >&2
      echo "  'unknown (no threadpoolctl) None' also means no OpenBLAS is loaded)." >&2
      echo "  Check: update-alternatives --display libblas.so.3-x86_64-linux-gnu (want libopenblas0-pthread)." >&2
      echo "  Pass --allow-any-blas to measure anyway." >&2
      exit 2
    fi ;;
esac

# Take the lock once, for the whole sitting (re-executes this script under flock).
if [ "$lock" = 1 ] && [ -z "${RUN_PEER_LOCKED:-}" ]; then
  echo "run-peer.sh: waiting for /tmp/bench.lock ..." >&2
  export RUN_PEER_LOCKED=1
  exec flock /tmp/bench.lock "$0" ${orig_args[@]+"${orig_args[@]}"} --out "$out"
fi

mkdir -p "$(dirname "$out")"
stamp="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "run-peer.sh: $stamp, model $model, $rounds rounds, batches $batches, netc threads $netc_threads," \
     "repeats $repeats, torch splits $splits -> $out"

for r in $(seq 1 "$rounds"); do
  echo "--- round $r/$rounds: netc ($model)"
  (cd "$root" && "$java_bin" --add-modules jdk.incubator.vector -cp "$jar" netc.bench.TrainThroughput "$net" \
      --batches "$batches" --threads "$netc_threads" --repeats "$repeats" $scalar ${netc_opts[@]+"${netc_opts[@]}"} \
      --jsonl "$out" --tag "run-peer round $r $stamp${tag:+ $tag}") \
      2> >(grep -v '^WARNING: Using incubator modules: jdk.incubator.vector$' >&2)
  for sp in "${split_list[@]}"; do
    tt="${sp%%/*}"; bt="${sp#*/}"; bt="${bt%p}"
    wait_env=()
    desc="torch $tt thread(s) + OpenBLAS $bt"
    if [ "${sp: -1}" = p ]; then
      wait_env=(OMP_WAIT_POLICY=PASSIVE)
      desc="$desc, OMP_WAIT_POLICY=PASSIVE"
    fi
    echo "--- round $r/$rounds: torch $sp ($peer_script, OPENBLAS_CORETYPE=$coretype, $desc)"
    (cd "$peers" && env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="$coretype" ${wait_env[@]+"${wait_env[@]}"} \
        "$py" "$peer_script" --part train --threads "$tt" --blas-threads "$bt" --batches "$batches" \
        --repeats "$repeats" --tag "run-peer round $r $stamp torch=$sp${tag:+ $tag}") | tee -a "$out"
  done
done

echo "--- summary ($out)"
"$py" - "$out" "$stamp" "$splits" <<'EOF'
import json, re, statistics, sys
path, stamp, splits = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
rows = []
with open(path) as f:
    for line in f:
        line = line.strip()
        if line.startswith("{"):
            r = json.loads(line)
            if stamp in r.get("tag", ""):
                rows.append(r)
def side(r):
    if r["name"].startswith("netc_"):
        return "netc"
    m = re.search(r"torch=(\S+)", r["tag"])
    return m.group(1) if m else splits[0]
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
