#!/usr/bin/env python3
"""The benchmark behind loadtests/bench.sh: one Kestrel process, ClusterHost (reuseport, shared,
handoff, proxy over Unix sockets, proxy over loopback TCP), a Node cluster and nginx as a front before
standalone Kestrels (nginx-1, nginx-auto), in interleaved rounds, with wrk.
Then the mixed-cost rows (issue 16): requests of two CPU costs at a fixed offered rate, open loop,
driven by the scenario runner (loadtests mixed-cost), per balancing mode.

Every process it starts is recorded by pid (the primaries' workers by the pids their output
names) and killed at the end, on an error, and on SIGINT/SIGTERM/SIGHUP. Loopback only; every
wait is bounded. Prints a markdown report and writes it to --out.
"""
import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
START_TIMEOUT = 60.0
WORKERS = 2
STABLE_UPTIME = 10.5  # RestartBackoff.StableUptime is 10 s: a slot killed again sooner waits 250 ms+.


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


class Launched:
    """A process we started, its output read line by line on a thread, and the pids it named."""

    registry = []
    pid_pattern = re.compile(r"\bpids? ([\d, ]+)")

    def __init__(self, name, argv, cwd, env):
        self.name = name
        self.argv = argv
        self.lines = []
        self.line_times = []
        self.child_pids = set()
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        Launched.registry.append(self)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            with self.cond:
                for match in Launched.pid_pattern.finditer(line):
                    for pid in re.findall(r"\d+", match.group(1)):
                        self.child_pids.add(int(pid))
                self.lines.append(line)
                self.line_times.append(time.monotonic())
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait_line(self, pattern, timeout=START_TIMEOUT, after=0):
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        index = after
        with self.cond:
            while True:
                for i in range(index, len(self.lines)):
                    match = regex.search(self.lines[i])
                    if match:
                        return match, i, self.line_times[i]
                index = len(self.lines)
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self.reader.is_alive()):
                    tail = "\n".join(self.lines[-20:])
                    raise RuntimeError(f"{self.name}: no line matching {pattern!r} within {timeout:.0f} s; last output:\n{tail}")
                self.cond.wait(min(left, 0.5))

    def stop(self, grace=10.0):
        """SIGTERM, then SIGKILL after `grace`; then SIGKILL any named child that outlived it."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for pid in sorted(self.child_pids):
            if is_ours(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.reader.join(2)

    def all_pids(self):
        return {self.proc.pid} | self.child_pids


def is_ours(pid):
    """A live, non-zombie process running something from this repository or the node peer."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read().decode(errors="replace")
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z" and (REPO in cmdline or "node-cluster.js" in cmdline)


def stop_everything():
    for launched in reversed(Launched.registry):
        try:
            launched.stop()
        except Exception as e:  # keep stopping the others
            log(f"stopping {launched.name} (pid {launched.proc.pid}): {e}")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError(f"no VmRSS for pid {pid}")


# ---------------------------------------------------------------- targets

class Target:
    def __init__(self, name, describe, argv, cwd, ready_pattern, clusterhost):
        self.name = name
        self.describe = describe
        self.argv = argv
        self.cwd = cwd
        self.ready_pattern = ready_pattern
        self.clusterhost = clusterhost
        self.cluster_env = {}

    def start(self, env):
        if self.clusterhost and self.cluster_env:
            env = dict(env, **self.cluster_env)
        launched = Launched(self.name, self.argv, self.cwd, env)
        match, _, _ = launched.wait_line(self.ready_pattern)
        url = match.group("url").rstrip("/")
        pids = [int(p) for p in re.findall(r"\d+", match.groupdict().get("pids") or "")] or [launched.proc.pid]
        metrics = None
        if self.clusterhost:
            m, _, _ = launched.wait_line(r"Metrics at (?P<url>http://\S+)", timeout=10)
            metrics = m.group("url").rstrip("/")
            if not metrics.endswith("/metrics"):
                metrics += "/metrics"
        return launched, url, pids, metrics

    def cpu_pids(self, launched, pids):
        """Every process of the target whose CPU counts: the process started and the pids it named (workers)."""
        return sorted(set(pids) | {launched.proc.pid})


def make_targets(args, dotnet):
    out = os.path.join(REPO, "src", "ClusterPrimary", "bin", args.configuration, "net10.0")
    primary = os.path.join(out, "ClusterPrimary.dll")
    sample = os.path.abspath(args.app) if args.app else os.path.join(out, "sample", "SampleApp.dll")
    for path in (primary, sample):
        if not os.path.isfile(path):
            raise RuntimeError(f"{path} is missing: build first (dotnet build ClusterHost.sln -c {args.configuration})")
    ready = r"ClusterHost ready: (?P<url>http://[^,\s]+).*pids (?P<pids>[\d, ]+)\)"
    common = ["--workers", str(WORKERS), "--urls", "http://127.0.0.1:0", "--metrics-urls", "http://127.0.0.1:0",
              "--shutdown-timeout", "2", "--max-restarts", "1000"] + (["--app", sample] if args.app else [])
    # The workers run in the app's folder, as `single` does (its appsettings.json: no per-request logs).
    common += ["--cwd", os.path.dirname(sample)]
    targets = [
        Target("single", "SampleApp alone: one Kestrel process",
               [dotnet, sample, "--urls", "http://127.0.0.1:0"], os.path.dirname(sample),
               r"Now listening on: (?P<url>http://\S+)", False),
        Target("reuseport", f"ClusterHost reuseport, {WORKERS} workers",
               [dotnet, primary, "--mode", "reuseport"] + common, REPO, ready, True),
        shared_target(dotnet, primary, common, ready),
        handoff_target(dotnet, primary, common, ready),
        Target("proxy-unix", f"ClusterHost proxy over Unix sockets, {WORKERS} workers",
               [dotnet, primary, "--mode", "proxy", "--proxy-transport", "unix"] + common, REPO, ready, True),
        Target("proxy-tcp", f"ClusterHost proxy over loopback TCP, {WORKERS} workers",
               [dotnet, primary, "--mode", "proxy", "--proxy-transport", "tcp"] + common, REPO, ready, True),
    ]
    targets.append(metrics_off_target(dotnet, primary, common, ready))
    targets += nginx_targets(dotnet, sample)
    node = which("node")
    if node:
        targets.append(Target("node-cluster", f"Node cluster (loadtests/peers), {WORKERS} workers",
                              [node, os.path.join(REPO, "loadtests", "peers", "node-cluster.js"), str(WORKERS), "0"],
                              REPO, r"node-cluster ready: (?P<url>http://\S+) \(.*pids (?P<pids>[\d, ]+)\)", False))
    wanted = args.targets.split(",") if args.targets else [t.name for t in targets]
    return [t for t in targets if t.name in wanted], node


def shared_target(dotnet, primary, common, ready):
    """ClusterHost shared (issue 15): every worker accepts from the primary's one listening socket.
    One kernel queue, whoever wakes first: its max/min share sits beside reuseport's in the balance table."""
    return Target("shared", f"ClusterHost shared (one listening socket, inherited), {WORKERS} workers",
                  [dotnet, primary, "--mode", "shared"] + common, REPO, ready, True)
def handoff_target(dotnet, primary, common, ready):
    """ClusterHost handoff (issue 16): the primary accepts and hands each connection (SCM_RIGHTS) to the
    next ready worker in turn, Node cluster's default on Linux. Also measured at FEW_CONNECTIONS."""
    return Target("handoff", f"ClusterHost handoff (the primary accepts, round-robin by SCM_RIGHTS), {WORKERS} workers",
                  [dotnet, primary, "--mode", "handoff"] + common, REPO, ready, True)


# Balance with few long-lived connections (a load balancer's pool, HTTP/2 clients): the kernel's hash
# (reuseport) and first-waker (shared) can give one worker most of them; handoff's turn cannot.
FEW_CONNECTIONS = 4
FEW_CONNECTION_TARGETS = ("reuseport", "shared", "handoff")


def measure_few_connections(args, url, metrics):
    """Keep-alive at FEW_CONNECTIONS connections (1 wrk thread): rps, and the workers' max/min share
    of requests and of connections."""
    few = argparse.Namespace(**{**vars(args), "connections": FEW_CONNECTIONS, "threads": 1})
    before = worker_counts(metrics)
    open_connections = {}
    row = run_wrk(few, url, False, midway=lambda: open_connections.update(worker_open_connections(metrics)))
    row["balance"], row["per_worker"] = balance(before, worker_counts(metrics))
    row["connection_balance"], row["connections_per_worker"] = share(open_connections)
    return row


def worker_open_connections(metrics_url):
    """Connections each worker holds open now (kestrel.active_connections), summed per worker label.
    Read halfway through a run: wrk opens one more connection than -c says, to check the address,
    and closes it unused before the run, so counting connections that ended would count it too."""
    return scrape_per_worker(metrics_url, "kestrel_active_connections{")


def handoff_section(rounds, names, ratio, w, args):
    """Issue 16's acceptance for handoff: throughput against reuseport, balance at 64 and at FEW_CONNECTIONS."""
    if "handoff" not in names or "reuseport" not in names:
        return
    w("## Handoff (issue 16)")
    w("")
    w("`handoff` against `reuseport` in the same round (median of the per-round ratios), and the workers' max/min"
      f" share at {args.connections} and at {FEW_CONNECTIONS} keep-alive connections (wrk -t1 -c{FEW_CONNECTIONS}),"
      " median over rounds: of connections (what the mode chooses: the connections each worker holds open halfway"
      " through the run, `kestrel_active_connections`) and of requests (which also depends on how fast each worker"
      " answers the connections it holds: with one wrk thread, a connection sends its next request when its"
      " last answer arrives).")
    w("")

    def few(name, key):
        return med([r[name]["few"][key] for r in rounds if name in r and r[name].get("few")])

    def verdict(value, op, goal):
        if value is None:
            return "not measured"
        return "reached" if (value >= goal if op == ">=" else value <= goal) else "**missed**"

    rows = [
        ("keep-alive rps, handoff / reuseport", ratio("handoff", "keepalive", over="reuseport")[0], ">=", 0.95),
        ("new-connection rps, handoff / reuseport", ratio("handoff", "close", over="reuseport")[0], ">=", 0.80),
        (f"handoff connections max/min at {args.connections} keep-alive connections",
         med([r["handoff"]["keepalive"].get("connection_balance") for r in rounds]), "<=", 1.05),
        (f"handoff connections max/min at {FEW_CONNECTIONS} keep-alive connections", few("handoff", "connection_balance"), "<=", 1.05),
        (f"handoff requests max/min at {args.connections} keep-alive connections", med([r["handoff"]["keepalive"]["balance"] for r in rounds]), "<=", 1.05),
        (f"handoff requests max/min at {FEW_CONNECTIONS} keep-alive connections", few("handoff", "balance"), "<=", 1.05),
    ]
    w("| issue 16 measure | goal | this run | |")
    w("|---|---|---|---|")
    for label, value, op, goal in rows:
        w(f"| {label} | {op} {goal} | {fmt(value, 3)} | {verdict(value, op, goal)} |")
    w("")
    w(f"At {FEW_CONNECTIONS} keep-alive connections, each target:")
    w("")
    w("| at 4 connections | keep-alive rps | connections max/min | requests max/min | connections, requests per worker (last round) |")
    w("|---|---|---|---|---|")
    for name in (n for n in FEW_CONNECTION_TARGETS if n in names):
        last = rounds[-1][name].get("few") or {}
        per_connection = last.get("connections_per_worker") or {}
        w(f"| {name} | {fmt(few(name, 'rps'))} | {fmt(few(name, 'connection_balance'), 2)} | {fmt(few(name, 'balance'), 2)} | "
          + ", ".join(f"w{k}: {per_connection.get(k, 0):,.0f}, {v:,.0f}" for k, v in sorted((last.get("per_worker") or {}).items())) + " |")
    w("")


