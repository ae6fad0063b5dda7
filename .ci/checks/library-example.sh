#!/usr/bin/env bash
# The "Use it from C#" example (examples/library, the README's code): builds it and runs it with no OPENAI_API_KEY, so it
# optimizes on the in-process simulator; checks that it reports progress, the best prompt and the test scores.
# Counts as one test in .ci/run.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
fail() { echo "library-example: FAIL: $*"; exit 1; }
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

dotnet build examples/library -c Release -v q --nologo >"$log" 2>&1 || { tail -n 30 "$log"; fail "the example does not build"; }
env -u OPENAI_API_KEY -u OPENAI_BASE_URL dotnet examples/library/bin/Release/net10.0/Library.dll >"$log" 2>&1 \
  || { cat "$log"; fail "the example failed"; }
cat "$log"
# Progress: every scored candidate, and each finished step (a run whose first prompt leaves no failures has no step).
grep -Eq '^(candidate [0-9]+ \(|step 1: best train score )' "$log" || fail "no progress line from the progress callback"
grep -q '^best prompt (dual-phase, stopped: ' "$log" || fail "no best prompt"
grep -Eq '^test label_word: [0-9.]+ -> [0-9.]+; [0-9]+ calls' "$log" || fail "no test scores with the custom metric"
echo "library-example: passed"
