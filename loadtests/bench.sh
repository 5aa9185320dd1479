#!/usr/bin/env bash
# The benchmark (issue 6): ClusterHost against one Kestrel process and a Node cluster, in
# interleaved rounds with wrk; a markdown report on stdout and in loadtests/results/latest.md.
#
#   loadtests/bench.sh                  # Release build, ReadyToRun publish of the app, 3 rounds (about 6 minutes)
#   loadtests/bench.sh --smoke          # 1 round, 2 s per run, 1 restart, 20 SignalR clients for 2 s: checks it still works (publish included)
#   loadtests/bench.sh --no-build --configuration Debug --out /tmp/report.md
#   loadtests/bench.sh --no-publish     # the SampleApp as built beside the primary (or --app PATH)
#   loadtests/bench.sh --mixed-only --out loadtests/results/mixed-cost.md   # only the mixed-cost rows (issue 16)
#
# Other options go to loadtests/bench/bench.py (--rounds, --duration, --warmup, --restarts,
# --connections, --threads, --targets single,reuseport,..., --no-mixed, --mixed-rate, --mixed-targets, --memory-workers 2,8,32 ...).
# Needs python3 and wrk; installs wrk (Debian) when it is missing, openssl and nghttp2-client
# (h2load) for the HTTPS rows, and nginx for the nginx-front anchor rows (nginx-1, nginx-auto).
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_COMMAND="loadtests/bench.sh${*:+ $*}"
build=1
publish=1
configuration=Release
passthrough=()
while (($# > 0)); do
  case "$1" in
    --no-build) build=0 ;;
    --no-publish) publish=0 ;;
    --app) publish=0; passthrough+=("$1" "$2"); shift ;;
    --smoke) passthrough+=(--rounds 1 --duration 2 --warmup 0 --idle 0.5 --restarts 1 --memory-workers 2 --signalr-clients 20 --signalr-seconds 2)
      # The mixed-cost rows (issue 16): a fixed rate (no capacity run), three targets, 1 s each.
      passthrough+=(--mixed-rate 100 --mixed-duration 1 --mixed-warmup 0.5 --mixed-targets single,reuseport,proxy-least-requests) ;;
    --configuration) configuration="$2"; shift ;;
    *) passthrough+=("$1") ;;
  esac
  shift
done

if ! command -v wrk >/dev/null 2>&1; then
  echo "bench: installing wrk" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends wrk
fi
# The HTTPS rows (issue 13): openssl makes a throw-away certificate, h2load (nghttp2-client) the HTTP/2 load.
tls_missing=()
command -v openssl >/dev/null 2>&1 || tls_missing+=(openssl)
command -v h2load >/dev/null 2>&1 || tls_missing+=(nghttp2-client)
if ((${#tls_missing[@]} > 0)); then
  echo "bench: installing ${tls_missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${tls_missing[@]}"
fi
# The nginx-front anchor rows (issue 16): Debian's nginx, run by bench.py as our own process (never as a service).
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "bench: installing nginx" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nginx
fi
command -v python3 >/dev/null 2>&1 || { echo "bench: python3 is required" >&2; exit 1; }

export BENCH_COMMAND
if ((build)); then
  echo "bench: dotnet build ClusterHost.sln -c $configuration" >&2
  dotnet build ClusterHost.sln -c "$configuration" -nologo -v quiet -clp:ErrorsOnly >&2
fi
if ((publish)); then
  # Measured as users deploy an app: published, with ReadyToRun code, so a new worker JITs
  # less while it starts (loadtests/results/tuning.md). `single` runs the same files.
  rid="$(dotnet --info | awk '$1 == "RID:" { print $2; exit }')"
  app_dir="loadtests/bin/app-$configuration"
  export BENCH_PUBLISH="dotnet publish src/SampleApp -c $configuration -r $rid --self-contained false -p:PublishReadyToRun=true -o $app_dir"
  echo "bench: $BENCH_PUBLISH" >&2
  rm -rf "$app_dir"
  $BENCH_PUBLISH -nologo -v quiet -clp:ErrorsOnly >&2
  passthrough+=(--app "$app_dir/SampleApp.dll")
fi

exec python3 loadtests/bench/bench.py --configuration "$configuration" "${passthrough[@]}"