class MetricsOffTarget(Target):
    """A ClusterHost target with --metrics-urls none: no "Metrics at" line to wait for, no per-worker counts."""

    def start(self, env):
        launched, url, pids, _ = Target.start(self, dict(env, **self.cluster_env))
        return launched, url, pids, None


def metrics_off_target(dotnet, primary, common, ready):
    """reuseport with --metrics-urls none (the workers then listen to no meter): the cost of every meter, issue 14."""
    at = common.index("--metrics-urls")
    argv = [dotnet, primary, "--mode", "reuseport"] + common[:at] + ["--metrics-urls", "none"] + common[at + 2:]
    return MetricsOffTarget("reuseport-metrics-off", f"ClusterHost reuseport, {WORKERS} workers, --metrics-urls none",
                            argv, REPO, ready, False)


# ---------------------------------------------------------------- nginx as the front (issue 16)

NGINX_CONF = """worker_processes {workers};
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream workers {{
{servers}        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://workers;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


class LaunchedGroup:
    """Several processes started for one target (nginx and its backends): stopped together, front first."""

    def __init__(self, members, directory):
        self.members = members
        self.directory = directory
        self.proc = members[0].proc

    def stop(self, grace=10.0):
        for member in self.members:
            member.stop(grace)
        shutil.rmtree(self.directory, ignore_errors=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_pids(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


class NginxFrontTarget(Target):
    """nginx (Debian's package) as the front before WORKERS standalone SampleApp Kestrels, keepalive
    upstream, loopback only; run as our own process (daemon off) with a generated configuration in a
    temporary folder (pid, logs and temp paths there too). The anchor the proxy mode is measured against."""

    def __init__(self, name, describe, nginx, dotnet, sample, processes):
        Target.__init__(self, name, describe, [nginx, "-p", "TEMP", "-c", "TEMP/nginx.conf"], REPO, None, False)
        self.nginx = nginx
        self.dotnet = dotnet
        self.sample = sample
        self.processes = processes

    def start(self, env):
        import tempfile
        directory = tempfile.mkdtemp(prefix="clusterhost-bench-nginx-")
        members = []
        try:
            ports = []
            for i in range(WORKERS):
                backend = Launched(f"{self.name}-kestrel-{i}", [self.dotnet, self.sample, "--urls", "http://127.0.0.1:0"],
                                   os.path.dirname(self.sample), env)
                members.append(backend)
                match, _, _ = backend.wait_line(r"Now listening on: http://127\.0\.0\.1:(?P<port>\d+)")
                ports.append(int(match.group("port")))
            port = free_port()
            servers = "".join(f"        server 127.0.0.1:{p};\n" for p in ports)
            with open(os.path.join(directory, "nginx.conf"), "w") as f:
                f.write(NGINX_CONF.format(workers=self.processes, dir=directory, servers=servers, port=port))
            front = Launched(self.name, [self.nginx, "-p", directory, "-c", os.path.join(directory, "nginx.conf")], directory, env)
            members.insert(0, front)
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + START_TIMEOUT
            while get_answer(url) is None:
                if front.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{self.name}: nginx did not answer on {url}; output: {' '.join(front.lines[-5:])}"
                                       f" {open(os.path.join(directory, 'error.log')).read()[-500:] if os.path.exists(os.path.join(directory, 'error.log')) else ''}")
                time.sleep(0.1)
            pids = [m.proc.pid for m in members[1:]]
            return LaunchedGroup(members, directory), url, pids, None
        except BaseException:
            LaunchedGroup(members, directory).stop()
            raise

    def cpu_pids(self, launched, pids):
        return sorted(set(pids) | {launched.proc.pid} | set(child_pids(launched.proc.pid)))


def nginx_targets(dotnet, sample):
    """nginx-1 (worker_processes 1) and nginx-auto (one per core); none when nginx is not installed."""
    nginx = which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if not nginx:
        log("nginx is not installed: the nginx-1 and nginx-auto targets are skipped (bench.sh installs it)")
        return []
    return [NginxFrontTarget(f"nginx-{n}", f"nginx as the front (worker_processes {n}, keepalive upstream) before"
                             f" {WORKERS} standalone SampleApp Kestrels", nginx, dotnet, sample, n) for n in ("1", "auto")]


def front_section(args, rounds, names, ratio, w):
    """The proxy front against nginx as the front (issue 16): rps and CPU per request of every process
    of the target (front included), with proxy rps / nginx-1 rps in the same round."""
    if "nginx-1" not in names:
        return
    shown = [n for n in ("single", "reuseport", "proxy-unix", "proxy-tcp", "nginx-1", "nginx-auto") if n in names]
    w("## The proxy front against nginx (issue 16)")
    w("")
    w(f"`nginx-1`/`nginx-auto`: nginx with `worker_processes 1`/`auto`, keepalive upstream (64 idle connections),"
      f" before {WORKERS} standalone SampleApp Kestrels; ClusterHost's proxy rows run the same app in {WORKERS} workers."
      " CPU per request: user+system CPU of every process of the target (front, workers; wrk not counted) over the"
      " measured run / requests, median over rounds. Ratio: rps / `nginx-1` rps in the same round, median over rounds.")
    w("")
    w("| target | keep-alive rps | ratio to nginx-1 | CPU/req | new-connection rps | ratio to nginx-1 | CPU/req |")
    w("|---|---|---|---|---|---|---|")
    for name in shown:
        cells = [f"`{name}`"]
        for shape in ("keepalive", "close"):
            cells += [fmt(med([r[name][shape]["rps"] for r in rounds if name in r])),
                      fmt(ratio(name, shape, over="nginx-1")[0], 2),
                      fmt(med([r[name][shape].get("cpu_us") for r in rounds if name in r]), 0, " µs")]
        w("| " + " | ".join(cells) + " |")
    w("")
    if "proxy-unix" in names:
        for shape, label in (("keepalive", "keep-alive"), ("close", "new connection")):
            value, per_round = ratio("proxy-unix", shape, over="nginx-1")
            w(f"- proxy-unix rps / nginx-1 rps, {label}: {fmt(value, 2)} (rounds: {', '.join(f'{v:.2f}' for v in per_round)})")
        w("")


def metrics_cost_section(rounds, names, ratio, w):
    """Every meter collected (reuseport: the default) against none (--metrics-urls none), side by side."""
    if "reuseport" not in names or "reuseport-metrics-off" not in names:
        return
    w("Cost of the metrics: `reuseport` collects every meter in every worker (the default) and is scraped"
      " before and after each run; `reuseport-metrics-off` is the same cluster with `--metrics-urls none`"
      " (no meter listened to). Ratio: rps with every meter / rps without, same round, median over rounds"
      " (goal: at least 0.97).")
    w("")
    w("| shape | every meter, rps | metrics off, rps | ratio |")
    w("|---|---|---|---|")
    for shape, label in (("keepalive", "keep-alive"), ("close", "new connection")):
        on = med([r["reuseport"][shape]["rps"] for r in rounds if "reuseport" in r])
        off = med([r["reuseport-metrics-off"][shape]["rps"] for r in rounds if "reuseport-metrics-off" in r])
        w(f"| {label} | {fmt(on)} | {fmt(off)} | {fmt(ratio('reuseport', shape, over='reuseport-metrics-off')[0], 3)} |")
    w("")


def which(command):
    for directory in os.environ.get("PATH", "").split(":"):
        path = os.path.join(directory, command)
        if directory and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


# ---------------------------------------------------------------- measuring

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def to_ms(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(match.group(1)) * UNITS[match.group(2)]


def wrk_command(args, url, close):
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "5s", "--latency"]
    if close:
        command += ["-H", "Connection: close"]
    return command + [url + "/"]


def run_wrk(args, url, close, duration=None, midway=None):
    """One wrk run; `midway` (if given) is called halfway through it."""
    command = wrk_command(args, url, close)
    if duration is not None:
        command[3] = f"-d{duration}s"
    seconds = duration or args.duration
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        try:
            if midway is not None:
                time.sleep(seconds / 2)
                midway()
            text, stderr = process.communicate(timeout=seconds + 30)
        except BaseException:
            process.kill()
            process.wait()
            raise
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed ({process.returncode}): {stderr.strip()} {text.strip()}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
    errors = 0
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if non2xx:
        errors += int(non2xx.group(1))
    return {"rps": rps, "requests": requests, "p50": p50, "p99": p99, "errors": errors}


def worker_counts(metrics_url):
    """Requests each worker counted itself (http.server.request.duration), summed per worker label."""
    return scrape_per_worker(metrics_url, "http_server_request_duration_seconds_count{")


def scrape_per_worker(metrics_url, series):
    """The samples of one series on the primary's /metrics, summed per worker label."""
    host, port, path = re.match(r"http://([^:/]+):(\d+)(/.*)", metrics_url).groups()
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path)
    body = connection.getresponse().read().decode()
    connection.close()
    counts = {}
    for line in body.splitlines():
        if line.startswith(series):
            worker = re.search(r'worker="(\d+)"', line)
            if worker:
                counts[worker.group(1)] = counts.get(worker.group(1), 0) + float(line.rsplit(" ", 1)[1])
    return counts


def balance(before, after):
    """max/min of the workers' increases from `before` to `after`, and the increases."""
    return share({w: after.get(w, 0) - before.get(w, 0) for w in after})


def share(counts):
    """max/min of the workers' counts (inf when one has none; None when there are none), and the counts."""
    if sum(counts.values()) <= 0 or len(counts) < WORKERS:
        return None, counts
    low = min(counts.values())
    return (max(counts.values()) / low if low > 0 else float("inf")), counts


def get_answer(url, timeout=5.0):
    """GET / on a fresh connection; returns the JSON answer, or None when it failed."""
    host, port = re.match(r"http://([^:/]+):(\d+)", url).groups()
    try:
        connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
        connection.request("GET", "/", headers={"Connection": "close"})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return json.loads(body) if response.status == 200 else None
    except (OSError, http.client.HTTPException, ValueError):
        return None


