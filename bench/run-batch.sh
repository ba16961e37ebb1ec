#!/usr/bin/env bash
# The genalign batch benchmark: the same 64 tasks (8 built-in classes x 8 seeds, align, --steps 20) through the local
# runner (1 worker with 2 and with 1 intra-op threads, 2 worker processes) and Spark local[2], each into a fresh
# folder, plus a resumed rerun (nothing to do), Spark on a finished folder (its fixed cost) and an
# strace of a small Spark run listing every socket address the JVM connects or binds to. Prints the figures that
# bench/results/batch.md reports. Usage: bash bench/run-batch.sh [SEEDS] [STEPS]   (defaults 8 and 20; the results
# file used 8 and 5)
set -euo pipefail
cd "$(dirname "$0")/.."
seeds="${1:-8}"
steps="${2:-20}"
work="$(mktemp -d /tmp/genalign-batch-bench.XXXXXX)"
printf 't-shirt/top\ntrouser\npullover\ndress\ncoat\nsandal\nsneaker\nbag\n' > "$work/prompts.txt"
./genalign --version >/dev/null 2>&1            # builds the CLI if needed
./genalign batch --spark-master 'local[1]' --help >/dev/null 2>&1   # builds the spark module if needed
export GENALIGN_NO_BUILD=1                        # no build inside a timed run
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
run() { # name, args...
  local name="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  ./genalign batch --prompts "$work/prompts.txt" --seeds "$seeds" --steps "$steps" --out "$work/$name" "$@" \
    > "$work/$name.log" 2>&1 || true
  t1=$(date +%s.%N)
  python3 - "$work/$name" "$name" "$t0" "$t1" <<'PY'
import csv, json, sys
out, name, t0, t1 = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
rows = list(csv.DictReader(open(out + "/results.csv")))
ok = [r for r in rows if r["status"] == "ok"]
task = sum(float(r["wall_s"]) for r in ok)
run = json.load(open(out + "/run.json"))
stats = run["results"]["stats"]
inner = run.get("timings_seconds", {}).get("run", float("nan"))
loads = stats.get("model_load_seconds", [])
print(f"{name}: {len(ok)}/{len(rows)} ok; process wall {t1 - t0:.1f}s; batch run {inner:.1f}s; "
      f"sum of task walls {task:.1f}s ({task / max(1, len(ok)):.3f}s/task); "
      f"model loads {len(loads)} x {sum(loads) / max(1, len(loads)):.2f}s; stats {json.dumps(stats)}")
PY
}
run local-1 --workers 1
GENALIGN_JAVA_OPTS=-Dai.djl.pytorch.num_threads=1 run local-1t --workers 1   # the same with 1 intra-op thread
run local-2 --workers 2
run spark-2 --spark-master 'local[2]'
run local-2 --workers 2   # resume: every task is done, nothing runs
run local-1t --spark-master 'local[2]'   # Spark on a finished folder: session start + Parquet + report, no task
echo "identical rows local-2 vs spark-2 (all columns but wall_s):"
python3 - "$work" <<'PY'
import csv, sys
w = sys.argv[1]
def rows(n):
    return [{k: v for k, v in r.items() if k != "wall_s"} for r in csv.DictReader(open(f"{w}/{n}/results.csv"))]
print("  ", rows("local-2") == rows("spark-2"), len(rows("local-2")), "rows")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
if command -v strace >/dev/null; then
  printf 'sneaker\nbag\n' > "$work/small.txt"
  strace -f -qq -e trace=connect,bind -o "$work/strace.txt" ./genalign batch --prompts "$work/small.txt" --seeds 1 \
    --steps 2 --out "$work/strace-run" --spark-master 'local[2]' > "$work/strace-run.log" 2>&1 || true
  echo "strace (connect/bind) of a Spark local[2] batch: distinct addresses:"
  grep -o 'sin6\?_addr=[^)]*)\|inet_addr("[^"]*")\|inet_pton(AF_INET6\?, "[^"]*"\|sun_path="[^"]*"' "$work/strace.txt" \
    | sort | uniq -c | sed 's/^/  /'
fi
echo "work folder: $work"
