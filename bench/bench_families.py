"""Benchmark: the server's families page and API on a stored archive (no scan).

Not a test: it prints figures. Target (issue 15): ``/families`` on a 100k archive in
< 200 ms. Build an archive first, e.g. ``python bench/bench_archive.py --sizes 10000
--keep --dir /tmp/b`` (it prints where it kept it), then::

    python bench/bench_families.py /tmp/b/archive-10000.db

Each URL is asked ``--reps`` times in one process through the ASGI app (no network); the
median and the worst wall time per request are printed, with the archive's size and its
number of stored families.
"""

from __future__ import annotations

import argparse
import statistics
import time

from fastapi.testclient import TestClient

from newstrace.archive import Archive
from newstrace.server import create_app

URLS = (
    "/families",
    "/families?sort=newest&page=5",
    "/api/families",
    "/api/families?sort=newest&per_page=200",
    "/api/families?q=the",
    "/api/articles?page=10",
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("db")
    ap.add_argument("--reps", type=int, default=20)
    args = ap.parse_args()
    with Archive(args.db, create=False) as archive:
        size, families = len(archive), len(archive.families())
    print(f"# {args.db}: {size:,} articles, {families:,} stored families")
    with TestClient(create_app(args.db), base_url="http://127.0.0.1") as client:
        for url in URLS:
            times = []
            for _ in range(args.reps):
                t0 = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200, (url, r.status_code, r.text[:200])
            print(f"{url:45s} p50 {statistics.median(times):7.1f} ms  max {max(times):7.1f} ms")


if __name__ == "__main__":
    main()
