"""Crash-safety benchmark: SIGKILL ``newstrace add`` 100 times at random moments.

    python bench/kill_bench.py                       # 100 kills, 30,000-article feed
    python bench/kill_bench.py --kills 300 --seed 7

The same cycle as tests/test_crash.py (archive opens, doctor passes, every batch that
``add`` reported committed is there, a final add completes without duplicates), longer.
Prints kills, kills that landed mid-add, the archive's growth and the seconds taken.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kills", type=int, default=100)
    ap.add_argument("--articles", type=int, default=30_000, help="feed size")
    ap.add_argument("--batch-size", type=int, default=10)
    ap.add_argument(
        "--max-commits", type=int, default=60, help="batches committed before a kill, at most"
    )
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.test_crash import kill_cycle

    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            stats = kill_cycle(
                Path(tmp),
                kills=args.kills,
                n=args.articles,
                seed=seed,
                batch=args.batch_size,
                max_commits=args.max_commits,
                cli_doctor_every=10,
            )
        except AssertionError as exc:
            print(f"FAILED (seed {seed}): {exc}")
            return 1
    grown = sum(1 for a, b in zip([0, *stats.sizes], stats.sizes, strict=False) if b > a)
    print(
        f"seed {seed}: {stats.kills} kills, {stats.mid_add} mid-add (archive grown, "
        f"incomplete), {grown} after some commit; archive sizes {stats.sizes[:5]} ... "
        f"{stats.sizes[-3:]}; doctor clean and no committed article lost after every "
        f"kill; final add completed {args.articles:,} without duplicates; "
        f"{stats.seconds:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
