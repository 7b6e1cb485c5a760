#!/usr/bin/env bash
# Issue #9's table in one sitting: netc (JMH, benchmarks/target/benchmarks.jar) against PyTorch (benchmarks/peers),
# alternating group by group (odd rounds netc first, even rounds PyTorch first) under /tmp/bench.lock, then the
# medians, ratios, GFLOP/s and % of the FMA peak into benchmarks/results/<UTC date>-table.md (raw rows alongside in
# -table.jsonl, JMH's log in -table-jmh.log; a --quick run writes -table-quick.*), and the same text into README.md between the perf-table markers.
#
#   benchmarks/run-table.sh [--rounds 3] [--quick] [--build] [--no-readme] [--netc-only] [--no-lock]
#
#   --quick      smoke run (about 5 minutes): 1 round unless --rounds, short JMH warm-up and measurement, fewer
#                PyTorch repeats; the table says so. A full run (3 rounds) takes about 20 minutes.
#   --build      build benchmarks.jar first if it is missing (mvn -B -o -q -pl benchmarks -am package -DskipTests)
#   --no-readme  leave README.md alone
#   --netc-only  no PyTorch (the PyTorch column stays empty)
#
# Groups, per round: peak (FMA peak, 1 and 2 threads), train-mlp (batch 32/128/512), scaling (batch 128 on 1
# thread), train-mlp2048, train-convnet (batch 64), infer (MLP batch 1024, 1 and 2 threads), latency (MLP on 1 and 2
# threads, XOR and logistic regression at batch 1), kernels (GEMM kernels by shape); round 1 also runs epochs
# (epoch 1 against later ones).
# PyTorch: Debian's python3-torch at /usr/bin/python3, 1 torch thread + 2 OpenBLAS threads (1 + 1 for the 1-thread
# rows), OPENBLAS_CORETYPE chosen once per sitting by benchmarks/peers/blas_setup.py.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
py=/usr/bin/python3
java_bin="${JAVA:-java}"
orig_args=("$@")
rounds=""
quick=0
build=0
readme=1
torch=1
lock=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --quick) quick=1; shift ;;
    --build) build=1; shift ;;
    --no-readme) readme=0; shift ;;
    --netc-only) torch=0; shift ;;
    --no-lock) lock=0; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "run-table.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
: "${rounds:=$([ "$quick" = 1 ] && echo 1 || echo 3)}"
if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]]; then
  echo "run-table.sh: --rounds takes a positive number, got $rounds" >&2
  exit 2
fi

if [ ! -f "$jar" ]; then
  if [ "$build" = 1 ]; then
    (cd "$root" && mvn -B -o -q -pl benchmarks -am package -DskipTests -Dnetc.fuzz.skip=true)
  else
    echo "run-table.sh: $jar is missing; build it with" >&2
    echo "  (cd $root && mvn -B -o -q -pl benchmarks -am package -DskipTests -Dnetc.fuzz.skip=true)" >&2
    echo "or pass --build" >&2
    exit 2
  fi
fi
if [ "$torch" = 1 ] && ! "$py" -c 'import torch, threadpoolctl' 2>/dev/null; then
  echo "run-table.sh: $py cannot import torch and threadpoolctl; install Debian's packages:" >&2
  echo "  apt-get install python3-torch python3-threadpoolctl libopenblas0-pthread dataset-fashion-mnist" >&2
  echo "or pass --netc-only" >&2
  exit 2
fi
if [ ! -d /usr/share/datasets/fashion-mnist ]; then
  echo "run-table.sh: /usr/share/datasets/fashion-mnist is missing (apt-get install dataset-fashion-mnist)" >&2
  exit 2
fi

# Hold the lock for the whole sitting (re-executes this script under flock).
if [ "$lock" = 1 ] && [ -z "${RUN_TABLE_LOCKED:-}" ]; then
  echo "run-table.sh: waiting for /tmp/bench.lock ..." >&2
  export RUN_TABLE_LOCKED=1
  exec flock /tmp/bench.lock "$0" ${orig_args[@]+"${orig_args[@]}"}
