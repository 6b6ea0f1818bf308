#!/usr/bin/env python3
"""Load for bench/dashboard_bench.sh: N clients (threads, one keep-alive connection each) ask for
every URL of a list in three passes (cold, warm, 304) and print latency percentiles per page kind."""
import http.client
import statistics
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

base, url_file, clients = sys.argv[1], sys.argv[2], int(sys.argv[3])
# Which passes, in order (default: cold, warm, 304); "ready" is a first pass over pages the
# service rendered ahead, "changed" one just after the region's posts moved.
passes = sys.argv[4].split(",") if len(sys.argv) > 4 else ["cold", "warm", "304"]
host = urllib.parse.urlparse(base)
paths = [line.strip() for line in open(url_file) if line.strip()]
local = threading.local()
etags = {}


def conn():
    if not hasattr(local, "c"):
        local.c = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
    return local.c


def fetch(path, conditional):
    headers = {"If-None-Match": etags[path]} if conditional and path in etags else {}
    start = time.perf_counter()
    c = conn()
    c.request("GET", path, headers=headers)
    r = c.getresponse()
    body = r.read()
    took = time.perf_counter() - start
    if r.status == 200:
        etags[path] = r.getheader("ETag")
    return path, r.status, took, len(body)


def kind(path):
    return "pax" if "/pax/" in path else "ao" if "/ao/" in path else "region"


def report(name, results):
    print(f"== {name}: {len(results)} requests, {clients} clients")
    for k in ("region", "ao", "pax"):
        t = sorted(r[2] * 1000 for r in results if kind(r[0]) == k)
        if not t:
            continue
        q = statistics.quantiles(t, n=100) if len(t) > 1 else [t[0]] * 99
        statuses = sorted({r[1] for r in results if kind(r[0]) == k})
        size = statistics.mean(r[3] for r in results if kind(r[0]) == k) / 1024
        print(f"  {k:6} n={len(t):4}  p50 {q[49]:7.1f} ms  p90 {q[89]:7.1f} ms  p99 {q[98]:7.1f} ms  "
              f"max {t[-1]:7.1f} ms  status {statuses}  mean size {size:.0f} KB")


# The first request after a write rebuilds the region's posts cache (the posts view copied and
# indexed): timed on its own, so the passes below measure pages.
if "cold" in passes:
    start = time.perf_counter()
    prime = http.client.HTTPConnection(host.hostname, host.port, timeout=600)
    prime.request("GET", paths[0].split("?")[0] + "/search?q=zz")
    prime.getresponse().read()
    print(f"== posts cache built by the first request: {(time.perf_counter() - start) * 1000:.0f} ms")

names = {"cold": "cold (every page asked for the first time, nothing rendered ahead)",
         "warm": "warm (the same pages again)", "304": "304 (If-None-Match)",
         "ready": "ready (first visits of pages the service rendered ahead)",
         "changed": "changed (first visits just after the region's posts moved)"}
for p in passes:
    name, conditional = names[p], p == "304"
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda p: fetch(p, conditional), paths))
    wall = time.perf_counter() - start
    report(name, results)
    print(f"  {len(results) / wall:.0f} pages/s")