def measure_target(args, target, env):
    launched, url, pids, metrics = target.start(env)
    try:
        time.sleep(args.idle)
        rss = [rss_mb(pid) for pid in pids]
        if args.warmup > 0:
            run_wrk(args, url, False, duration=args.warmup)
        row = {"rss": rss, "pids": pids}
        processes = target.cpu_pids(launched, pids)
        for shape, close in (("keepalive", False), ("close", True)):
            before = worker_counts(metrics) if metrics else None
            open_connections = {}
            midway = (lambda: open_connections.update(worker_open_connections(metrics))) if metrics and not close else None
            cpu = cpu_seconds(processes)
            row[shape] = run_wrk(args, url, close, midway=midway)
            used = cpu_seconds(processes) - cpu
            row[shape]["cpu_us"] = used * 1e6 / row[shape]["requests"] if row[shape]["requests"] else None
            if metrics:
                row[shape]["balance"], row[shape]["per_worker"] = balance(before, worker_counts(metrics))
            if midway is not None:
                row[shape]["connection_balance"], row[shape]["connections_per_worker"] = share(open_connections)
        if metrics and target.name in FEW_CONNECTION_TARGETS:
            row["few"] = measure_few_connections(args, url, metrics)
        return row
    finally:
        launched.stop()


RESTART_VARIANTS = (("cold", []), ("standby", ["--standby", "1"]))


class RestartSeries:
    """One cluster whose workers are SIGKILLed one at a time; each kill is timed to the first 200 of a pid not
    seen before. With `--standby 1` the replacement is the warm standby, which must be waiting before a kill."""

    def __init__(self, name, launched, url, pids):
        self.name = name
        self.launched = launched
        self.url = url
        self.known = set(pids)
        self.slot_pid = {}
        self.slot_since = {}
        self.killed_slots = set()
        self.samples = []
        self.standby_mark = 0
        for match_line, t in zip(list(launched.lines), list(launched.line_times)):
            m = re.search(r"Worker (\d+) \(pid (\d+)\) ready in", match_line)
            if m:
                self.slot_pid[int(m.group(1))] = int(m.group(2))
                self.slot_since[int(m.group(1))] = t

    def kill_one(self, i):
        launched = self.launched
        slot = i % WORKERS
        standby = None
        if self.name == "standby":
            m, _, _ = launched.wait_line(r"Standby \(pid (\d+)\) warm in", timeout=60, after=self.standby_mark)
            standby = int(m.group(1))
        if slot in self.killed_slots:
            wait = STABLE_UPTIME - (time.monotonic() - self.slot_since[slot])
            if wait > 0:
                time.sleep(wait)
        time.sleep(1.0)  # let the previous replacement settle
        victim = self.slot_pid[slot]
        mark = len(launched.lines)
        self.standby_mark = mark
        cpu_before = cpu_seconds([standby]) * 1000 if standby else 0.0
        killed_at = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        deadline = killed_at + 30
        first_200 = None
        new_pid = None
        while time.monotonic() < deadline:
            answer = get_answer(self.url)
            if answer and answer.get("pid") not in self.known:
                first_200 = time.monotonic()
                new_pid = answer["pid"]
                cpu_ms = cpu_seconds([new_pid]) * 1000 - (cpu_before if new_pid == standby else 0.0)
                break
            time.sleep(0.002)
        if first_200 is None:
            raise RuntimeError(f"{self.name}: worker {slot} (pid {victim}) killed; no new process answered within 30 s")
        m, _, t = launched.wait_line(rf"Worker {slot} \(pid (\d+)\) ready in (\d+) ms", timeout=10, after=mark)
        _, _, exited_at = launched.wait_line(rf"Worker {slot} \(pid {victim}\) exited", timeout=10, after=mark)
        _, _, starting_at = launched.wait_line(rf"Worker {slot} starting", timeout=10, after=mark)
        self.known.add(new_pid)
        self.slot_pid[slot] = new_pid
        self.slot_since[slot] = t
        self.killed_slots.add(slot)
        self.samples.append({"slot": slot, "victim": victim, "new_pid": new_pid, "standby": new_pid == standby,
                             "ms": (first_200 - killed_at) * 1000, "ready_ms": int(m.group(2)),
                             "exited_ms": (exited_at - killed_at) * 1000, "starting_ms": (starting_at - killed_at) * 1000,
                             "ready_seen_ms": (t - killed_at) * 1000, "cpu_ms": cpu_ms})
        log(f"restart {i + 1} ({self.name}): worker {slot} pid {victim} -> {new_pid}: first 200 after {self.samples[-1]['ms']:.0f} ms")


def measure_restarts(args, env, primary_target):
    """Two clusters side by side, one cold (`--standby 0`, the default) and one with `--standby 1`; their kills
    alternate. Returns {variant: samples} and the standby's idle memory (RSS, PSS in MB) before the first kill."""
    series = []
    standby_memory = None
    try:
        for name, extra in RESTART_VARIANTS:
            target = Target(f"restart-{name}", primary_target.describe, primary_target.argv + extra, primary_target.cwd,
                            primary_target.ready_pattern, True)
            target.cluster_env = primary_target.cluster_env
            launched, url, pids, _ = target.start(env)
            series.append(RestartSeries(name, launched, url, pids))
        for s in series:
            if s.name == "standby":
                m, _, _ = s.launched.wait_line(r"Standby \(pid (\d+)\) warm in", timeout=60)
                time.sleep(1.0)  # idle after its warm-up
                standby_memory = memory_mb(int(m.group(1)))
        for i in range(args.restarts):
            for s in series:
                s.kill_one(i)
        return {s.name: s.samples for s in series}, standby_memory
    finally:
        for s in series:
            s.launched.stop()


# ---------------------------------------------------------------- memory at N workers (issue 16)

GC_MODES = (("runtime", "the runtime's defaults (`--worker-gc runtime`)"), ("auto", "ClusterHost's choice (`--worker-gc auto`, the default)"))


def memory_mb(pid):
    """RSS and PSS (MB) from /proc/PID/smaps_rollup: PSS divides each shared page among the processes that map it."""
    values = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if parts[0] in ("Rss:", "Pss:"):
                values[parts[0][:-1]] = int(parts[1]) / 1024.0
    return values["Rss"], values["Pss"]


def grow_cluster(launched, workers, start_timeout):
    """SIGTTIN one worker at a time up to `workers`, then SIGHUP: every worker is relaunched knowing the final count
    (so --worker-gc decides for N). One at a time, so that N starting workers do not starve each other of CPU.
    Returns the pids of the workers serving at the end."""
    pids = {}
    def note(after):
        with launched.cond:
            lines = list(launched.lines[after:])
        for line in lines:
            m = re.search(r"Worker (\d+) \(pid (\d+)\) ready in", line)
            if m:
                pids[int(m.group(1))] = int(m.group(2))
    note(0)
    for slot in range(len(pids), workers):
        mark = len(launched.lines)
        os.kill(launched.proc.pid, signal.SIGTTIN)
        launched.wait_line(rf"Worker {slot} \(pid \d+\) ready in", timeout=start_timeout, after=mark)
    mark = len(launched.lines)
    os.kill(launched.proc.pid, signal.SIGHUP)
    launched.wait_line(r"Reload finished", timeout=start_timeout * workers, after=mark)
    note(0)
    for pid in pids.values():
        launched.child_pids.add(pid)
    return [pids[slot] for slot in sorted(pids)]


def measure_memory(args, env, reuseport_target):
    """Whole-cluster memory (primary + workers), idle after 50 requests, at each --memory-workers count under
    each --worker-gc mode; then throughput at N = CPUs under each mode (wrk keep-alive, interleaved rounds)."""
    rows = []
    for workers in args.memory_workers:
        for mode, _ in GC_MODES:
            target = Target(f"memory-{mode}-{workers}", "", reuseport_target.argv + ["--worker-gc", mode],
                            reuseport_target.cwd, reuseport_target.ready_pattern, True)
            target.cluster_env = reuseport_target.cluster_env
            log(f"memory: {workers} workers, --worker-gc {mode}")
            launched, url, _, _ = target.start(env)
            try:
                pids = grow_cluster(launched, workers, START_TIMEOUT)
                # The last word: the primary says it again when a scale changes what new workers get.
                gc_line = next((l for l in reversed(launched.lines) if "Workers' GC:" in l), "")
                for _ in range(50):
                    get_answer(url)
                time.sleep(3)
                primary = memory_mb(launched.proc.pid)
                each = [memory_mb(pid) for pid in pids]
                rows.append({"workers": workers, "mode": mode, "primary": primary, "each": each,
                             "gc": gc_line.split("Workers' GC: ", 1)[-1]})
                log(f"  primary RSS {primary[0]:.1f} MB; workers RSS median {med([e[0] for e in each]):.1f} MB,"
                    f" PSS median {med([e[1] for e in each]):.1f} MB")
            finally:
                launched.stop()
    cpus = os.cpu_count()
    throughput = {mode: [] for mode, _ in GC_MODES}
    for i in range(args.rounds):
        for mode, _ in GC_MODES:
            target = Target(f"throughput-{mode}", "", reuseport_target.argv + ["--worker-gc", mode],
                            reuseport_target.cwd, reuseport_target.ready_pattern, True)
            target.cluster_env = reuseport_target.cluster_env
            i_workers = target.argv.index("--workers")
            target.argv = target.argv[:i_workers + 1] + [str(cpus)] + target.argv[i_workers + 2:]
            launched, url, pids, _ = target.start(env)
            try:
                if args.warmup > 0:
                    run_wrk(args, url, False, duration=args.warmup)
                processes = [launched.proc.pid] + pids
                cpu_before = cpu_seconds(processes)
                result = run_wrk(args, url, False)
                result["cpu_us"] = (cpu_seconds(processes) - cpu_before) / max(result["requests"], 1) * 1e6
                throughput[mode].append(result)
                log(f"throughput at N = {cpus}, --worker-gc {mode}, round {i + 1}: {result['rps']:,.0f} rps, {result['cpu_us']:.0f} µs CPU per request")
            finally:
                launched.stop()
    return {"rows": rows, "throughput": throughput, "cpus": cpus}


