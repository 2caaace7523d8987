"""Drill: one tenant floods the API while another's latency is measured: the quiet tenant's
p95 stays within `MAX_RATIO` (2x) of its solo baseline, and none of its requests fails.

A real web server (gunicorn with uvicorn workers, `harness.WebServer`) on the drill's
database and private Redis; two provisioned tenants, each with an API key. Tenant B (the
victim) sends at a steady pace, alternating `POST /api/v1/messages` and
`GET /api/v1/messages`, from one connection: alone (solo), then while tenant A floods from
`--flooders` connections with no pause, sends and lists alternating, refusals ignored
(noisy). The solo and noisy phases alternate `--rounds` times, so a change in the shared
machine's load falls on both; the ratio is of the p95s over every round's samples.

The flood runs in a process of its own (plain `http.client`, one connection per thread),
so B's timings don't wait for the flood's threads to give up the interpreter; on a small
machine the flood still shares the CPUs with the server, as a noisy tenant's traffic would.
What keeps B's latency is the product: the per-tenant limit of API requests in flight
(`API_TENANT_CONCURRENCY`, `isvplatform/api/concurrency.py`) refuses A's excess in the ASGI
layer, one Redis round trip each, before Django does any work for it. `--no-limit` runs the
same with the limit off (it reports, and passes whatever it measures).

    python -m drills.noisy_tenant [--workers 4] [--rate 8] [--seconds 15] [--rounds 3]
"""

import argparse
import http.client
import json
import multiprocessing
import os
import statistics
import sys
import threading
import time
from collections import Counter

from drills import harness
from drills.dispatch import provisioned_tenant

MAX_RATIO = 2.0
RAMP_SECONDS = 2.0


def api_request(conn: http.client.HTTPConnection, key: str, i: int, who: str) -> int:
    """One request of the workload: a send when `i` is even, a list of messages when odd."""
    headers = {"Authorization": f"Bearer {key}"}
    if i % 2:
        conn.request("GET", "/api/v1/messages", headers=headers)
    else:
        body = json.dumps({"to": f"+1628{3000000 + i % 1000000:07d}", "body": f"{who} {i}"})
        conn.request("POST", "/api/v1/messages", body=body,
                     headers={**headers, "Content-Type": "application/json"})  # fmt: skip
    response = conn.getresponse()
    response.read()
    return response.status


def _flood_thread(port: int, key: str, k: int, stop, counts: Counter, lock) -> None:
    mine: Counter = Counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    i = k * 1_000_000
    while not stop.is_set():
        i += 1
        try:
            mine[api_request(conn, key, i, "flood")] += 1
        except (OSError, http.client.HTTPException):
            mine["error"] += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.close()
    with lock:
        counts.update(mine)


