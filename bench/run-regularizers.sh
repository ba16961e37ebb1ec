#!/usr/bin/env bash
# Builds the bench module and runs the regularizer benchmark. Usage, from anywhere:
#
#   bash bench/run-regularizers.sh [ARGS...]
#     JMH, every regularizer: writes bench/results/regularizers.md and bench/results/regularizers-jmh.json. ARGS go to
#     io.genalign.bench.RegularizerBench (--quick for a short smoke run, --out DIR, --only mpgr,prno, --torch-threads N).
#
#   bash bench/run-regularizers.sh --peer [--rounds N] [--seconds S] [--out FILE]
#     genalign against the PyTorch peer bench/peers/regularizers_torch.py (issue 13): MPGR, PRNO and the norm, value +
#     gradient, batch 1, float32, D = 4096 … 262144, one intra-op thread on both sides, the same .npy inputs; N rounds
#     (default 2) alternating genalign and PyTorch; writes FILE (default bench/results/regularizers-pytorch.md).
#     Needs PyTorch for /usr/bin/python3 (Debian: apt-get install python3-torch); without it the peer is skipped and
#     only genalign's side is reported. Installs nothing. Takes about 2 minutes per round.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "uptime before build: $(uptime)"
./mvnw -q -B -pl bench -am package -DskipTests
CP="$(cat bench/target/classpath.txt):bench/target/classes"
JAVA=(java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Xmx2g)

if [[ "${1:-}" == "--peer" ]]; then
  shift
  rounds=2
  seconds=1.5
  out=bench/results/regularizers-pytorch.md
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --rounds) rounds="$2"; shift 2 ;;
      --seconds) seconds="$2"; shift 2 ;;
      --out) out="$2"; shift 2 ;;
      *) echo "unknown argument $1 (expected --rounds N, --seconds S, --out FILE)" >&2; exit 2 ;;
    esac
  done
  work=bench/target/regularizers-peer
  rm -rf "$work"
  mkdir -p "$work"
  export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
  JAVA+=(-Dai.djl.pytorch.num_threads=1 -cp "$CP" io.genalign.bench.RegularizerPeerBench)
  PY=/usr/bin/python3
  peer=yes
  if ! "$PY" -c 'import torch, numpy' 2>/dev/null; then
    echo "PyTorch peer skipped: $PY cannot import torch and numpy (Debian: apt-get install python3-torch)" >&2
    peer=no
  fi
  "${JAVA[@]}" inputs --work "$work"
  for ((r = 1; r <= rounds; r++)); do
    echo "round $r: genalign ($(cut -d' ' -f1-3 /proc/loadavg))"
    "${JAVA[@]}" measure --work "$work" --round "$r" --seconds "$seconds"
    if [[ $peer == yes ]]; then
      echo "round $r: PyTorch ($(cut -d' ' -f1-3 /proc/loadavg))"
      "$PY" bench/peers/regularizers_torch.py --work "$work" --round "$r" --threads 1 --seconds "$seconds"
    fi
  done
  "${JAVA[@]}" report --work "$work" --out "$out" \
    --command "bash bench/run-regularizers.sh --peer --rounds $rounds --seconds $seconds --out $out"
  echo "wrote $out"
  echo "uptime after run: $(uptime)"
  exit 0
fi

echo "uptime before run: $(uptime)"
"${JAVA[@]}" -cp "$CP" io.genalign.bench.RegularizerBench --command "bash bench/run-regularizers.sh $*" "$@"
echo "uptime after run: $(uptime)"
