#!/usr/bin/env bash
# Builds the bench module and runs the regularizer benchmark; writes bench/results/regularizers.md and
# bench/results/regularizers-jmh.json. Extra arguments go to io.genalign.bench.RegularizerBench
# (--quick for a short smoke run, --out DIR, --only mpgr,prno). Usage, from anywhere:
#   nohup bash bench/run-regularizers.sh > /tmp/bench.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
echo "uptime before build: $(uptime)"
./mvnw -q -B -pl bench -am package -DskipTests
echo "uptime before run: $(uptime)"
java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Xmx2g \
  -cp "$(cat bench/target/classpath.txt):bench/target/classes" \
  io.genalign.bench.RegularizerBench --command "bash bench/run-regularizers.sh $*" "$@"
echo "uptime after run: $(uptime)"