def memory_report(memory):
    out = []
    w = out.append
    w("## Memory at N workers (issue 16)")
    w("")
    w("ClusterHost reuseport, the cluster grown to N workers one SIGTTIN at a time, then reloaded (SIGHUP) so that"
      " every worker started knowing N; 50 requests, 3 s idle, then /proc/PID/smaps_rollup of the primary and every"
      " worker. RSS counts every page a process maps, the framework's files included, which every worker shares;"
      " PSS divides a shared page among the processes that map it, so the cluster's PSS is what it takes from the machine."
      " Memory only: with more workers than CPUs, this machine runs them but cannot load them.")
    w("")
    w("| workers | workers' GC | what the workers got | primary RSS | worker RSS (median) | worker PSS (median) | cluster RSS | cluster PSS |")
    w("|---|---|---|---|---|---|---|---|")
    for r in memory["rows"]:
        each = r["each"]
        w(f"| {r['workers']} | `{r['mode']}` | {r['gc']} | {r['primary'][0]:.1f} MB | {med([e[0] for e in each]):.1f} MB"
          f" | {med([e[1] for e in each]):.1f} MB | {r['primary'][0] + sum(e[0] for e in each):.0f} MB"
          f" | {r['primary'][1] + sum(e[1] for e in each):.0f} MB |")
    w("")
    cpus = memory["cpus"]
    w(f"Throughput at N = {cpus} (the CPUs), wrk keep-alive, interleaved rounds, medians; CPU per request: user+system"
      " CPU of the primary and the workers over the run / requests.")
    w("")
    w("| workers' GC | keep-alive rps | p99 | CPU per request | rounds (rps) |")
    w("|---|---|---|---|---|")
    for mode, label in GC_MODES:
        runs = memory["throughput"][mode]
        w(f"| {label} | {fmt(med([r['rps'] for r in runs]))} | {fmt(med([r['p99'] for r in runs]), 2, ' ms')}"
          f" | {fmt(med([r['cpu_us'] for r in runs]), 1, ' µs')} | {', '.join(format(r['rps'], ',.0f') for r in runs)} |")
    auto = med([r["rps"] for r in memory["throughput"]["auto"]])
    runtime = med([r["rps"] for r in memory["throughput"]["runtime"]])
    w("")
    if auto and runtime:
        w(f"`auto` / `runtime` at N = {cpus}: {auto / runtime:.3f} (goal: at least 0.97).")
    per_worker = [med([e[0] for e in r["each"]]) for r in memory["rows"] if r["mode"] == "auto"]
    primary = [r["primary"][0] for r in memory["rows"] if r["mode"] == "auto"]
    if per_worker:
        w(f"Goals: idle RSS per worker <= 45 MB: {max(per_worker):.1f} MB at most ({'met' if max(per_worker) <= 45 else '**missed**'});"
          f" the primary <= 50 MB: {max(primary):.1f} MB at most ({'met' if max(primary) <= 50 else '**missed**'}).")
    w("")
    return out


# ---------------------------------------------------------------- report

def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=0, suffix=""):
    if value is None:
        return "n/a"
    if value == float("inf"):
        return "inf"
    return f"{value:,.{digits}f}{suffix}"


# ---------------------------------------------------------------- HTTPS and HTTP/2 (issue 13)

def make_certificate(directory):
    """A throw-away CA and a certificate for 127.0.0.1 (openssl), like the tests make; nothing is kept."""
    def run(*command):
        subprocess.run(["openssl", *command], cwd=directory, check=True, capture_output=True, timeout=60)
    with open(os.path.join(directory, "server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=bench CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
        "-days", "1", "-extfile", "server.ext")
    os.chmod(os.path.join(directory, "server.key"), 0o600)
    return os.path.join(directory, "server.pem"), os.path.join(directory, "server.key")


def make_tls_targets(args, dotnet, certificate, key):
    out = os.path.join(REPO, "src", "ClusterPrimary", "bin", args.configuration, "net10.0")
    primary = os.path.join(out, "ClusterPrimary.dll")
    sample = os.path.abspath(args.app) if args.app else os.path.join(out, "sample", "SampleApp.dll")
    ready = r"ClusterHost ready: (?P<url>https://[^,\s]+).*pids (?P<pids>[\d, ]+)\)"
    common = ["--workers", str(WORKERS), "--urls", "https://127.0.0.1:0", "--certificate", certificate, "--certificate-key", key,
              "--metrics-urls", "none", "--shutdown-timeout", "2"] + (["--app", sample] if args.app else [])
    common += ["--cwd", os.path.dirname(sample)]
    return [
        Target("single-https", "SampleApp alone with TLS (Kestrel:Certificates:Default)",
               [dotnet, sample, "--urls", "https://127.0.0.1:0",
                f"--Kestrel:Certificates:Default:Path={certificate}", f"--Kestrel:Certificates:Default:KeyPath={key}"],
               os.path.dirname(sample), r"Now listening on: (?P<url>https://\S+)", False),
        # clusterhost=False: no /metrics to wait for (--metrics-urls none); the pids come from the ready line.
        Target("reuseport-https", f"ClusterHost reuseport with TLS in each worker, {WORKERS} workers",
               [dotnet, primary, "--mode", "reuseport"] + common, REPO, ready, False),
        Target("proxy-https", f"ClusterHost proxy with TLS at the front, Unix sockets to {WORKERS} workers",
               [dotnet, primary, "--mode", "proxy"] + common, REPO, ready, False),
    ]


def cpu_seconds(pids):
    """utime + stime of the processes (and, for a primary, its workers: they are listed in pids)."""
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


def h2load_command(args, url, duration):
    # 64 streams over 4 connections: HTTP/2 by ALPN.
    return ["h2load", "-D", str(duration), "-c", "4", "-m", "16", "-t", "1", url + "/"]


def run_h2load(args, url, duration=None):
    duration = duration or args.duration
    result = subprocess.run(h2load_command(args, url, duration), capture_output=True, text=True, timeout=duration + 30)
    text = result.stdout
    if result.returncode != 0 or "req/s" not in text:
        raise RuntimeError(f"h2load failed ({result.returncode}): {result.stderr.strip()} {text.strip()[-300:]}")
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", text).group(1))
    done = re.search(r"requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored", text)
    protocol = re.search(r"Application protocol: (\S+)", text)
    return {"rps": rps, "requests": int(done.group(2)), "errors": int(done.group(4)) + int(done.group(5)),
            "protocol": protocol.group(1) if protocol else "?"}


def measure_tls_target(args, target, env):
    launched, url, pids, _ = target.start(env)
    try:
        processes = sorted(set(pids) | {launched.proc.pid})
        # Even in --smoke: a process's first TLS handshakes (OpenSSL setup, JIT) took seconds here, and
        # a 2-s wrk run then counted no request.
        run_wrk(args, url, False, duration=max(args.warmup, 2))
        row = {}
        for shape, run in (("keepalive", lambda: run_wrk(args, url, False)), ("close", lambda: run_wrk(args, url, True)),
                           ("h2", lambda: run_h2load(args, url))):
            cpu = cpu_seconds(processes)
            row[shape] = run()
            used = cpu_seconds(processes) - cpu
            row[shape]["cpu_us"] = used * 1e6 / row[shape]["requests"] if row[shape]["requests"] else None
        return row
    finally:
        launched.stop()


def measure_tls(args, dotnet, env):
    """Interleaved rounds over the HTTPS targets; None when a tool is missing (said in the report)."""
    missing = [tool for tool in ("openssl", "h2load") if not which(tool)]
    if missing:
        log(f"HTTPS rows skipped: {', '.join(missing)} not installed (bench.sh installs them)")
        return None, missing
    import tempfile
    directory = tempfile.mkdtemp(prefix="clusterhost-bench-tls-")
    try:
        certificate, key = make_certificate(directory)
        targets = make_tls_targets(args, dotnet, certificate, key)
        rounds = []
        for i in range(args.rounds):
            results = {}
            for target in targets:
                log(f"https round {i + 1}/{args.rounds}: {target.name}")
                results[target.name] = measure_tls_target(args, target, env)
                r = results[target.name]
                log(f"  keep-alive {r['keepalive']['rps']:,.0f}, new-connection {r['close']['rps']:,.0f},"
                    f" h2 {r['h2']['rps']:,.0f} rps ({r['h2']['protocol']})")
            rounds.append(results)
        return (targets, rounds), []
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def tls_report(args, tls):
    (targets, rounds), missing = tls
    out = []
    w = out.append
    w("## HTTPS and HTTP/2 (issue 13)")
    w("")
    if rounds is None:
        w(f"Not measured: {', '.join(missing)} missing.")
        w("")
        return out
    w(f"TLS with a throw-away RSA-2048 certificate (openssl). `single-https`: the app alone, Kestrel terminating TLS;"
      f" `reuseport-https`: each worker terminates TLS; `proxy-https`: the primary's front terminates TLS and forwards"
      f" HTTP/1.1 over Unix sockets. wrk (HTTP/1.1 over TLS, {args.connections} connections) keep-alive, and with"
      f" `Connection: close` (a new TLS handshake per request: handshake-bound); h2load HTTP/2 via ALPN, 64 streams"
      f" over 4 connections. Ratio: target rps / `single-https` rps in the same round, median over rounds."
      f" CPU per request: user+system CPU of the target's processes (primary and workers) over the run / requests.")
    w("")
    w("| target | https keep-alive rps | ratio | CPU/req | https new-connection rps | ratio | CPU/req | h2 rps (h2load) | ratio | CPU/req | errors |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    names = [t.name for t in targets]
    for name in names:
        cells = [f"`{name}`"]
        errors = 0
        for shape in ("keepalive", "close", "h2"):
            rps = med([r[name][shape]["rps"] for r in rounds])
            ratio = med([r[name][shape]["rps"] / r["single-https"][shape]["rps"] for r in rounds if r["single-https"][shape]["rps"] > 0])
            cpu = med([r[name][shape]["cpu_us"] for r in rounds if r[name][shape]["cpu_us"] is not None])
            errors += sum(r[name][shape]["errors"] for r in rounds)
            cells += [fmt(rps), fmt(ratio, 2), fmt(cpu, 0, " µs")]
        w("| " + " | ".join(cells + [fmt(errors)]) + " |")
    w("")
    w("Per round (rps, keep-alive / new-connection / h2):")
    w("")
    w("| round | " + " | ".join(f"`{n}`" for n in names) + " |")
    w("|---|" + "---|" * len(names))
    for i, r in enumerate(rounds, 1):
        w(f"| {i} | " + " | ".join(f"{r[n]['keepalive']['rps']:,.0f} / {r[n]['close']['rps']:,.0f} / {r[n]['h2']['rps']:,.0f}" for n in names) + " |")
    w("")
    goal = med([r["reuseport-https"]["close"]["rps"] / r["single-https"]["close"]["rps"] for r in rounds if r["single-https"]["close"]["rps"] > 0])
    w(f"Goal (issue 13): handshake-bound reuseport rps / single >= 0.9: {fmt(goal, 2)}"
      f" ({'reached' if goal is not None and goal >= 0.9 else '**missed**'}).")
    w("")
    w("```sh")
    w(" ".join(h2load_command(args, "https://127.0.0.1:PORT", args.duration)))
    w("```")
    w("")
    return out


def machine(args, dotnet, node):
    def first(command):
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=20).stdout.strip().splitlines()[0]
        except Exception:
            return "unknown"
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "unknown")
    except OSError:
        pass
    return {
        "cores": os.cpu_count(), "model": model, "kernel": platform.release(),
        "dotnet": first([dotnet, "--version"]),
        "runtime": next((l for l in subprocess.run([dotnet, "--list-runtimes"], capture_output=True, text=True, timeout=20).stdout.splitlines()
                         if l.startswith("Microsoft.AspNetCore.App")), "unknown"),
        "node": first([node, "--version"]) if node else "not installed",
        "wrk": first(["sh", "-c", "wrk -v 2>&1"]),
    }


