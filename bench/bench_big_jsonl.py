"""Memory on a huge JSONL corpus: ingest is streamed, so peak RSS stays flat.

    python bench/bench_big_jsonl.py                 # ~1 GB feed: ingest only, then add 50 MB
    python bench/bench_big_jsonl.py --mb 300 --add-mb 0

Writes a JSONL feed of about ``--mb`` megabytes (ordinary ~4 KB articles, plus a few
lines of 50-200 MB that ``--max-line-bytes`` must skip and report) in a temporary
folder, then in fresh processes measures peak RSS (``resource.getrusage``): reading
every article through ``iter_articles`` (what ``scan`` and ``add`` consume), and
``newstrace add`` over the first ``--add-mb`` megabytes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_INGEST = """
import resource, sys, time
from newstrace import iter_articles
from newstrace.options import Options
errors = []
t0 = time.perf_counter()
n = chars = 0
for art in iter_articles([sys.argv[1]], options=Options(max_line_bytes=int(sys.argv[2])),
                         on_error=errors.append):
    n += 1
    chars += len(art.text)
print(n, chars, len(errors), round(time.perf_counter() - t0, 1),
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
for e in errors:
    print("skipped", e, file=sys.stderr)
"""

_ADD = """
import resource, sys
from newstrace.cli import main
try:
    main(sys.argv[1:])
except SystemExit as e:
    code = e.code
print('peak RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, 'MiB',
      file=sys.stderr)
sys.exit(code)
"""


def write_feed(path: Path, mb: int, huge: dict[int, int]) -> int:
    """About ``mb`` MB of articles; at the given (line) positions lines of given MB."""
    words = (
        "The storm hit the coast on Monday and officials said 12 people were hurt "
        "while the port stayed closed for a third day. "
    ).split()
    target = mb * 1_000_000
    size = lines = 0
    with path.open("w", encoding="utf-8") as fh:
        while size < target:
            lines += 1
            if lines in huge:  # written in pieces: this process's peak RSS passes to the
                fh.write(f'{{"id": "huge-{lines}", "text": "')  # children it starts
                for _ in range(huge[lines]):
                    fh.write("x" * 1_000_000)
                fh.write('"}\n')
                size += huge[lines] * 1_000_000
                continue
            else:
                k = lines
                text = " ".join(words[(k + i) % len(words)] for i in range(600))
                line = json.dumps({"id": f"a{k}", "text": f"Report {k}. {text} Edition {k}."})
            fh.write(line + "\n")
            size += len(line) + 1
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=int, default=1000, help="feed size in MB")
    ap.add_argument("--add-mb", type=int, default=50, help="MB of the feed to `newstrace add`")
    ap.add_argument("--max-line-bytes", type=int, default=32_000_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "big.jsonl"
        huge = {1000: 50, 50_000: 200, 150_000: 100}
        t0 = time.perf_counter()
        lines = write_feed(feed, args.mb, huge)
        gb = feed.stat().st_size / 1e9
        print(
            f"feed: {gb:.2f} GB, {lines:,} lines ({time.perf_counter() - t0:.0f} s to write)",
            flush=True,
        )
        r = subprocess.run(
            [sys.executable, "-c", _INGEST, str(feed), str(args.max_line_bytes)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if r.returncode != 0:
            print(r.stderr)
            return 1
        n, chars, skipped, secs, rss = r.stdout.split()
        print(
            f"ingest (iter_articles): {int(n):,} articles, {int(chars) / 1e9:.2f} G chars, "
            f"{skipped} overlong lines skipped, {secs} s, peak RSS {rss} MiB",
            flush=True,
        )
        print("\n".join("  " + x for x in r.stderr.splitlines()[:5]))
        if args.add_mb:
            part = Path(tmp) / "part.jsonl"
            with feed.open("rb") as src, part.open("wb") as dst:
                budget = args.add_mb * 1_000_000
                for line in src:
                    if len(line) > args.max_line_bytes:
                        continue
                    dst.write(line)
                    budget -= len(line)
                    if budget <= 0:
                        break
            t0 = time.perf_counter()
            r = subprocess.run(
                [sys.executable, "-c", _ADD, "add", str(part), "--db", str(Path(tmp) / "a.db")],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            print(
                f"add ({args.add_mb} MB of the feed): {r.stdout.strip()}; "
                f"{r.stderr.strip().splitlines()[-1]}; exit {r.returncode}; "
                f"{time.perf_counter() - t0:.0f} s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
