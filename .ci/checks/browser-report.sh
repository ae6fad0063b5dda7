#!/usr/bin/env bash
# Browser check: renders run reports in headless Chromium, saves PNG screenshots, and fails when the page logs any
# console message (the report has no scripts, so any message is an error or a blocked external load) or when the
# rendered DOM lacks the report's sections and SVG charts. Counts as one test in .ci/run. Budget: under two minutes.
set -uo pipefail

# >>> PRODUCING COMMAND: writes report-*.html into the directory "$1" from a short simulated run. <<<
# A real run: `promptopt optimize examples/quickstart.yaml` on the simulator, then `promptopt report` (HTML and Markdown).
produce() {
  local cli=(dotnet src/PromptOpt.Cli/bin/Release/net10.0/PromptOpt.Cli.dll) store="$1/store/promptopt.db"
  dotnet build src/PromptOpt.Cli -c Release -v q --nologo \
    && "${cli[@]}" optimize examples/quickstart.yaml --task-model sim --optimizer-model sim --run-id ci-sim --store "$store" \
    && "${cli[@]}" report ci-sim --store "$store" --out "$1/report-ci.html" \
    && "${cli[@]}" report ci-sim --store "$store" --format md --out "$1/report-ci.md"
}

cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
fail() { echo "browser-report: FAIL: $*"; exit 1; }

# 1. Chromium (Debian's package), installed quietly when missing.
CHROME="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$CHROME" ]; then
  command -v apt-get >/dev/null 2>&1 || fail "chromium is not installed and apt-get is unavailable, so it cannot be installed"
  [ "$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1 || fail "chromium is not installed and installing it needs root (apt-get install chromium)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "browser-report: installing chromium (apt-get)"
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium; } >/tmp/browser-report-apt.log 2>&1 \
    || { tail -n 5 /tmp/browser-report-apt.log; fail "apt-get install chromium failed (log above)"; }
  CHROME="$(command -v chromium)" || fail "chromium still not found after apt-get install"
fi

# 2. The report(s).
# Outputs (reports, screenshots, console logs, rendered DOMs) go to artifacts/browser-report/ (git-ignored).
OUT="${BROWSER_REPORT_OUT:-artifacts/browser-report}"
rm -rf "$OUT" && mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"
produce "$OUT" > "$OUT/produce.log" 2>&1 || { tail -n 30 "$OUT/produce.log"; fail "producing the report failed"; }
shopt -s nullglob
reports=("$OUT"/*.html)
[ ${#reports[@]} -gt 0 ] || fail "no report HTML was produced in $OUT"

# 3. Render each report: screenshot + console log, then the rendered DOM.
chrome() {
  local profile; profile="$(mktemp -d)"
  timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --disable-quic --disable-extensions --mute-audio --hide-scrollbars \
    --user-data-dir="$profile" "$@"
  local rc=$?
  rm -rf "$profile"
  return $rc
}

status=0
for html in "${reports[@]}"; do
  name="$(basename "$html" .html)"
  png="$OUT/$name.png"; log="$OUT/$name.console.log"; dom="$OUT/$name.dom.html"
  url="file://$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
  bad=0
  problem() { echo "browser-report: $name: $*"; bad=1; }

  # The report itself must not point anywhere (no network, no external scripts, fonts or images).
  if grep -Eiq '<script|<link|<img|<iframe|(src|href)="(https?:)?//|@import|url\(' "$html"; then
    problem "references an external resource or a script"
  fi

  if ! chrome --enable-logging=stderr --v=0 --window-size=1280,4000 --screenshot="$png" "$url" >"$log" 2>&1; then
    problem "chromium failed to render it"; tail -n 20 "$log"; status=1; continue
  fi
  if grep -E 'CONSOLE|Uncaught|ERR_(FILE|NAME|CONNECTION|BLOCKED)' "$log" >/dev/null; then
    problem "the page logged console messages:"; grep -E 'CONSOLE|Uncaught|ERR_' "$log" | head -n 10
  fi
  size=$(stat -c %s "$png" 2>/dev/null || echo 0)
  [ "$size" -gt 20000 ] || problem "screenshot missing or blank ($size bytes)"

  if ! chrome --dump-dom "$url" >"$dom" 2>/dev/null; then
    problem "chromium --dump-dom failed"; status=1; continue
  fi
  src_svgs=$(grep -o '<svg ' "$html" | wc -l)
  dom_svgs=$(grep -o '<svg ' "$dom" | wc -l)
  lines=$(grep -o 'class="line"' "$dom" | wc -l)
  bars=$(grep -o 'class="bar"' "$dom" | wc -l)
  missing=""
  for id in summary prompts trajectory candidates failures usage spec trajectory-chart usage-calls-chart lineage; do
    grep -q "id=\"$id\"" "$dom" || missing="$missing $id"
  done
  [ -z "$missing" ] || problem "the rendered DOM lacks:$missing"
  if [ "$src_svgs" -lt 3 ] || [ "$dom_svgs" -ne "$src_svgs" ] || [ "$lines" -lt 1 ] || [ "$bars" -lt 1 ]; then
    problem "charts missing (svg: $dom_svgs rendered of $src_svgs, line paths: $lines, bars: $bars)"
  fi
  if grep -q '<script' "$dom"; then problem "a script element is in the rendered DOM"; fi

  if [ $bad -eq 0 ]; then
    echo "browser-report: $name ok ($dom_svgs charts, $lines lines, $bars bars; screenshot $png)"
  else
    status=1
  fi
done

[ $status -eq 0 ] || fail "see messages above (outputs in $OUT)"
echo "browser-report: passed (${#reports[@]} reports)"