fi

base="$here/results/$(date -u +%Y-%m-%d)-table$(if [ "$quick" = 1 ]; then echo -quick; fi)"
[ ! -e "$base.jsonl" ] || base="$base-$(date -u +%H%M)"
raw="$base.jsonl"
jmh_log="$base-jmh.log"
mkdir -p "$here/results"
: > "$raw"
echo "run-table.sh: $rounds round(s)$([ "$quick" = 1 ] && echo ', quick') -> $base.md (raw rows $raw)"

netc() {  # group round
  (cd "$root" && "$java_bin" --add-modules jdk.incubator.vector -cp "$jar" netc.bench.TableRound --group "$1" \
      --round "$2" --out "$raw" --jmh-log "$jmh_log" $([ "$quick" = 1 ] && echo --quick)) \
    2> >(grep -v '^WARNING: Using incubator modules: jdk.incubator.vector$' >&2) | sed -n '/^TableRound:/p'
}
peer() {  # round script args...
  local r="$1"; shift
  local q=()
  [ "$quick" = 1 ] && q=(--repeats 2)
  [ "$1" = torch_tiny.py ] && q=()
  "$py" "$here/peers/$@" --round "$r" ${q[@]+"${q[@]}"} | tee -a "$raw" | cut -c1-120
}
torch_group() {  # group round
  [ "$torch" = 1 ] || return 0
  case "$1" in
    train-mlp) peer "$2" torch_mlp.py --part train --batches 32,128,512 --blas-threads 2 ;;
    scaling) peer "$2" torch_mlp.py --part train --batches 128 --blas-threads 1 ;;
    train-mlp2048) peer "$2" torch_mlp.py --part train --batches 128 --hidden 2048 --blas-threads 2 ;;
    train-convnet) peer "$2" torch_cnn.py --batches 64 --blas-threads 2 ;;
    infer)
      peer "$2" torch_mlp.py --part infer --blas-threads 1
      peer "$2" torch_mlp.py --part infer --blas-threads 2 ;;
    latency)
      peer "$2" torch_mlp.py --part latency --blas-threads 1 $([ "$quick" = 1 ] && echo --calls 1000)
      peer "$2" torch_mlp.py --part latency --blas-threads 2 $([ "$quick" = 1 ] && echo --calls 1000)
      peer "$2" torch_tiny.py $([ "$quick" = 1 ] && echo --calls 2000) ;;
  esac
}

if [ "$torch" = 1 ]; then
  # OpenBLAS's core type, chosen and checked once for the sitting (see peers/blas_setup.py).
  while IFS= read -r kv; do export "${kv?}"; echo "run-table.sh: $kv"; done < <("$py" "$here/peers/blas_setup.py" --env)
fi
netc machine 0
start=$SECONDS
for r in $(seq 1 "$rounds"); do
  echo "--- round $r/$rounds ($((SECONDS - start)) s so far)"
  netc peak "$r"
  # every round: one JVM's kernels can run 15% slower or faster than the next one's (where its arrays fall), so the
  # table gives the median of the rounds' JVMs and their range (mlp2048.fc2.nn, Zen 5: 149 in one, 172-177 in others)
  netc kernels "$r"
  for g in train-mlp scaling train-mlp2048 train-convnet infer latency; do
    if [ $((r % 2)) = 1 ]; then netc "$g" "$r"; torch_group "$g" "$r"; else torch_group "$g" "$r"; netc "$g" "$r"; fi
  done
  if [ "$r" = 1 ]; then
    netc epochs "$r"
  fi
done
echo "--- table ($((SECONDS - start)) s)"
readme_args=()
[ "$readme" = 1 ] && readme_args=(--readme "$root/README.md")
"$java_bin" -cp "$jar" netc.bench.PerfTable --raw "$raw" --out "$base.md" ${readme_args[@]+"${readme_args[@]}"}
