#!/usr/bin/env bash
# The test command (README): builds the solution, runs every test project, and closes with one
# line "N passed, N failed, N skipped" summed over all projects.
set -uo pipefail
cd "$(dirname "$0")/.."

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

dotnet build Para.sln -c Debug --nologo -v q -clp:ErrorsOnly || exit 1

status=0
run_tests() {
  dotnet test "$@" -c Debug --no-build --nologo \
    --logger "trx" --results-directory "$results" \
    --logger "console;verbosity=normal" || status=$?
}

if [ "$#" -ne 0 ]; then
  run_tests Para.sln "$@"
else
  # Tests marked Timing=RealTime judge wall-clock figures (a token refreshed before it expires):
  # they run after the rest, alone on the machine, not beside every other test project.
  run_tests Para.sln --filter "Timing!=RealTime"
  run_tests tests/Para.IntegrationTests --filter "Timing=RealTime"
fi

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done

# The console log of a parallel run is long and interleaved; name each failed test (and the first
# lines of its message) again here, next to the summary, so the failure is readable from the tail.
if [ "$failed" -ne 0 ]; then
  echo "::: failed tests"
  for trx in "$results"/*.trx; do
    grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$trx" | sed -n 's/.* testName="\([^"]*\)".*/FAILED \1/p'
  done
  command -v python3 >/dev/null && python3 - "$results" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for trx in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    for result in ET.parse(trx).getroot().iterfind(".//t:UnitTestResult[@outcome='Failed']", ns):
        print(result.get("testName", "?") + " (" + result.get("duration", "?") + "):")
        message = result.findtext(".//t:ErrorInfo/t:Message", default="", namespaces=ns)
        trace = result.findtext(".//t:ErrorInfo/t:StackTrace", default="", namespaces=ns)
        for line in (message.strip().splitlines()[:15] + trace.strip().splitlines()[:8]):
            print("    " + line)
PY
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
