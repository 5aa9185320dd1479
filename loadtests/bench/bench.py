#!/usr/bin/env python3
"""The benchmark behind loadtests/bench.sh: one Kestrel process, ClusterHost (reuseport, shared,
handoff, proxy over Unix sockets, proxy over loopback TCP) and a Node cluster, in interleaved rounds, with wrk.

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
    """Keep-alive at FEW_CONNECTIONS connections (1 wrk thread): rps and the workers' max/min share."""
    few = argparse.Namespace(**{**vars(args), "connections": FEW_CONNECTIONS, "threads": 1})
    before = worker_counts(metrics)
    row = run_wrk(few, url, False)
    row["balance"], row["per_worker"] = balance(before, worker_counts(metrics))
    return row


def handoff_section(rounds, names, ratio, w, args):
    """Issue 16's acceptance for handoff: throughput against reuseport, balance at 64 and at FEW_CONNECTIONS."""
    if "handoff" not in names or "reuseport" not in names:
        return
    w("## Handoff (issue 16)")
    w("")
    w("`handoff` against `reuseport` in the same round (median of the per-round ratios), and the workers' max/min"
      f" share of requests at {args.connections} and at {FEW_CONNECTIONS} keep-alive connections (wrk -t1 -c{FEW_CONNECTIONS}),"
      " median over rounds.")
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
        (f"handoff balance max/min at {args.connections} keep-alive connections", med([r["handoff"]["keepalive"]["balance"] for r in rounds]), "<=", 1.05),
        (f"handoff balance max/min at {FEW_CONNECTIONS} keep-alive connections", few("handoff", "balance"), "<=", 1.05),
    ]
    w("| issue 16 measure | goal | this run | |")
    w("|---|---|---|---|")
    for label, value, op, goal in rows:
        w(f"| {label} | {op} {goal} | {fmt(value, 3)} | {verdict(value, op, goal)} |")
    w("")
    w(f"At {FEW_CONNECTIONS} keep-alive connections, each target:")
    w("")
    w("| at 4 connections | keep-alive rps | max/min | requests per worker (last round) |")
    w("|---|---|---|---|")
    for name in (n for n in FEW_CONNECTION_TARGETS if n in names):
        last = rounds[-1][name].get("few") or {}
        w(f"| {name} | {fmt(few(name, 'rps'))} | {fmt(few(name, 'balance'), 2)} | "
          + ", ".join(f"w{k}: {v:,.0f}" for k, v in sorted((last.get("per_worker") or {}).items())) + " |")
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


def run_wrk(args, url, close, duration=None):
    command = wrk_command(args, url, close)
    if duration is not None:
        command[3] = f"-d{duration}s"
    result = subprocess.run(command, capture_output=True, text=True, timeout=(duration or args.duration) + 30)
    text = result.stdout
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr.strip()} {text.strip()}")
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
    host, port, path = re.match(r"http://([^:/]+):(\d+)(/.*)", metrics_url).groups()
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path)
    body = connection.getresponse().read().decode()
    connection.close()
    counts = {}
    for line in body.splitlines():
        if line.startswith("http_server_request_duration_seconds_count{"):
            worker = re.search(r'worker="(\d+)"', line)
            if worker:
                counts[worker.group(1)] = counts.get(worker.group(1), 0) + float(line.rsplit(" ", 1)[1])
    return counts


def balance(before, after):
    deltas = {w: after.get(w, 0) - before.get(w, 0) for w in after}
    total = sum(deltas.values())
    if total <= 0 or len(deltas) < WORKERS:
        return None, deltas
    low = min(deltas.values())
    return (max(deltas.values()) / low if low > 0 else float("inf")), deltas


def get_answer(url, timeout=1.0):
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
        for shape, close in (("keepalive", False), ("close", True)):
            before = worker_counts(metrics) if metrics else None
            row[shape] = run_wrk(args, url, close)
            if metrics:
                row[shape]["balance"], row[shape]["per_worker"] = balance(before, worker_counts(metrics))
        if metrics and target.name in FEW_CONNECTION_TARGETS:
            row["few"] = measure_few_connections(args, url, metrics)
        return row
    finally:
        launched.stop()


def measure_restarts(args, env, primary_target):
    """SIGKILL a worker, then fresh connections until a pid not seen before answers 200."""
    launched, url, pids, _ = primary_target.start(env)
    samples = []
    try:
        slot_pid = {}
        slot_since = {}
        for match_line, t in zip(list(launched.lines), list(launched.line_times)):
            m = re.search(r"Worker (\d+) \(pid (\d+)\) ready in", match_line)
            if m:
                slot_pid[int(m.group(1))] = int(m.group(2))
                slot_since[int(m.group(1))] = t
        known = set(pids)
        killed_slots = set()
        for i in range(args.restarts):
            slot = i % WORKERS
            if slot in killed_slots:
                wait = STABLE_UPTIME - (time.monotonic() - slot_since[slot])
                if wait > 0:
                    time.sleep(wait)
            time.sleep(1.0)  # let the previous replacement settle
            victim = slot_pid[slot]
            mark = len(launched.lines)
            killed_at = time.monotonic()
            os.kill(victim, signal.SIGKILL)
            deadline = killed_at + 30
            first_200 = None
            new_pid = None
            while time.monotonic() < deadline:
                answer = get_answer(url)
                if answer and answer.get("pid") not in known:
                    first_200 = time.monotonic()
                    new_pid = answer["pid"]
                    break
                time.sleep(0.002)
            if first_200 is None:
                raise RuntimeError(f"worker {slot} (pid {victim}) killed; no new process answered within 30 s")
            m, _, t = launched.wait_line(rf"Worker {slot} \(pid (\d+)\) ready in (\d+) ms", timeout=10, after=mark)
            _, _, exited_at = launched.wait_line(rf"Worker {slot} \(pid {victim}\) exited", timeout=10, after=mark)
            _, _, starting_at = launched.wait_line(rf"Worker {slot} starting", timeout=10, after=mark)
            known.add(new_pid)
            slot_pid[slot] = new_pid
            slot_since[slot] = t
            killed_slots.add(slot)
            samples.append({"slot": slot, "victim": victim, "new_pid": new_pid,
                            "ms": (first_200 - killed_at) * 1000, "ready_ms": int(m.group(2)),
                            "exited_ms": (exited_at - killed_at) * 1000, "starting_ms": (starting_at - killed_at) * 1000,
                            "ready_seen_ms": (t - killed_at) * 1000})
            log(f"restart {i + 1}: worker {slot} pid {victim} -> {new_pid}: first 200 after {samples[-1]['ms']:.0f} ms")
        return samples
    finally:
        launched.stop()


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


