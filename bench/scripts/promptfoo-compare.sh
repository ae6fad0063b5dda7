#!/usr/bin/env bash
# PromptOpt vs promptfoo 0.121.20, side by side on PromptOpt's loopback SIMULATOR server (see bench/README.md).
# Installs promptfoo into a temporary folder (nothing of it is committed or left behind), builds the bench in Release,
# and runs `PromptOpt.Bench promptfoo-compare`, which starts the simulator in-process and runs both tools as child processes.
#
# usage: bench/scripts/promptfoo-compare.sh [latency-ms=100] [concurrency=8,32,128] [examples=1000] [repeats=3] [task=multistep_arithmetic] [seed=1]
# env:   PROMPTFOO_PREFIX=<dir>  reuse a folder where promptfoo@0.121.20 is already installed (skips the npm install)
#        PROMPTOPT_BENCH_KEEP=1  keep the bench's work directory (configs, outputs, stores) and print its path
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version="0.121.20"

command -v node >/dev/null || { echo "promptfoo-compare: node is required (promptfoo $version runs on Node 20)" >&2; exit 2; }
command -v npm >/dev/null || { echo "promptfoo-compare: npm is required" >&2; exit 2; }

if [[ -n "${PROMPTFOO_PREFIX:-}" ]]; then
  prefix="$PROMPTFOO_PREFIX"
else
  prefix="$(mktemp -d "${TMPDIR:-/tmp}/promptfoo-XXXXXX")"
  trap 'rm -rf "$prefix"' EXIT
  echo "# installing promptfoo@$version into $prefix (temporary) ..." >&2
  npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "promptfoo@$version" >&2
fi

bin="$prefix/node_modules/.bin/promptfoo"
[[ -x "$bin" ]] || { echo "promptfoo-compare: $bin not found" >&2; exit 2; }

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores; uptime:$(uptime)" >&2
cd "$root"
dotnet run -c Release --project bench/PromptOpt.Bench -- promptfoo-compare "$bin" "$@"
