#!/usr/bin/env bash
# Runs the whole suite (`make test`) RUNS times in a row while every core is saturated by a
# CPU burner (stress-ng from Debian), to prove the suite does not depend on the machine's
# speed. Usage: make test-stress [RUNS=3]. The burner stops when the script ends, however.
set -uo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
if ! command -v stress-ng >/dev/null; then
  echo "Installing stress-ng from Debian packages…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq stress-ng >/dev/null
fi
cores=$(nproc)
stress-ng --cpu "$cores" --cpu-method matrixprod --timeout 6h --quiet &
burner=$!
trap 'kill "$burner" 2>/dev/null; wait "$burner" 2>/dev/null' EXIT
echo "== CPU burner: stress-ng --cpu $cores (pid $burner); $RUNS run(s) of make test"
status=0
for run in $(seq 1 "$RUNS"); do
  start=$(date +%s)
  echo "== Run $run/$RUNS under load (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  if make test; then result=passed; else result=FAILED; status=1; fi
  echo "== Run $run/$RUNS $result in $(( $(date +%s) - start )) s (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
done
exit $status