def flood(port: int, key: str, flooders: int, stop, results) -> None:
    """Tenant A's flood (a process of its own): `flooders` threads until `stop`; its counts
    by status go to `results`."""
    counts: Counter = Counter()
    lock = threading.Lock()
    threads = [threading.Thread(target=_flood_thread, args=(port, key, k, stop, counts, lock))
               for k in range(flooders)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(dict(counts))


def paced(port: int, key: str, rate: float, seconds: float, start: int) -> tuple[list, Counter]:
    """Tenant B: one request every 1/`rate` s for `seconds`; latencies (ms), statuses."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, statuses = [], Counter()
    began = time.monotonic()
    for n in range(int(rate * seconds)):
        time.sleep(max(0.0, began + n / rate - time.monotonic()))
        sent = time.perf_counter()
        try:
            status = api_request(conn, key, start + n, "victim")
        except (OSError, http.client.HTTPException):
            status = "error"
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies.append((time.perf_counter() - sent) * 1000)
        statuses[status] += 1
    conn.close()
    return latencies, statuses


def run(args) -> int:
    started = time.monotonic()
    limit_env = {"API_TENANT_CONCURRENCY": "0"} if args.no_limit else {}
    if args.limit is not None:
        limit_env = {"API_TENANT_CONCURRENCY": str(args.limit)}
    env = {"BILLING_RAMP_UP_LEVELS": "", "WEB_WORKERS": str(args.workers), **limit_env}
    name = "noisy_tenant_no_limit" if args.no_limit else "noisy_tenant"
    with harness.drill_environment("noisy_tenant", env=env) as drill:
        counts, failures = _drill(drill, args)
    counts["load average"] = os.getloadavg()[0]
    counts["runtime seconds"] = time.monotonic() - started
    if args.no_limit:
        failures = []  # the control reports what the limit is for; it has no verdict
    return harness.report(name, counts, failures)


def _keys() -> tuple[str, str]:
    from django.db import connections

    from tenants.services import Actor, api_key_create

    keys = []
    for slug in ("drill-noisy-a", "drill-noisy-b"):
        tenant = provisioned_tenant(slug).tenant
        keys.append(api_key_create(tenant=tenant, name="drill", actor=Actor.system())[1])
    connections.close_all()  # the flood process is forked: no connection of ours in it
    return keys[0], keys[1]


def _drill(drill, args):
    noisy_key, victim_key = _keys()
    web = harness.WebServer(drill, workers=args.workers)
    port = web.port
    paced(port, noisy_key, 20, 1, 0)  # warm up: each key's tenant recorded, workers warm
    paced(port, victim_key, 20, 2, 0)
    solo, noisy, victim, flood_counts, ratios = [], [], Counter(), Counter(), []
    offset = 1000
    fork = multiprocessing.get_context("fork")
    for _ in range(args.rounds):
        alone, statuses = paced(port, victim_key, args.rate, args.seconds, offset)
        victim.update(statuses)
        stop, results = fork.Event(), fork.Queue()
        flooder = fork.Process(target=flood, args=(port, noisy_key, args.flooders, stop, results))
        flooder.start()
        time.sleep(RAMP_SECONDS)
        crowded, statuses = paced(port, victim_key, args.rate, args.seconds, offset + 500)
        stop.set()
        flood_counts.update(results.get(timeout=60))
        flooder.join(timeout=30)
        victim.update(statuses)
        solo += alone
        noisy += crowded
        ratios.append(harness.percentile(crowded, 0.95) / harness.percentile(alone, 0.95))
        offset += 1000
    return _verdict(args, solo, noisy, victim, flood_counts, ratios)


def _verdict(args, solo, noisy, victim, flood_counts, ratios):
    solo_p95, noisy_p95 = harness.percentile(solo, 0.95), harness.percentile(noisy, 0.95)
    ratio = noisy_p95 / solo_p95
    victim_errors = sum(n for status, n in victim.items() if status not in (200, 201))
    noisy_2xx = sum(n for status, n in flood_counts.items() if status in (200, 201))
    counts = {
        "web workers": args.workers, "flooders": args.flooders,
        "victim requests": sum(victim.values()),
        "solo_p50_ms": harness.percentile(solo, 0.50), "solo_p95_ms": solo_p95,
        "noisy_p50_ms": harness.percentile(noisy, 0.50), "noisy_p95_ms": noisy_p95,
        "solo sends p95_ms": harness.percentile(solo[::2], 0.95),
        "noisy sends p95_ms": harness.percentile(noisy[::2], 0.95),
        "solo lists p95_ms": harness.percentile(solo[1::2], 0.95),
        "noisy lists p95_ms": harness.percentile(noisy[1::2], 0.95),
        "ratio": ratio, "round ratios": " ".join(f"{r:.2f}" for r in ratios),
        "median round ratio": statistics.median(ratios),
        "noisy_requests": sum(flood_counts.values()), "noisy_2xx": noisy_2xx,
        "noisy_429": flood_counts.get(429, 0),
        "noisy_other": sum(flood_counts.values()) - noisy_2xx - flood_counts.get(429, 0),
        "victim_errors": victim_errors,
    }  # fmt: skip
    failures = []
    if ratio > MAX_RATIO:
        failures.append(f"the victim's p95 rose {ratio:.2f}x under the flood (> {MAX_RATIO}x)")
    if victim_errors:
        failures.append(f"{victim_errors} of the victim's requests failed: {dict(victim)}")
    if not flood_counts.get(429):
        failures.append("the flood was never refused: it did not reach the limit")
    return counts, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=4, help="web worker processes")
    parser.add_argument("--flooders", type=int, default=24, help="tenant A's connections")
    parser.add_argument("--rate", type=float, default=8.0, help="tenant B's requests/s")
    parser.add_argument("--seconds", type=float, default=15.0, help="of each phase")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, help="API_TENANT_CONCURRENCY (default: settings)")
    parser.add_argument("--no-limit", action="store_true", help="the limit off (a control)")
    args = parser.parse_args()
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
