#!/usr/bin/env bash
# Runs the benchmarks of bench/README.md (all but `metaspo`, whose tables are in bench/results/metaspo.md), in order,
# and prints one Markdown report (date, cores, load before each).
# usage: bench/scripts/run-all.sh > bench-results.md        (about 10-15 minutes on a quiet 2-core machine)
# env:   PROMPTFOO_PREFIX=<dir>  reuse an existing promptfoo@0.121.20 install for the promptfoo comparison
#        SKIP_PROMPTFOO=1        leave out the promptfoo comparison (no npm needed)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
dotnet build -c Release bench/PromptOpt.Bench -nologo -v q >&2

bench() {
  echo
  echo "### \`$*\`"
  echo
  echo "_$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg) before the run_"
  echo
  dotnet run -c Release --no-build --project bench/PromptOpt.Bench -- "$@" || echo "(exit code $?)"
}

echo "# PromptOpt benchmark run ($(git rev-parse --short HEAD))"
bench overhead
bench cache
bench throughput 100 1,16,64,256 1000
bench client-cpu layers 4000 32
bench client-cpu throughput 100 256 1000
bench cost
bench quality
if [[ "${SKIP_PROMPTFOO:-}" != "1" ]]; then
  echo
  echo "### \`bench/scripts/promptfoo-compare.sh\`"
  echo
  echo "_$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg) before the run_"
  echo
  bash bench/scripts/promptfoo-compare.sh || echo "(exit code $?)"
fi
