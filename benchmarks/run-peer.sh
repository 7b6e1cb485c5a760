#!/usr/bin/env bash
# netc vs PyTorch: MLP 784-512-256-10 training throughput (plain SGD, Fashion-MNIST slices), in one sitting.
#
# Holds /tmp/bench.lock for the whole run and alternates the two programs (netc, torch, netc, torch, ...) so that
# drift of the machine's speed hits both; then prints per-round medians, the median over rounds and the ratio
# netc/torch. Every row goes to a JSON-lines file (default benchmarks/results/peer-<UTC stamp>.jsonl).
#
#   benchmarks/run-peer.sh [--rounds 2] [--batches 128] [--netc-threads 2] [--repeats 7] [--scalar]
#                          [--out FILE] [--tag TEXT] [--no-lock] [--allow-any-blas] [--coretype SkylakeX]
#
# netc:  java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar netc.bench.TrainThroughput
# torch: the tuned configuration of shared/notes/peers.md: OpenBLAS SkylakeX kernels, torch 1 thread + OpenBLAS 2
#        env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 torch_mlp.py --part train \
#            --threads 1 --blas-threads 2 --batches 128
#        (--coretype changes OPENBLAS_CORETYPE: SkylakeX/Cooperlake need AVX-512; on an AVX2-only CPU use e.g. Zen)
# PyTorch is Debian's python3-torch (/usr/bin/python3); nothing in the Maven build needs it.
# Build first (offline): mvn -B -o -q install -DskipTests
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
peers="${PEER_DIR:-$root/../shared/peers}"
jar="$root/benchmarks/target/benchmarks.jar"
net="$root/samples/nets/mnist_mlp.net"
py=/usr/bin/python3
java_bin="${JAVA:-java}"

orig_args=("$@")
rounds=2
batches=128
netc_threads=2
repeats=7
scalar=""
tag=""
lock=1
any_blas=0
coretype=SkylakeX
out="$here/results/peer-$(date -u +%Y%m%dT%H%M%SZ).jsonl"

while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --batches) batches="$2"; shift 2 ;;
    --netc-threads) netc_threads="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --scalar) scalar="--scalar"; shift ;;
    --out) out="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    --no-lock) lock=0; shift ;;
    --allow-any-blas) any_blas=1; shift ;;
    --coretype) coretype="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "run-peer.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

if [ ! -f "$jar" ]; then
  echo "run-peer.sh: $jar is missing; build with: (cd $root && mvn -B -o -q install -DskipTests)" >&2
  exit 2
fi
if [ ! -f "$peers/torch_mlp.py" ]; then
  echo "run-peer.sh: $peers/torch_mlp.py not found (set PEER_DIR)" >&2
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
echo "run-peer.sh: $stamp, $rounds rounds, batches $batches, netc threads $netc_threads, repeats $repeats -> $out"

for r in $(seq 1 "$rounds"); do
  echo "--- round $r/$rounds: netc"
  (cd "$root" && "$java_bin" --add-modules jdk.incubator.vector -cp "$jar" netc.bench.TrainThroughput "$net" \
      --batches "$batches" --threads "$netc_threads" --repeats "$repeats" $scalar \
      --jsonl "$out" --tag "run-peer round $r $stamp${tag:+ $tag}") \
      2> >(grep -v '^WARNING: Using incubator modules: jdk.incubator.vector$' >&2)
  echo "--- round $r/$rounds: torch (OPENBLAS_CORETYPE=$coretype, torch 1 thread + OpenBLAS 2)"
  (cd "$peers" && env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="$coretype" "$py" torch_mlp.py --part train \
      --threads 1 --blas-threads 2 --batches "$batches" --repeats "$repeats" \
      --tag "run-peer round $r $stamp${tag:+ $tag}") | tee -a "$out"
done

echo "--- summary ($out)"
"$py" - "$out" "$stamp" <<'EOF'
import json, statistics, sys
path, stamp = sys.argv[1], sys.argv[2]
rows = []
with open(path) as f:
    for line in f:
        line = line.strip()
        if line.startswith("{"):
            r = json.loads(line)
            if stamp in r.get("tag", ""):
                rows.append(r)
def side(r):
    return "netc" if r["name"].startswith("netc_") else "torch"
def rnd(r):
    return int(r["tag"].split()[2])
for b in sorted({r["batch"] for r in rows}):
    by = {"netc": {}, "torch": {}}
    for r in rows:
        if r["batch"] == b:
            by[side(r)][rnd(r)] = r
    print(f"batch {b}:")
    for k in sorted(set(by["netc"]) | set(by["torch"])):
        n, t = by["netc"].get(k), by["torch"].get(k)
        fmt = lambda x: "-" if x is None else f"{x['value']:>9,.0f} [{x['rate_min']:,.0f}-{x['rate_max']:,.0f}] foreign {x.get('foreign_cpu_pct')}%" + (" ⚠" if (x.get("foreign_cpu_pct") or 0) >= 10 else "")
        ratio = f"{n['value'] / t['value']:.2f}" if n and t else "-"
        print(f"  round {k}: netc {fmt(n)} | torch {fmt(t)} | netc/torch {ratio}")
    nv = [x["value"] for x in by["netc"].values()]
    tv = [x["value"] for x in by["torch"].values()]
    paired = [by["netc"][k]["value"] / by["torch"][k]["value"] for k in by["netc"] if k in by["torch"]]
    if nv and tv:
        mn, mt = statistics.median(nv), statistics.median(tv)
        print(f"  median over rounds: netc {mn:,.0f} samples/s, torch {mt:,.0f} samples/s, netc/torch {mn / mt:.2f}"
              f" (per-round ratios {min(paired):.2f}-{max(paired):.2f})")
if any((r.get("foreign_cpu_pct") or 0) >= 10 for r in rows):
    print("⚠ = other processes used >= 10% of the machine during that measurement; netc's 2-thread kernels spin "
          "between stages and slow down badly when a core is taken, so repeat on a quiet machine.")
EOF
