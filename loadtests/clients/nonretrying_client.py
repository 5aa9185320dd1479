#!/usr/bin/env python3
"""A client that never retries: Python's http.client, as scripts and many SDKs use it.

Half the threads keep one connection alive (reconnecting only when the server said
`Connection: close`, as http.client does), half open a new connection per request. Any
exception or non-2xx status is a failure; nothing is retried. Runs until SECONDS have passed or
STOP_FILE exists, then prints one JSON object: {"ok": N, "failed": N, "failures": [...]}.

usage: nonretrying_client.py URL [--threads N] [--seconds S] [--stop-file PATH] [--path /]
"""
import argparse
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=3600)
    parser.add_argument("--stop-file")
    parser.add_argument("--path", default="/")
    args = parser.parse_args()
    url = urllib.parse.urlsplit(args.url)
    deadline = time.monotonic() + args.seconds
    lock = threading.Lock()
    counts = {"ok": 0, "failed": 0}
    failures = []

    def stopped():
        return time.monotonic() >= deadline or (args.stop_file and os.path.exists(args.stop_file))

    def record(ok, what=None):
        with lock:
            if ok:
                counts["ok"] += 1
            else:
                counts["failed"] += 1
                if len(failures) < 50:
                    failures.append(what)

    def keep_alive():
        connection = None
        while not stopped():
            if connection is None:
                connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
            try:
                connection.request("GET", args.path)
                response = connection.getresponse()
                body = response.read()
                record(200 <= response.status < 300, f"keep-alive: status {response.status} {body[:300]!r}")
                if response.will_close:
                    connection.close()
                    connection = None
            except Exception as e:  # noqa: BLE001 - every failure counts, none is retried
                record(False, f"keep-alive: {type(e).__name__}: {e}")
                connection.close()
                connection = None

    def fresh():
        while not stopped():
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
            try:
                connection.request("GET", args.path, headers={"Connection": "close"})
                response = connection.getresponse()
                body = response.read()
                record(200 <= response.status < 300, f"new connection: status {response.status} {body[:300]!r}")
            except Exception as e:  # noqa: BLE001
                record(False, f"new connection: {type(e).__name__}: {e}")
            finally:
                connection.close()

    threads = [threading.Thread(target=keep_alive if i % 2 == 0 else fresh, daemon=True) for i in range(args.threads)]
    for thread in threads:
        thread.start()
    print("started", flush=True)
    for thread in threads:
        thread.join()
    print(json.dumps({"ok": counts["ok"], "failed": counts["failed"], "failures": failures}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
