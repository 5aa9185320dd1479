#!/usr/bin/env bash
# Installs what the tests need (Debian packages, only when missing), builds, and runs every
# test suite. Usage: ./test.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the tests use, as "command:package" pairs. Installed only when missing.
REQUIRED_TOOLS=(
  "curl:curl"
  "promtool:prometheus"
  "prometheus:prometheus"
  "wrk:wrk"
  "python3:python3"
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

dotnet build ClusterHost.sln -c Debug -nologo -v quiet -clp:ErrorsOnly

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test ClusterHost.sln --no-build -nologo "$@" 2>&1 | tee "$log"
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
