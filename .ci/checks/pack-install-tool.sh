#!/usr/bin/env bash
# Packages: packs PromptOpt, PromptOpt.Simulation and PromptOpt.Cli (a unique prerelease version, so no package cache can
# answer instead), checks their metadata (licence expression and LICENSE file, README, symbols), installs the tool from the local folder into a
# temporary tool path and runs `promptopt tasks` and the quickstart from the INSTALLED tool (on the simulator); then builds
# and runs a fresh console project that references the packed library packages. Counts as one test in .ci/run.
# Self-contained on a clean clone (restores from the configured NuGet source plus the local folder).
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
fail() { echo "pack-install-tool: FAIL: $*"; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
version="0.1.0-ci.$(date +%s).$$"
feed="$work/feed"

# 1. Build (a no-op after .ci/run's Release build), then pack that build under a unique package version (PackageVersion
#    only: changing Version would recompile everything).
dotnet build src/PromptOpt.Cli -c Release -v q --nologo >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log"; fail "dotnet build failed"; }
for project in src/PromptOpt src/PromptOpt.Simulation src/PromptOpt.Cli; do
  dotnet pack "$project" -c Release --no-build -o "$feed" -p:PackageVersion="$version" -v q --nologo >"$work/pack.log" 2>&1 \
    || { tail -n 30 "$work/pack.log"; fail "dotnet pack $project failed"; }
done
for id in PromptOpt PromptOpt.Simulation PromptOpt.Cli; do
  pkg="$feed/$id.$version.nupkg"
  [ -f "$pkg" ] || fail "$id.$version.nupkg was not produced"
  [ -f "$feed/$id.$version.snupkg" ] || fail "$id has no symbol package (.snupkg)"
  nuspec="$(unzip -p "$pkg" "$id.nuspec")"
  for want in '<license type="expression">MIT</license>' '<readme>README.md</readme>' '<description>' '<authors>'; do
    grep -qF "$want" <<<"$nuspec" || fail "$id.nuspec lacks $want"
  done
  listing="$(unzip -l "$pkg")" # not piped into grep -q: with pipefail, unzip's SIGPIPE would fail the check
  grep -q ' README.md$' <<<"$listing" || fail "$id has no README.md inside"
  grep -q ' LICENSE$' <<<"$listing" || fail "$id has no LICENSE inside"
done
grep -q '<packageType name="DotnetTool"' <<<"$(unzip -p "$feed/PromptOpt.Cli.$version.nupkg" PromptOpt.Cli.nuspec)" || fail "PromptOpt.Cli is not a .NET tool package"
echo "pack-install-tool: packed PromptOpt, PromptOpt.Simulation, PromptOpt.Cli $version"

# 2. Install the tool from the local folder into a temporary tool path and run it.
dotnet tool install PromptOpt.Cli --version "$version" --tool-path "$work/tools" --add-source "$feed" >"$work/install.log" 2>&1 \
  || { tail -n 20 "$work/install.log"; fail "dotnet tool install failed"; }
promptopt="$work/tools/promptopt"
[ -x "$promptopt" ] || fail "the installed tool has no 'promptopt' command"
"$promptopt" --version >/dev/null || fail "the installed tool does not start"
"$promptopt" tasks >"$work/tasks.txt" 2>&1 || { cat "$work/tasks.txt"; fail "promptopt tasks failed"; }
grep -q multistep_arithmetic "$work/tasks.txt" || fail "promptopt tasks does not list multistep_arithmetic"
(cd "$work" && "$promptopt" optimize "$OLDPWD/examples/quickstart.yaml" --task-model sim --optimizer-model sim --store "$work/store/promptopt.db" --json \
  >"$work/quickstart.json" 2>"$work/quickstart.err") || { cat "$work/quickstart.err"; fail "the quickstart failed from the installed tool"; }
grep -q '"bestPrompt"' "$work/quickstart.json" && grep -Eq '"simulated": *true' "$work/quickstart.json" \
  || { head -c 600 "$work/quickstart.json"; fail "the quickstart's JSON lacks bestPrompt or simulated"; }
echo "pack-install-tool: installed tool ran 'tasks' and the quickstart"

# 3. A fresh console project that references the packed library.
app="$work/consumer"
mkdir -p "$app"
cat >"$app/nuget.config" <<XML
<configuration><packageSources><add key="local" value="$feed" /></packageSources></configuration>
XML
cat >"$app/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="PromptOpt" Version="$version" />
    <PackageReference Include="PromptOpt.Simulation" Version="$version" />
  </ItemGroup>
</Project>
XML
cat >"$app/Program.cs" <<'CS'
using PromptOpt;
using PromptOpt.Data;
using PromptOpt.Models;
using PromptOpt.Simulation;

var examples = Enumerable.Range(1, 12).Select(i => new Example($"e{i}", $"What is {i} + {i}?", (2 * i).ToString())).ToList();
var task = DatasetTasks.FromDataset(new Dataset("doubling", examples[..6], [], examples[6..]), "Add the two numbers.");
var model = SimulatorModels.Create([task]);
var score = await PromptOptimizer.EvaluateAsync(model, task, task.OneLinePrompt);
var result = await PromptOptimizer.OptimizeAsync(model, task, new PromptOptimizerOptions
{
    Method = "ape", TrainSize = 6, TestSize = 6, Budget = new OptimizationBudget { MaxTaskCalls = 200, MaxOptimizerCalls = 20 },
});
Console.WriteLine($"consumer ok: start {score.Score:0.00}, best {result.BestTestScore:0.00}, {result.Usage.Total.Calls} calls");
CS
(cd "$app" && dotnet run -v q --nologo >"$work/consumer.log" 2>&1) || { tail -n 30 "$work/consumer.log"; fail "the consumer project did not build or run"; }
grep -q '^consumer ok:' "$work/consumer.log" || { cat "$work/consumer.log"; fail "the consumer project printed no result"; }
grep '^consumer ok:' "$work/consumer.log"
echo "pack-install-tool: passed"