def report(args, targets, rounds, restarts, info, load_before, load_after, started, elapsed, tls=None, mixed=None, memory=None,
           standby_memory=None):
    names = [t.name for t in targets]
    out = []
    w = out.append

    def values(name, shape, key):
        return [r[name][shape][key] for r in rounds if name in r]

    def ratio(name, shape, over="single"):
        per_round = [r[name][shape]["rps"] / r[over][shape]["rps"] for r in rounds if name in r and over in r]
        return med(per_round), per_round

    w(f"# Benchmark: ClusterHost against one Kestrel process and a Node cluster")
    w("")
    w(f"Run {started} UTC, {elapsed:.0f} s, {len(rounds)} round(s) of {args.duration} s per wrk run"
      f" ({args.warmup} s keep-alive warm-up before each target's runs, discarded, so that every process has"
      f" tiered its hot code up before it is measured). {WORKERS} workers per cluster.")
    w("")
    w("The app: " + ("`SampleApp` published with ReadyToRun code, as an app is deployed (the command is under Commands);"
                     " `single` and every ClusterHost target run the same files." if os.environ.get("BENCH_PUBLISH")
                     else f"`{os.path.relpath(targets[0].argv[1], REPO)}`, for `single` and every ClusterHost target."))
    w("")
    w("## Machine")
    w("")
    w(f"- {info['cores']} cores ({info['model']}), Linux {info['kernel']}")
    w(f"- .NET SDK {info['dotnet']}; {info['runtime']}; node {info['node']}; {info['wrk']}")
    w(f"- load average before: {load_before}; after: {load_after}")
    w("- the load averages count the benchmark's own processes (wrk and the target: about 3 runnable at a time);"
      " more than that is other work on the machine.")
    w("- wrk runs on the same 2 cores as the servers, so every target shares the CPU with its load generator;"
      " the machine is shared with other builds and test runs, so figures move from run to run.")
    w("")
    w("## Throughput and latency (medians over rounds)")
    w("")
    w("Ratio: target rps / `single` rps in the same round, then the median of those per-round ratios.")
    w("")
    w("| target | keep-alive rps | ratio to single | p50 | p99 | errors | new-connection rps | ratio to single | p50 | p99 | errors |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    for name in names:
        cells = [f"`{name}`"]
        for shape in ("keepalive", "close"):
            r, _ = ratio(name, shape)
            cells += [fmt(med(values(name, shape, "rps"))), fmt(r, 2),
                      fmt(med(values(name, shape, "p50")), 2, " ms"), fmt(med(values(name, shape, "p99")), 2, " ms"),
                      fmt(sum(values(name, shape, "errors")))]
        w("| " + " | ".join(cells) + " |")
    w("")
    w("Per round (rps, keep-alive / new-connection):")
    w("")
    w("| round | load average at its start | " + " | ".join(f"`{n}`" for n in names) + " |")
    w("|---|---|" + "---|" * len(names))
    for i, r in enumerate(rounds, 1):
        w(f"| {i} | {r['load']} | " + " | ".join(f"{r[n]['keepalive']['rps']:,.0f} / {r[n]['close']['rps']:,.0f}" for n in names) + " |")
    w("")
    if "reuseport" in names and any(n.startswith("proxy") for n in names):
        w("Proxy mode against reuseport (the same cluster with the kernel balancing): proxy rps / reuseport rps"
          " in the same round, median over rounds.")
        w("")
        w("| target | keep-alive, ratio to reuseport | new-connection, ratio to reuseport |")
        w("|---|---|---|")
        for name in (n for n in names if n.startswith("proxy")):
            w(f"| `{name}` | {fmt(ratio(name, 'keepalive', over='reuseport')[0], 2)} | {fmt(ratio(name, 'close', over='reuseport')[0], 2)} |")
        w("")
    metrics_cost_section(rounds, names, ratio, w)
    front_section(args, rounds, names, ratio, w)
    handoff_section(rounds, names, ratio, w, args)
    w("## Balance between workers (ClusterHost)")
    w("")
    w("Max/min share of requests, from the workers' own counts (`http_server_request_duration_seconds_count`"
      " per `worker` label on the primary's /metrics, difference over the measured wrk run); median over rounds.")
    w("")
    w("| target | keep-alive, max/min | requests per worker (last round) | new-connection, max/min | requests per worker (last round) |")
    w("|---|---|---|---|---|")
    for name in names:
        if not targets[names.index(name)].clusterhost:
            continue
        cells = [f"`{name}`"]
        for shape in ("keepalive", "close"):
            last = rounds[-1][name][shape]["per_worker"]
            cells += [fmt(med(values(name, shape, "balance")), 2),
                      ", ".join(f"w{k}: {v:,.0f}" for k, v in sorted(last.items()))]
        w("| " + " | ".join(cells) + " |")
    w("")
    w("## Memory: RSS per idle worker")
    w("")
    w(f"VmRSS from /proc/PID/status, {args.idle} s after the ready line, before any load; median over workers and rounds"
      " (`single`: the one process).")
    w("")
    w("| target | median RSS | all samples (MB) |")
    w("|---|---|---|")
    for name in names:
        samples = [v for r in rounds for v in r[name]["rss"]]
        w(f"| `{name}` | {fmt(med(samples), 1, ' MB')} | {', '.join(f'{v:.1f}' for v in samples)} |")
    w("")
    w("## Worker restart: SIGKILL to the replacement's first 200")
    w("")
    w("ClusterHost reuseport, 2 workers, otherwise idle, in two clusters side by side: `cold` (the default: the"
      " replacement is a new process) and `standby` (`--standby 1`: a warm process started before it is needed takes"
      " the slot). Their kills alternate. After SIGKILL of a worker, `GET /` on a fresh connection every ~2 ms until a"
      " pid not seen before answers 200. Slots alternate; a slot is killed again only after its process has run 10 s"
      " (the primary's restart backoff treats quicker deaths as a crash loop); with `--standby 1`, only once the next"
      " standby has started (a second after the last replacement was ready) and warmed.")
    w("")
    w("Where the time goes: when the primary's log lines (`exited`, `starting`, `ready`) reached the benchmark,"
      " counted from the SIGKILL; `ready in` is the primary's own figure, from spawning the replacement (or giving the"
      " standby its slot) to its ready message.")
    w("")
    w("`CPU at first 200`: user+system CPU the replacement had used when it answered (/proc/PID/stat, 10 ms ticks),"
      " for a standby only what it used after the kill: the work a restart costs, which a busy machine stretches in"
      " time but does not change.")
    w("")
    w("| variant | # | slot | killed pid | new pid | `exited` logged | `starting` logged | `ready` logged | primary's `ready in` | SIGKILL to first 200 | CPU at first 200 |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    medians = {}
    for name, _ in RESTART_VARIANTS:
        samples = restarts.get(name, [])
        for i, s in enumerate(samples, 1):
            w(f"| {name} | {i} | {s['slot']} | {s['victim']} | {s['new_pid']}{' (not the standby)' if name == 'standby' and not s['standby'] else ''}"
              f" | {s['exited_ms']:.0f} ms | {s['starting_ms']:.0f} ms"
              f" | {s['ready_seen_ms']:.0f} ms | {s['ready_ms']} ms | {s['ms']:.0f} ms | {s['cpu_ms']:.0f} ms |")
        medians[name] = med([s["ms"] for s in samples])
        w(f"| **{name}, median** | | | | | {fmt(med([s['exited_ms'] for s in samples]), 0, ' ms')} | {fmt(med([s['starting_ms'] for s in samples]), 0, ' ms')}"
          f" | {fmt(med([s['ready_seen_ms'] for s in samples]), 0, ' ms')} | {fmt(med([s['ready_ms'] for s in samples]), 0, ' ms')}"
          f" | {fmt(medians[name], 0, ' ms')} | {fmt(med([s['cpu_ms'] for s in samples]), 0, ' ms')} |")
    w("")
    if medians.get("cold") and medians.get("standby"):
        w(f"`standby` / `cold`, median SIGKILL to first 200: {medians['standby'] / medians['cold']:.2f}.")
    if standby_memory:
        w(f"What the standby costs, idle and warm (before the first kill): RSS {standby_memory[0]:.1f} MB, PSS {standby_memory[1]:.1f} MB"
          " (about an idle worker's; PSS counts the framework pages it shares with the workers once among them).")
    w("")
    restart_median = medians.get("standby")
    standby_count = len(restarts.get("standby", []))
    w(f"Goal (issue 16): median SIGKILL to first 200 <= 250 ms over >= 5 kills, with `--standby 1`: {fmt(restart_median, 0, ' ms')}"
      f" ({'met' if restart_median is not None and restart_median <= 250 and standby_count >= 5 else '**missed**'});"
      f" without a standby (the default): {fmt(medians.get('cold'), 0, ' ms')}.")
    w("")
    if memory is not None:
        out.extend(memory_report(memory))

    if tls is not None:
        out.extend(tls_report(args, tls))

    if mixed is not None:
        out.extend(mixed_report(args, mixed))

    # Goals
    def reached(value, op, goal):
        if value is None:
            return "not measured"
        ok = value >= goal if op == ">=" else value <= goal
        return "reached" if ok else "**missed**"

    def rr(num, den, shape):
        per_round = [r[num][shape]["rps"] / r[den][shape]["rps"] for r in rounds if num in r and den in r]
        return med(per_round)

    have = set(names)
    goals = [
        ("reuseport keep-alive rps / single", rr("reuseport", "single", "keepalive") if {"reuseport", "single"} <= have else None, ">=", 0.95, 3, ""),
        ("reuseport new-connection rps / single", rr("reuseport", "single", "close") if {"reuseport", "single"} <= have else None, ">=", 0.90, 3, ""),
        ("reuseport keep-alive rps / node-cluster", rr("reuseport", "node-cluster", "keepalive") if {"reuseport", "node-cluster"} <= have else None, ">=", 1.2, 3, ""),
        ("proxy (Unix sockets) rps / single (keep-alive)", rr("proxy-unix", "single", "keepalive") if {"proxy-unix", "single"} <= have else None, ">=", 0.40, 3, ""),
        ("proxy (Unix sockets) rps / nginx-1 front rps (keep-alive, issue 16)", rr("proxy-unix", "nginx-1", "keepalive") if {"proxy-unix", "nginx-1"} <= have else None, ">=", 1.0, 2, ""),
        ("proxy over Unix sockets / proxy over TCP (keep-alive)", rr("proxy-unix", "proxy-tcp", "keepalive") if {"proxy-unix", "proxy-tcp"} <= have else None, ">=", 1.15, 3, ""),
        (f"worker balance max/min share at {args.connections} connections (reuseport, keep-alive)",
         med(values("reuseport", "keepalive", "balance")) if "reuseport" in have else None, "<=", 1.2, 3, ""),
        ("RSS per idle worker (reuseport, median; issue 16: Node's figure)",
         med([v for r in rounds for v in r["reuseport"]["rss"]]) if "reuseport" in have else None, "<=", 45, 1, " MB"),
        ("worker restart with `--standby 1`, SIGKILL to first 200 (median; issue 16)", restart_median, "<=", 250, 0, " ms"),
    ]
    w("## Goals (issues 6 and 16)")
    w("")
    w("| measure | goal | this run | |")
    w("|---|---|---|---|")
    for label, value, op, goal, digits, unit in goals:
        w(f"| {label} | {op} {goal}{unit} | {fmt(value, digits, unit)} | {reached(value, op, goal)} |")
    w("")
    w("## Commands")
    w("")
    w("```sh")
    if args.env:
        w(f"# environment of every process started: {' '.join(args.env)}")
    if args.cluster_env:
        w(f"# environment of the ClusterHost primaries and their workers: {' '.join(args.cluster_env)}")
    # bench.sh passes the command it was given, and how it published the app.
    w(os.environ.get("BENCH_COMMAND") or f"python3 loadtests/bench/bench.py {' '.join(sys.argv[1:])}".rstrip())
    if os.environ.get("BENCH_PUBLISH"):
        w(f"# the app every .NET target runs: {os.environ['BENCH_PUBLISH']}")
    for t in targets:
        w(f"# {t.name}: {t.describe} (cwd {os.path.relpath(t.cwd, REPO) or '.'})")
        w(" ".join(os.path.relpath(a, REPO) if a.startswith(REPO) else a for a in t.argv))
    w("# each wrk run (URL: the target's ready line), keep-alive then new connection per request:")
    w(" ".join(wrk_command(args, "http://127.0.0.1:PORT", False)))
    w(" ".join(wrk_command(args, "http://127.0.0.1:PORT", True)).replace("-H Connection: close", "-H 'Connection: close'"))
    w("```")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- mixed cost: when L7 balancing pays (issue 16)

MIXED_TARGETS = ["single", "reuseport", "shared", "proxy-round-robin", "proxy-least-requests", "handoff", "node-cluster"]
MIXED_LIGHT_US, MIXED_HEAVY_US, MIXED_HEAVY_PERCENT, MIXED_CONNECTIONS = 200, 50_000, 5, 64


def mixed_paths(args):
    out = os.path.join(REPO, "src", "ClusterPrimary", "bin", args.configuration, "net10.0")
    primary = os.path.join(out, "ClusterPrimary.dll")
    sample = os.path.abspath(args.app) if args.app else os.path.join(out, "sample", "SampleApp.dll")
    runner = os.path.join(REPO, "loadtests", "bin", args.configuration, "net10.0", "ClusterHost.LoadTests.dll")
    for path in (primary, sample, runner):
        if not os.path.isfile(path):
            raise RuntimeError(f"{path} is missing: build first (dotnet build ClusterHost.sln -c {args.configuration})")
    return primary, sample, runner


def make_mixed_targets(args, dotnet, node):
    """The mixed-cost targets: /work is mapped with the SampleApp's fault endpoints, so every .NET target enables them."""
    primary, sample, _ = mixed_paths(args)
    ready = r"ClusterHost ready: (?P<url>http://[^,\s]+).*pids (?P<pids>[\d, ]+)\)"
    common = ["--workers", str(WORKERS), "--urls", "http://127.0.0.1:0", "--metrics-urls", "http://127.0.0.1:0",
              "--shutdown-timeout", "2", "--cwd", os.path.dirname(sample)] + (["--app", sample] if args.app else [])
    app_args = ["--", "--SampleApp:EnableFaults=true"]

    def cluster(name, describe, mode_args):
        # clusterhost=False: the rows need no per-worker metrics (the answers name the worker).
        return Target(name, f"{describe}, {WORKERS} workers", [dotnet, primary] + mode_args + common + app_args, REPO, ready, False)
    targets = [
        Target("single", "SampleApp alone: one Kestrel process",
               [dotnet, sample, "--urls", "http://127.0.0.1:0", "--SampleApp:EnableFaults=true"], os.path.dirname(sample),
               r"Now listening on: (?P<url>http://\S+)", False),
        cluster("reuseport", "ClusterHost reuseport", ["--mode", "reuseport"]),
        cluster("shared", "ClusterHost shared (one inherited listening socket)", ["--mode", "shared"]),
        cluster("proxy-round-robin", "ClusterHost proxy, round-robin", ["--mode", "proxy", "--balance", "round-robin"]),
        cluster("proxy-least-requests", "ClusterHost proxy, least-requests", ["--mode", "proxy", "--balance", "least-requests"]),
        cluster("handoff", "ClusterHost handoff (the primary accepts, hands each connection to a worker)", ["--mode", "handoff"]),
    ]
    if node:
        targets.append(Target("node-cluster", f"Node cluster (loadtests/peers: the same /work), {WORKERS} workers",
                              [node, os.path.join(REPO, "loadtests", "peers", "node-cluster.js"), str(WORKERS), "0"],
                              REPO, r"node-cluster ready: (?P<url>http://\S+) \(.*pids (?P<pids>[\d, ]+)\)", False))
    wanted = args.mixed_targets.split(",") if args.mixed_targets else MIXED_TARGETS
    unknown = [w for w in wanted if w not in MIXED_TARGETS]
    if unknown:
        raise RuntimeError(f"--mixed-targets: unknown {', '.join(unknown)}; allowed: {', '.join(MIXED_TARGETS)}")
    return [t for t in targets if t.name in wanted]


def start_mixed_target(target, env):
    """Starts the target; (None, reason) when this build refuses its mode (exit 2: an option error, e.g. handoff not merged)."""
    launched = Launched(target.name, target.argv, target.cwd, dict(env, **target.cluster_env))
    try:
        match, _, _ = launched.wait_line(target.ready_pattern)
    except RuntimeError:
        try:
            code = launched.proc.wait(5)
        except subprocess.TimeoutExpired:
            code = None
        if code == 2:
            reason = next((l for l in launched.lines if l.startswith("clusterhost:")), "exit 2")
            return None, reason
        raise
    pids = [int(p) for p in re.findall(r"\d+", match.groupdict().get("pids") or "")]
    return (launched, match.group("url").rstrip("/"), sorted(set(pids) | {launched.proc.pid})), None


def run_mixed_runner(args, dotnet, env, url, rate):
    """The scenario runner's mixed-cost scenario against url; returns its report (JSON) and the requests it sent."""
    _, _, runner = mixed_paths(args)
    import tempfile
    fd, path = tempfile.mkstemp(prefix="clusterhost-bench-mixed-", suffix=".json")
    os.close(fd)
    try:
        command = mixed_command(dotnet, runner, url, rate, args.mixed_duration, args.mixed_warmup) + ["--json", path]
        launched = Launched("loadtests mixed-cost", command, REPO, env)
        try:
            code = launched.proc.wait(args.mixed_duration + args.mixed_warmup + 120)
        except subprocess.TimeoutExpired:
            launched.stop()
            raise RuntimeError(f"the mixed-cost runner did not finish: {' '.join(command)}")
        launched.reader.join(5)
        if code != 0:
            tail = "\n".join(launched.lines[-15:])
            raise RuntimeError(f"the mixed-cost runner exited {code}: {' '.join(command)}\n{tail}")
        with open(path) as f:
            data = json.load(f)
        sent = sum(1 for r in data["requests"] if r["kind"] in ("Light", "Heavy"))
        return data["mixedCost"], sent
    finally:
        os.unlink(path)


def mixed_command(dotnet, runner, url, rate, duration, warmup):
    return [dotnet, runner, "mixed-cost", "--url", url, "--rate", "max" if rate is None else f"{rate:g}",
            "--duration", f"{duration:g}", "--warmup", f"{warmup:g}", "--connections", str(MIXED_CONNECTIONS),
            "--light-us", str(MIXED_LIGHT_US), "--heavy-us", str(MIXED_HEAVY_US), "--heavy-percent", str(MIXED_HEAVY_PERCENT)]


def measure_mixed_run(args, dotnet, env, target, rate):
    for attempt in (1, 2):
        try:
            started, unavailable = start_mixed_target(target, env)
            break
        except RuntimeError as e:
            # A busy machine can make a worker miss the primary's 10-s handshake: one more try, then the round has no figure.
            log(f"  {target.name} did not start (attempt {attempt}): {str(e).splitlines()[0]}")
            if attempt == 2:
                return {"unavailable": f"did not start twice in this round ({str(e).splitlines()[0]})"}
    if started is None:
        return {"unavailable": unavailable}
    launched, url, pids = started
    try:
        cpu = cpu_seconds(pids)
        try:
            report, sent = run_mixed_runner(args, dotnet, env, url, rate)
        except RuntimeError as e:
            log(f"  {target.name}: {e}")
            return {"unavailable": f"the run failed ({str(e).splitlines()[0]})"}
        used = cpu_seconds(pids) - cpu
        report["cpu_us"] = used * 1e6 / sent if sent else None
        return report
    finally:
        launched.stop()


def measure_mixed(args, dotnet, env, node, cluster_env):
    """single's capacity for the mix (closed loop), then interleaved rounds of every target at the chosen rate (open loop)."""
    targets = make_mixed_targets(args, dotnet, node)
    for target in targets:
        if target.name not in ("single", "node-cluster"):
            target.cluster_env = cluster_env
    capacity = None
    rate = args.mixed_rate
    if rate is None:
        single = make_mixed_targets(argparse.Namespace(**{**vars(args), "mixed_targets": "single"}), dotnet, node)[0]
        log("mixed cost: single's capacity for the mix (closed loop)")
        capacity = measure_mixed_run(args, dotnet, env, single, None)
        if "unavailable" in capacity:
            raise RuntimeError(f"mixed cost: single's capacity could not be measured: {capacity['unavailable']}")
        rate = max(1.0, round(capacity["achievedRate"] * args.mixed_load / 10) * 10)
        log(f"  capacity {capacity['achievedRate']:,.0f} rps; offered rate {rate:,.0f} rps ({args.mixed_load:.0%})")
    rounds = []
    for i in range(args.rounds):
        results = {"load": " ".join(open("/proc/loadavg").read().split()[:3])}
        for target in targets:
            log(f"mixed cost round {i + 1}/{args.rounds}: {target.name} at {rate:,.0f} rps")
            results[target.name] = measure_mixed_run(args, dotnet, env, target, rate)
            r = results[target.name]
            if "unavailable" in r:
                log(f"  not available: {r['unavailable']}")
            else:
                log(f"  achieved {r['achievedRate']:,.0f} rps; p50 {r['all']['p50Ms']:.2f} ms, p99 {r['all']['p99Ms']:.1f} ms,"
                    f" p99.9 {r['all']['p999Ms']:.1f} ms; {r['failed']} failed")
        rounds.append(results)
    return {"targets": targets, "rounds": rounds, "rate": rate, "capacity": capacity, "dotnet": dotnet}


def mixed_report(args, mixed):
    targets, rounds, rate, capacity, dotnet = mixed["targets"], mixed["rounds"], mixed["rate"], mixed["capacity"], mixed["dotnet"]
    out = []
    w = out.append
    names = [t.name for t in targets]

    def measured(name):
        return [r[name] for r in rounds if name in r and "unavailable" not in r[name]]

    def median_of(name, *keys):
        values = []
        for report in measured(name):
            value = report
            for key in keys:
                value = value.get(key) if isinstance(value, dict) else None
            values.append(value)
        return med(values)

    def p99_ratio(name, over="reuseport"):
        per_round = [r[name]["all"]["p99Ms"] / r[over]["all"]["p99Ms"] for r in rounds
                     if name in r and over in r and "unavailable" not in r[name] and "unavailable" not in r[over]
                     and r[over]["all"]["p99Ms"] > 0]
        return med(per_round)

    w("## Mixed cost: when L7 balancing pays (issue 16)")
    w("")
    w(f"Requests of two CPU costs, `GET /work?us=N` (N µs of the serving thread's CPU time: the SampleApp's endpoint, and the"
      f" same in the Node peer): {100 - MIXED_HEAVY_PERCENT:g} % of {MIXED_LIGHT_US} µs and {MIXED_HEAVY_PERCENT:g} % of"
      f" {MIXED_HEAVY_US / 1000:g} ms, which requests are heavy seeded (the same sequence for every target), over {MIXED_CONNECTIONS} keep-alive"
      f" connections. Open loop (the scenario runner, `loadtests -- mixed-cost`): requests fall due on a fixed schedule whether or not"
      f" earlier ones were answered, a connection sends its next one when it is free, and latency runs from the time the request was"
      f" due, so queueing is not hidden (no coordinated omission). Each target is started fresh in each round, loaded"
      f" {args.mixed_warmup:g} s (not counted), then measured {args.mixed_duration:g} s; medians over {len(rounds)} round(s).")
    w("")
    if capacity is not None:
        w(f"Offered rate: **{rate:,.0f} requests/s**, {args.mixed_load:.0%} of `single`'s capacity for this mix measured at the start of"
          f" this run ({capacity['achievedRate']:,.0f} requests/s in a closed loop over {MIXED_CONNECTIONS} connections: each sends its next request when"
          f" its last is answered; p99 there {capacity['all']['p99Ms']:,.0f} ms).")
    else:
        w(f"Offered rate: **{rate:,.0f} requests/s** (given with --mixed-rate).")
    w("")
    w("Server CPU per request: user + system CPU of the target's processes (primary, front and workers) over the run / requests sent.")
    w("")
    w("| target | achieved rps | p50 | p99 | p99.9 | light p99 | heavy p99 | failed | server CPU/request | p99 / reuseport p99 |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    for name in names:
        if not measured(name):
            reason = next((r[name]["unavailable"] for r in rounds if name in r and "unavailable" in r[name]), "not measured")
            w(f"| {name} | not available: {reason.replace('|', '/')} | | | | | | | | |")
            continue
        failed = sum(r["failed"] + r["unsent"] for r in measured(name))
        w(f"| {name} | {fmt(median_of(name, 'achievedRate'))} | {fmt(median_of(name, 'all', 'p50Ms'), 2, ' ms')}"
          f" | {fmt(median_of(name, 'all', 'p99Ms'), 1, ' ms')} | {fmt(median_of(name, 'all', 'p999Ms'), 1, ' ms')}"
          f" | {fmt(median_of(name, 'light', 'p99Ms'), 1, ' ms')} | {fmt(median_of(name, 'heavy', 'p99Ms'), 1, ' ms')}"
          f" | {fmt(failed)} | {fmt(median_of(name, 'cpu_us'), 0, ' µs')}"
          f" | {fmt(p99_ratio(name), 2) if 'reuseport' in names else 'n/a'} |")
    w("")
    goal = p99_ratio("proxy-least-requests") if {"proxy-least-requests", "reuseport"} <= set(names) else None
    w(f"Goal (issue 16, acceptance 3): proxy least-requests p99 <= 0.5 x reuseport p99 (same round, median over rounds):"
      f" {fmt(goal, 2)} ({'not measured' if goal is None else 'reached' if goal <= 0.5 else '**missed**'}).")
    w("")
    w("Per round (all requests, from the time due: p50 / p99 / p99.9 in ms; achieved rps):")
    w("")
    w("| round | load average at its start | " + " | ".join(names) + " |")
    w("|---|---|" + "---|" * len(names))
    for i, r in enumerate(rounds, 1):
        cells = []
        for name in names:
            m = r.get(name)
            cells.append("n/a" if m is None or "unavailable" in m else
                         f"{m['all']['p50Ms']:.2f} / {m['all']['p99Ms']:.0f} / {m['all']['p999Ms']:.0f}; {m['achievedRate']:,.0f}")
        w(f"| {i} | {r['load']} | " + " | ".join(cells) + " |")
    w("")
    lags = [m["generatorLag"]["p99Ms"] for r in rounds for m in r.values() if isinstance(m, dict) and m.get("generatorLag")]
    workers = []
    for name in names:
        last = next((r[name] for r in reversed(rounds) if name in r and "unavailable" not in r[name]), None)
        if last and last.get("workers"):
            workers.append(f"{name}: " + ", ".join(f"w{x['worker']} {x['requests']} ({x['heavy']} heavy, p99 {x['p99Ms']:.0f} ms)"
                                                   for x in last["workers"]))
    w(f"The generator's own lateness (when it handed each request to its connection, against the time due): p99 at most"
      f" {fmt(max(lags) if lags else None, 2, ' ms')} over every run. Requests per worker in the last round: {'; '.join(workers)}.")
    w("")
    w("```sh")
    _, _, runner = mixed_paths(args)
    w("# the scenario runner against each target (URL: its ready line); capacity first (closed loop), then open loop:")
    w(" ".join(os.path.relpath(a, REPO) if a.startswith(REPO) else a for a in mixed_command(dotnet, runner, "http://127.0.0.1:PORT", None, args.mixed_duration, args.mixed_warmup)))
    w(" ".join(os.path.relpath(a, REPO) if a.startswith(REPO) else a for a in mixed_command(dotnet, runner, "http://127.0.0.1:PORT", rate, args.mixed_duration, args.mixed_warmup)))
    for t in targets:
        w(f"# {t.name}: {t.describe}")
        w(" ".join(os.path.relpath(a, REPO) if a.startswith(REPO) else a for a in t.argv))
    w("```")
    w("")
    return out


def mixed_only_main(args, dotnet, env, cluster_env, node, started, t0, load_before):
    """--mixed-only: the mixed-cost rows alone; their report goes to --out (and stdout)."""
    try:
        mixed = measure_mixed(args, dotnet, env, node, cluster_env)
    finally:
        stop_everything()
    mixed["load_before"] = load_before
    mixed["load_after"] = " ".join(open("/proc/loadavg").read().split()[:3])
    text = mixed_only_report(args, machine(args, dotnet, node), mixed, started, time.monotonic() - t0)
    return publish(args, text)



def publish(args, text):
    """Writes the report to --out and stdout, and says which of the processes the benchmark started
    still run; exit code 1 when any does."""
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(text)
    all_pids = sorted(p for launched in Launched.registry for p in launched.all_pids())
    left = [p for p in all_pids if is_ours(p)]
    log(f"report written to {args.out}")
    print(f"bench: started pids {', '.join(map(str, all_pids))}; still running: {', '.join(map(str, left)) or 'none'}",
          file=sys.stderr)
    return 1 if left else 0


def mixed_only_report(args, info, mixed, started, elapsed):
    """--mixed-only: the mixed-cost section alone, with the machine it ran on."""
    out = [f"# Mixed cost: when L7 balancing pays (ClusterHost modes, one Kestrel process, a Node cluster)", "",
           f"Run {started} UTC, {elapsed:.0f} s. {WORKERS} workers per cluster.", "",
           "## Machine", "",
           f"- {info['cores']} cores ({info['model']}), Linux {info['kernel']}",
           f"- .NET SDK {info['dotnet']}; {info['runtime']}; node {info['node']}",
           f"- load average before: {mixed['load_before']}; after: {mixed['load_after']}",
           "- the load generator runs on the same cores as the servers; the machine is shared with other builds and"
           " test runs, so figures move from run to run.", ""]
    out.extend(mixed_report(args, mixed))
    out += ["```sh", os.environ.get("BENCH_COMMAND") or f"python3 loadtests/bench/bench.py {' '.join(sys.argv[1:])}".rstrip(), "```"]
# ---------------------------------------------------------------- SignalR fan-out (issue 19)

def signalr_targets(args, dotnet):
    """tests/Apps/ChatRoom (an ordinary SignalR app) alone, and under ClusterHost reuseport with the
    primary relaying broadcasts between the workers."""
    out = os.path.join(REPO, "src", "ClusterPrimary", "bin", args.configuration, "net10.0")
    primary = os.path.join(out, "ClusterPrimary.dll")
    chat = os.path.join(REPO, "tests", "Apps", "ChatRoom", "bin", args.configuration, "net10.0", "ChatRoom.dll")
    runner = os.path.join(REPO, "loadtests", "bin", args.configuration, "net10.0", "ClusterHost.LoadTests.dll")
    for path in (primary, chat, runner):
        if not os.path.isfile(path):
            raise RuntimeError(f"{path} is missing: build first (dotnet build ClusterHost.sln -c {args.configuration})")
    ready = r"ClusterHost ready: (?P<url>http://[^,\s]+).*pids (?P<pids>[\d, ]+)\)"
    targets = [
        Target("chat-single", "ChatRoom alone: one Kestrel process",
               [dotnet, chat, "--urls", "http://127.0.0.1:0"], os.path.dirname(chat),
               r"Now listening on: (?P<url>http://\S+)", False),
        Target("chat-reuseport", f"ChatRoom under ClusterHost reuseport, {WORKERS} workers (broadcasts relayed by the primary)",
               [dotnet, primary, "--mode", "reuseport", "--app", chat, "--workers", str(WORKERS), "--urls", "http://127.0.0.1:0",
                "--metrics-urls", "http://127.0.0.1:0", "--shutdown-timeout", "2", "--cwd", os.path.dirname(chat)],
               REPO, ready, True),
    ]
    return targets, runner


def signalr_command(args, dotnet, runner, url, json_path):
    return [dotnet, runner, "signalr", "--url", url.rstrip("/") + "/", "--clients", str(args.signalr_clients),
            "--broadcasts", str(args.signalr_rate), "--phase-seconds", str(args.signalr_seconds), "--kill", "no", "--json", json_path]


def relay_counters(metrics_url):
    """The relay's messages out, by worker, from /metrics (None when unreadable)."""
    try:
        with urllib_request(metrics_url) as text:
            return {m.group(1): float(m.group(2)) for m in re.finditer(
                r'clusterhost_signalr_relay_messages_total\{worker="(\d+)",direction="out"\} (\S+)', text)}
    except OSError:
        return None


def urllib_request(url):
    import contextlib
    import urllib.request

    @contextlib.contextmanager
    def read():
        with urllib.request.urlopen(url, timeout=5) as response:
            yield response.read().decode()
    return read()


def measure_signalr(args, dotnet, env):
    """Broadcast fan-out: the scenario runner's signalr scenario (N .NET SignalR clients over
    WebSockets, taking turns to broadcast at R/s in all) against each target, in interleaved rounds."""
    import tempfile
    targets, runner = signalr_targets(args, dotnet)
    rounds = []
    for i in range(args.signalr_rounds):
        results = {}
        for target in targets:
            log(f"signalr round {i + 1}/{args.signalr_rounds}: {target.name}")
            launched, url, pids, metrics = target.start(env)
            try:
                fd, json_path = tempfile.mkstemp(prefix="clusterhost-bench-signalr-", suffix=".json")
                os.close(fd)
                command = signalr_command(args, dotnet, runner, url, json_path)
                budget = 120 + 2 * args.signalr_seconds
                done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=budget)
                if done.returncode != 0:
                    raise RuntimeError(f"signalr run against {target.name} failed ({done.returncode}): {done.stderr[-2000:]}")
                with open(json_path) as f:
                    phase = json.load(f)["signalR"]["phases"][0]
                os.unlink(json_path)
                relay = relay_counters(metrics) if metrics else None
                results[target.name] = {
                    "connected": phase["connected"], "sent": phase["sent"],
                    "min_receivers": min(phase["receiversPerMessage"]) if phase["receiversPerMessage"] else 0,
                    "delivered_per_s": phase["deliveredPerSecond"], "p50": phase["latency"]["p50Ms"],
                    "p99": phase["latency"]["p99Ms"], "relay_out": relay,
                }
                r = results[target.name]
                log(f"  {r['connected']} connected, {r['delivered_per_s']:,.0f} deliveries/s, p99 {r['p99']:.1f} ms,"
                    f" fewest receivers {r['min_receivers']}")
            finally:
                launched.stop()
        rounds.append(results)
    return targets, rounds, runner


def signalr_report(args, signalr, dotnet):
    targets, rounds, runner = signalr
    out = []
    w = out.append
    w("")
    w("## SignalR broadcast fan-out (issue 19)")
    w("")
    w(f"{args.signalr_clients} .NET SignalR clients (WebSockets, SkipNegotiation) connected to tests/Apps/ChatRoom, taking turns"
      f" to broadcast {args.signalr_rate} messages/s in all for {args.signalr_seconds} s: {args.signalr_clients * args.signalr_rate:,}"
      " deliveries/s expected. Latency is from each send to each receipt, in the client process."
      f" Median of {len(rounds)} round(s).")
    w("")
    w("| target | clients connected | broadcasts | fewest receivers of a broadcast | delivered messages/s | p50 ms | p99 ms | of single (msgs/s) |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    single = med([r["chat-single"]["delivered_per_s"] for r in rounds])
    for t in targets:
        rs = [r[t.name] for r in rounds]
        rate = med([r["delivered_per_s"] for r in rs])
        w(f"| {t.name} | {min(r['connected'] for r in rs)} | {rs[0]['sent']} | {min(r['min_receivers'] for r in rs)} |"
          f" {rate:,.0f} | {med([r['p50'] for r in rs]):.1f} | {med([r['p99'] for r in rs]):.1f} | {rate / single:.2f} |")
    relays = [r["chat-reuseport"]["relay_out"] for r in rounds if r["chat-reuseport"].get("relay_out")]
    if relays:
        w("")
        w("Relay messages written to each worker (clusterhost_signalr_relay_messages_total{direction=\"out\"}), last round: "
          + ", ".join(f"worker {k}: {v:,.0f}" for k, v in sorted(relays[-1].items())))
    w("")
    w("```")
    for t in targets:
        w(f"# {t.name}: {t.describe}")
        w(" ".join(os.path.relpath(a, REPO) if a.startswith(REPO) else a for a in t.argv))
    w("# the clients (the scenario runner), against each target's URL:")
    w(" ".join(os.path.relpath(a, REPO) if a.startswith(REPO) else a
               for a in signalr_command(args, dotnet, runner, "http://127.0.0.1:PORT", "RESULT.json")))
    w("```")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds per measured wrk run")
    parser.add_argument("--warmup", type=int, default=8, help="seconds of keep-alive warm-up per target, discarded")
    parser.add_argument("--idle", type=float, default=1.0, help="seconds after ready before RSS is read")
    parser.add_argument("--restarts", type=int, default=5)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--configuration", default="Release")
    parser.add_argument("--targets", default="", help="comma-separated subset; default all")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="set for every process started (tuning experiments, e.g. DOTNET_TieredPGO=0)")
    parser.add_argument("--cluster-env", action="append", default=[], metavar="NAME=VALUE",
                        help="set for the ClusterHost primaries (and so their workers) only")
    parser.add_argument("--app", default="",
                        help="the app's .dll for single and every ClusterHost target; default the SampleApp built with the primary")
    parser.add_argument("--no-tls", action="store_true", help="skip the HTTPS and HTTP/2 rows (issue 13)")
    parser.add_argument("--no-mixed", action="store_true", help="skip the mixed-cost rows (issue 16)")
    parser.add_argument("--mixed-only", action="store_true", help="only the mixed-cost rows; the report has that section alone")
    parser.add_argument("--mixed-targets", default="", help=f"comma-separated subset of {','.join(MIXED_TARGETS)}; default all")
    parser.add_argument("--mixed-rate", type=float, default=None,
                        help="offered requests/s; default --mixed-load of single's capacity for the mix, measured first")
    parser.add_argument("--mixed-load", type=float, default=0.65, help="the offered rate as a share of single's capacity (default 0.65)")
    parser.add_argument("--mixed-duration", type=float, default=5, help="seconds measured per mixed-cost run (default 5)")
    parser.add_argument("--mixed-warmup", type=float, default=1.5, help="seconds of load before each mixed-cost run's measure, not counted (default 1.5)")
    parser.add_argument("--no-signalr", action="store_true", help="skip the SignalR fan-out rows (issue 19)")
    parser.add_argument("--only-signalr", action="store_true", help="run only the SignalR fan-out rows (issue 19)")
    parser.add_argument("--signalr-clients", type=int, default=200)
    parser.add_argument("--signalr-rate", type=int, default=50, help="broadcasts per second, all clients together")
    parser.add_argument("--signalr-seconds", type=int, default=10)
    parser.add_argument("--signalr-rounds", type=int, default=1)
    parser.add_argument("--memory-workers", default="2,8,32",
                        help="worker counts of the memory rows (issue 16), comma-separated; empty to skip them")
    parser.add_argument("--out", default=os.path.join(REPO, "loadtests", "results", "latest.md"))
    args = parser.parse_args()
    try:
        args.memory_workers = [int(n) for n in args.memory_workers.split(",") if n.strip()]
    except ValueError:
        parser.error("--memory-workers takes worker counts, e.g. 2,8,32")
    if any(not 1 <= n <= 64 for n in args.memory_workers):
        parser.error("--memory-workers: each count must be 1 to 64")
    if args.no_mixed and args.mixed_only:
        parser.error("--no-mixed and --mixed-only exclude each other")
    for name, low, high in (("mixed_duration", 1, 60), ("mixed_warmup", 0, 30), ("mixed_load", 0.05, 1.0)):
        if not low <= getattr(args, name) <= high:
            parser.error(f"--{name.replace('_', '-')} must be {low} to {high}")
    if args.mixed_rate is not None and not 1 <= args.mixed_rate <= 50_000:
        parser.error("--mixed-rate must be 1 to 50000")
    for name, low, high in (("rounds", 1, 20), ("duration", 1, 60), ("warmup", 0, 30), ("restarts", 0, 20),
                            ("connections", 1, 1024), ("threads", 1, 16)):
        value = getattr(args, name)
        if not low <= value <= high:
            parser.error(f"--{name} must be {low} to {high}")

    def on_signal(signum, _frame):
        log(f"{signal.Signals(signum).name}: stopping every process started")
        stop_everything()
        sys.exit(130)
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)

    dotnet = which("dotnet") or "dotnet"
    env = dict(os.environ, DOTNET_NOLOGO="1")
    for name in [n for n in env if n.startswith("Cluster__")]:
        del env[name]
    cluster_env = {}
    for option, pairs, into in (("--env", args.env, env), ("--cluster-env", args.cluster_env, cluster_env)):
        for pair in pairs:
            name, _, value = pair.partition("=")
            if not name or not _:
                parser.error(f"{option} takes NAME=VALUE (got {pair!r})")
            into[name] = value
    if args.only_signalr:
        try:
            signalr = measure_signalr(args, dotnet, env)
        finally:
            stop_everything()
        text = "# SignalR fan-out only (bench.py --only-signalr)\n" + signalr_report(args, signalr, dotnet)
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            f.write(text)
        print(text)
        return 0
    targets, node = make_targets(args, dotnet)
    for target in targets:
        target.cluster_env = cluster_env
    if "single" not in [t.name for t in targets]:
        raise RuntimeError("the targets must include single: every ratio is to it")
    if not node:
        log("node is not installed: the node-cluster target is skipped")
    started = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    t0 = time.monotonic()
    load_before = " ".join(open("/proc/loadavg").read().split()[:3])
    if args.mixed_only:
        return mixed_only_main(args, dotnet, env, cluster_env, node, started, t0, load_before)
    rounds = []
    try:
        for i in range(args.rounds):
            results = {"load": " ".join(open("/proc/loadavg").read().split()[:3])}
            for target in targets:
                log(f"round {i + 1}/{args.rounds}: {target.name}")
                results[target.name] = measure_target(args, target, env)
                k, c = results[target.name]["keepalive"], results[target.name]["close"]
                log(f"  keep-alive {k['rps']:,.0f} rps ({fmt(k.get('cpu_us'), 0)} µs CPU/req),"
                    f" new-connection {c['rps']:,.0f} rps ({fmt(c.get('cpu_us'), 0)} µs CPU/req)")
            rounds.append(results)
        restart_target = next((t for t in make_targets(argparse.Namespace(**{**vars(args), "targets": "reuseport"}), dotnet)[0]), None)
        restart_target.cluster_env = cluster_env
        log(f"restarts: {args.restarts} x SIGKILL")
        restarts, standby_memory = measure_restarts(args, env, restart_target) if args.restarts > 0 else ({}, None)
        tls = measure_tls(args, dotnet, env) if not args.no_tls else None
        mixed = measure_mixed(args, dotnet, env, node, cluster_env) if not args.no_mixed else None
        signalr = measure_signalr(args, dotnet, env) if not args.no_signalr else None
        memory = measure_memory(args, env, restart_target) if args.memory_workers else None
    finally:
        stop_everything()
    load_after = " ".join(open("/proc/loadavg").read().split()[:3])
    text = report(args, targets, rounds, restarts, machine(args, dotnet, node), load_before, load_after,
                  started, time.monotonic() - t0, tls, mixed=mixed, memory=memory, standby_memory=standby_memory)
    if signalr:
        text += signalr_report(args, signalr, dotnet)
    return publish(args, text)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as e:
        stop_everything()
        log(str(e))
        sys.exit(1)
