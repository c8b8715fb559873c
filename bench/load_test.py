"""Load test of ``newstrace serve``: 1,000 check/compare requests from 50 concurrent clients.

    python bench/load_test.py                        # demo-corpus archive, loopback
    python bench/load_test.py --requests 5000 --clients 100 --db big.db
    python bench/load_test.py --writer 3000          # while `newstrace add` writes

Builds an archive of the demo corpus (unless ``--db`` names one), starts ``newstrace
serve`` on a free loopback port, and sends POST /api/check {"text"} and POST /api/compare
{"a": {"text"}, "b": {"text"}} requests (demo articles, lightly edited so no two bodies
are the same; a few bad bodies that must get a 4xx) from client threads, each with its
own keep-alive connection. Reports p50/p95/p99 latency per endpoint, throughput, and
errors: 5xx answers, a 4xx for a good body, a 2xx for a bad one, timeouts, dropped
connections. Exit code 1 when there were errors. Standard library only on the client.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo" / "corpus"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/families")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def make_requests(n: int, seed: int) -> list[tuple[str, dict[str, object], bool]]:
    """(path, body, good) triples: checks and compares of edited demo articles."""
    rng = random.Random(seed)
    texts = [p.read_text(encoding="utf-8") for p in sorted(DEMO.glob("*.txt"))]

    def edited(text: str) -> str:
        words = text.split(" ")
        for _ in range(3):
            k = rng.randrange(len(words))
            words[k] = words[k].upper() if rng.random() < 0.5 else words[k] + "s"
        return " ".join(words) + f"\n\nRequest {rng.randrange(10**9)}."

    out: list[tuple[str, dict[str, object], bool]] = []
    for _ in range(n):
        r = rng.random()
        if r < 0.02:  # bad bodies: a 4xx is the right answer
            out.append(
                rng.choice(
                    [
                        ("/api/check", {"text": "   "}, False),
                        ("/api/compare", {"a": {"text": "x"}}, False),
                        ("/api/check", {"txt": "wrong field"}, False),
                    ]
                )
            )
        elif r < 0.6:
            out.append(("/api/check", {"text": edited(rng.choice(texts))}, True))
        else:
            a, b = rng.sample(texts, 2) if rng.random() < 0.5 else [rng.choice(texts)] * 2
            out.append(("/api/compare", {"a": {"text": edited(a)}, "b": {"text": edited(b)}}, True))
    return out


def run_load(
    port: int, requests: list[tuple[str, dict[str, object], bool]], clients: int, timeout: float
) -> tuple[dict[str, list[float]], list[str], float]:
    """Send every request from ``clients`` threads; latencies (ms) by path, errors, wall s."""
    local = threading.local()
    lat: dict[str, list[float]] = {}
    errors: list[str] = []
    lock = threading.Lock()

    def send(req: tuple[str, dict[str, object], bool]) -> None:
        path, body, good = req
        data = json.dumps(body).encode("utf-8")
        for attempt in range(2):  # a keep-alive connection the server closed is reopened once
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            t0 = time.perf_counter()
            try:
                conn.request("POST", path, body=data, headers={"Content-Type": "application/json"})
                resp = conn.getresponse()
                payload = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                local.conn = None
                if attempt == 0:
                    continue
                with lock:
                    errors.append(f"{path}: {type(exc).__name__}")
                return
            except (OSError, http.client.HTTPException) as exc:
                local.conn = None
                with lock:
                    errors.append(f"{path}: {type(exc).__name__}: {exc}")
                return
            ms = (time.perf_counter() - t0) * 1000
            status = resp.status
            with lock:
                lat.setdefault(path, []).append(ms)
                if status >= 500 or (good and status >= 400) or (not good and status < 400):
                    errors.append(f"{path}: HTTP {status} {payload[:200]!r}")
            return

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(send, requests))
    return lat, errors, time.perf_counter() - t0


def start_writer(tmp: Path, db: str, n: int) -> subprocess.Popen[str]:
    """``newstrace add`` of ``n`` generated articles, in batches of 20 (many commits)."""
    sys.path.insert(0, str(ROOT))
    from tests.test_crash import make_feed

    feed = tmp / "writer.jsonl"
    make_feed(feed, n)
    return subprocess.Popen(
        [sys.executable, "-m", "newstrace", "add", str(feed), "--db", db, "--batch-size", "20"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def pct(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
        if len(values) > 1
        else (values[0] if values else float("nan"))
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--db", default=None, help="archive to serve (default: the demo corpus)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--writer",
        type=int,
        default=0,
        metavar="N",
        help="meanwhile `newstrace add` N generated articles to the served archive",
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = str(Path(tmp) / "demo.db")
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "newstrace",
                    "add",
                    str(ROOT / "demo" / "corpus.jsonl"),
                    "--db",
                    db,
                ],
                check=True,
                cwd=ROOT,
                capture_output=True,
            )
        port = free_port()
        log = (Path(tmp) / "server.log").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "newstrace", "serve", "--db", db, "--port", str(port)],
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )
        writer = None
        try:
            wait_ready(port, proc)
            reqs = make_requests(args.requests, args.seed)
            if args.writer:
                writer = start_writer(Path(tmp), db, args.writer)
            lat, errors, wall = run_load(port, reqs, args.clients, args.timeout)
            if writer is not None:
                out, err = writer.communicate(timeout=600)
                print(f"writer: {out.strip()} (exit {writer.returncode})")
                if writer.returncode != 0:
                    errors.append(f"writer: {err.strip()[-300:]}")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
        server_log = (Path(tmp) / "server.log").read_text(errors="replace")
    done = sum(len(v) for v in lat.values())
    print(
        f"{args.requests:,} requests from {args.clients} clients in {wall:.1f} s "
        f"({done / wall:.0f} req/s); answered {done:,}; errors {len(errors)}"
    )
    for path, values in sorted(lat.items()):
        print(
            f"  {path:<14} n={len(values):>5}  p50 {pct(values, 50):7.1f} ms  "
            f"p95 {pct(values, 95):7.1f} ms  p99 {pct(values, 99):7.1f} ms  "
            f"max {max(values):7.1f} ms"
        )
    for e in errors[:10]:
        print("  error:", e)
    if "Traceback" in server_log:
        print("  server log holds a traceback:")
        print(server_log[server_log.index("Traceback") :][:2000])
        return 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
