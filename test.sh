#!/usr/bin/env bash
# Builds and runs the tests, with one closing line: "tests: N passed, N failed".
#   ./test.sh          every suite: unit and functional (what CI runs). Installs the Debian
#                      packages the functional tests need, only when missing.
#   ./test.sh --fast   the unit-test projects only (no processes, no tools, no installs):
#                      the loop while developing.
# Any other argument is passed on to dotnet test (e.g. --filter "FullyQualifiedName~Metrics").
set -euo pipefail
cd "$(dirname "$0")"

# The unit-test projects (ClusterPrimary.Tests, ClusterWorker.Tests, LoadTests.Tests) and what
# they build on; the functional tests are left out.
UNIT_TESTS=ClusterHost.Unit.slnf

fast=false
args=()
for arg in "$@"; do
  if [ "$arg" = "--fast" ]; then fast=true; else args+=("$arg"); fi
done

if ! $fast; then
  # Debian packages the tests use, as "command:package" pairs. Installed only when missing.
  REQUIRED_TOOLS=(
    "curl:curl"
    "promtool:prometheus"
    "prometheus:prometheus"
    "wrk:wrk"
    "python3:python3"
    "openssl:openssl"
    "chromium:chromium"
  )

  missing=()
  for pair in "${REQUIRED_TOOLS[@]}"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}")
  done
  if ((${#missing[@]} > 0)); then
    echo "test.sh: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

target=ClusterHost.sln
if $fast; then target=$UNIT_TESTS; fi
dotnet build "$target" -c Debug -nologo -v quiet -clp:ErrorsOnly

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test "$target" --no-build -nologo ${args[@]+"${args[@]}"} 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line over all suites.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "tests: ${passed} passed, ${failed} failed"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  exit 1
fi
exit "$status"
