#!/usr/bin/env bash
# Builds the bench module and times the white-noise projection against N; writes bench/results/projection.md.
# Extra arguments go to io.genalign.bench.ProjectionBench (--quick, --out FILE). Usage, from anywhere:
#   nohup bash bench/run-projection.sh > /tmp/projection.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
echo "uptime before build: $(uptime)"
./mvnw -q -B -ntp -o -pl bench -am package -DskipTests
echo "uptime before run: $(uptime)"
java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Xmx2g \
  -cp "$(cat bench/target/classpath.txt):bench/target/classes" \
  io.genalign.bench.ProjectionBench --command "bash bench/run-projection.sh $*" "$@"
echo "uptime after run: $(uptime)"