def report(args, targets, rounds, restarts, info, load_before, load_after, started, elapsed, tls=None):
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
    w("ClusterHost reuseport, 2 workers, otherwise idle. After SIGKILL of a worker, `GET /` on a fresh connection"
      " every ~2 ms until a pid not seen before answers 200. Slots alternate; a slot is killed again only after its"
      " process has run 10 s (the primary's restart backoff treats quicker deaths as a crash loop).")
    w("")
    w("Where the time goes: when the primary's log lines (`exited`, `starting`, `ready`) reached the benchmark,"
      " counted from the SIGKILL; `ready in` is the primary's own figure, from spawning the replacement to its"
      " ready message.")
    w("")
    w("| # | slot | killed pid | new pid | `exited` logged | `starting` logged | `ready` logged | primary's `ready in` | SIGKILL to first 200 |")
    w("|---|---|---|---|---|---|---|---|---|")
    for i, s in enumerate(restarts, 1):
        w(f"| {i} | {s['slot']} | {s['victim']} | {s['new_pid']} | {s['exited_ms']:.0f} ms | {s['starting_ms']:.0f} ms"
          f" | {s['ready_seen_ms']:.0f} ms | {s['ready_ms']} ms | {s['ms']:.0f} ms |")
    restart_median = med([s["ms"] for s in restarts])
    w(f"| median | | | | {fmt(med([s['exited_ms'] for s in restarts]), 0, ' ms')} | {fmt(med([s['starting_ms'] for s in restarts]), 0, ' ms')}"
      f" | {fmt(med([s['ready_seen_ms'] for s in restarts]), 0, ' ms')} | {fmt(med([s['ready_ms'] for s in restarts]), 0, ' ms')}"
      f" | {fmt(restart_median, 0, ' ms')} |")
    w("")

    if tls is not None:
        out.extend(tls_report(args, tls))

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
        ("proxy over Unix sockets / proxy over TCP (keep-alive)", rr("proxy-unix", "proxy-tcp", "keepalive") if {"proxy-unix", "proxy-tcp"} <= have else None, ">=", 1.15, 3, ""),
        (f"worker balance max/min share at {args.connections} connections (reuseport, keep-alive)",
         med(values("reuseport", "keepalive", "balance")) if "reuseport" in have else None, "<=", 1.2, 3, ""),
        ("RSS per idle worker (reuseport, median)",
         med([v for r in rounds for v in r["reuseport"]["rss"]]) if "reuseport" in have else None, "<=", 80, 1, " MB"),
        ("worker restart, SIGKILL to first 200 (median)", restart_median, "<=", 400, 0, " ms"),
    ]
    w("## Goals (issue 6)")
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
    parser.add_argument("--out", default=os.path.join(REPO, "loadtests", "results", "latest.md"))
    args = parser.parse_args()
    for name, low, high in (("rounds", 1, 20), ("duration", 1, 60), ("warmup", 0, 30), ("restarts", 1, 20),
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
    rounds = []
    try:
        for i in range(args.rounds):
            results = {"load": " ".join(open("/proc/loadavg").read().split()[:3])}
            for target in targets:
                log(f"round {i + 1}/{args.rounds}: {target.name}")
                results[target.name] = measure_target(args, target, env)
                k, c = results[target.name]["keepalive"], results[target.name]["close"]
                log(f"  keep-alive {k['rps']:,.0f} rps, new-connection {c['rps']:,.0f} rps")
            rounds.append(results)
        restart_target = next((t for t in make_targets(argparse.Namespace(**{**vars(args), "targets": "reuseport"}), dotnet)[0]), None)
        restart_target.cluster_env = cluster_env
        log(f"restarts: {args.restarts} x SIGKILL")
        restarts = measure_restarts(args, env, restart_target)
        tls = measure_tls(args, dotnet, env) if not args.no_tls else None
    finally:
        stop_everything()
    load_after = " ".join(open("/proc/loadavg").read().split()[:3])
    text = report(args, targets, rounds, restarts, machine(args, dotnet, node), load_before, load_after,
                  started, time.monotonic() - t0, tls)
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


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as e:
        stop_everything()
        log(str(e))
        sys.exit(1)
