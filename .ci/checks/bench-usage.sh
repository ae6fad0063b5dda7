#!/usr/bin/env bash
# Bench argument check: every benchmark in bench/PromptOpt.Bench refuses bad arguments with its usage on stderr and
# exit code 2, before doing any work (no server, no model call), and `--help` prints the usage with exit code 0.
# Counts as one test in .ci/run. Budget: a Release build of the bench (normally done by .ci/run already) plus ~15 s.
set -uo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dll=bench/PromptOpt.Bench/bin/Release/net10.0/PromptOpt.Bench.dll
[ -f "$dll" ] || dotnet build bench/PromptOpt.Bench -c Release -v q --nologo >/dev/null || { echo "bench-usage: FAIL: build"; exit 1; }

fails=0
# expect <exit code> <text the output must contain> -- <bench args...>
expect() {
  local code="$1" text="$2"; shift 3
  local out rc
  out="$(timeout 60 dotnet "$dll" "$@" 2>&1)"; rc=$?
  if [ "$rc" -ne "$code" ] || [[ "$out" != *"$text"* ]] || [[ "$out" == *"Unhandled exception"* ]]; then
    echo "bench-usage: FAIL: '$*' exited $rc (expected $code) and printed:"; echo "$out" | head -n 5
    fails=$((fails + 1))
  fi
}

expect 0 "usage: PromptOpt.Bench <benchmark>" --
expect 2 "unknown benchmark 'nope'" -- nope
expect 2 "usage: PromptOpt.Bench cost [methods=all|a,b] [latency-ms=50]" -- cost dual-phase,opro,expo library   # issue 17: was a FormatException
expect 2 "unknown method 'nope'" -- cost nope
expect 2 "mode" -- cost all 50 multistep_arithmetic 1 16 fast
expect 2 "unknown environment 'bandit-medium'" -- cost expo 50 multistep_arithmetic 1 16 library bandit-medium
expect 2 "at most 9 expected" -- cost all 50 multistep_arithmetic 1 16 library bandit-hard both 200 extra
expect 2 "unknown answers 'replay'" -- cost all 50 multistep_arithmetic 1 16 library bandit-hard replay
expect 2 "long-latency-ms must be an integer" -- cost all 50 multistep_arithmetic 1 16 library bandit-hard recorded slow
expect 2 "usage: PromptOpt.Bench overhead" -- overhead many
expect 2 "usage: PromptOpt.Bench cache" -- cache -5
expect 2 "usage: PromptOpt.Bench metaspo" -- metaspo 3 examples/metaspo-builtin.yaml maybe
expect 2 "usage: PromptOpt.Bench quality" -- quality --seeds lots
expect 2 "unknown method 'expo'" -- quality --methods dual-phase,expo
expect 2 "--budgets" -- quality --budgets 600-20
expect 2 "usage: PromptOpt.Bench throughput" -- throughput 100 1,x,64
expect 2 "usage: PromptOpt.Bench client-cpu" -- client-cpu fast
expect 2 "usage: PromptOpt.Bench client-cpu" -- client-cpu throughput 100 1,x
expect 2 "2 arguments required" -- export-task multistep_arithmetic
expect 2 "usage: PromptOpt.Bench export-task" -- export-task multistep_arithmetic out seven
expect 2 "usage: PromptOpt.Bench promptfoo-compare" -- promptfoo-compare
expect 2 "usage: PromptOpt.Bench promptfoo-compare" -- promptfoo-compare /bin/true 100 8,32,big
expect 2 "unknown argument '--sedes'" -- expo --sedes 3
expect 2 "usage: PromptOpt.Bench sim-realism" -- sim-realism --seed x
expect 2 "usage: PromptOpt.Bench agent" -- agent --seeds many
expect 2 "--seeds must be an integer" -- expo --seeds three
expect 2 "--svg needs a value" -- expo --svg
expect 2 "unknown environment 'bandit'" -- expo --envs bandit
expect 2 "unknown method 'expo-x'" -- expo --methods expo,expo-x
expect 2 "--horizons: each must be an integer" -- expo --bandits --horizons 100,x
expect 2 "unknown environment for --bandits" -- expo --bandits --envs linreg
expect 2 "--bandits takes --horizons, not --steps" -- expo --bandits --steps 300
expect 2 "needs expo among --methods" -- expo --bandits --methods expo-uniform
expect 2 "--horizons and --out belong to --bandits" -- expo --horizons 100
expect 2 "usage: PromptOpt.Bench expo-landscape" -- expo-landscape --env linreg
expect 2 "usage: PromptOpt.Bench expo-landscape" -- expo-landscape --draws 0
expect 0 "usage: PromptOpt.Bench cost" -- cost --help

[ "$fails" -eq 0 ] || { echo "bench-usage: $fails case(s) failed"; exit 1; }
echo "bench-usage: every bench prints its usage on bad arguments"
