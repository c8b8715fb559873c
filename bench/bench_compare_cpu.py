"""CPU time of ``newstrace.compare`` per ~600-word pair, beside wall time.

``bench/bench_compare.py`` reports wall time only; on a machine shared with other work a
descheduled process inflates wall time. This times the same end-to-end call
(``compare(Article, Article)``, default options) on the same generated pairs
(``bench_compare.make_pairs``, same seeds), pinned to one CPU, and records per call both
the wall time and the process CPU time (``time.process_time_ns``: user + system of this
process, which a busy neighbour does not add to). Not a test: it prints figures.

    . .venv/bin/activate && python bench/bench_compare_cpu.py --pairs 20 --reps 3
"""

from __future__ import annotations

import argparse
import gc
import shlex
import statistics
import sys
import time

import _setup  # noqa: F401  (one BLAS thread; newstrace importable) before numpy
from bench_compare import TARGET_MS, make_pairs, pin_to_one_core

from newstrace import compare, compiled_modules
from newstrace_synth import textgen


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=20)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--words", type=int, default=600)
    args = ap.parse_args(argv)
    pinned = pin_to_one_core()
    print(
        f"compare end to end, default options; {pinned}; {args.pairs} pairs x {args.reps} "
        f"reps per kind; target <= {TARGET_MS} ms"
    )
    print(f"compiled: {', '.join(compiled_modules()) or 'none (pure Python)'}")
    print(f"{'kind':<10} {'wall med':>9} {'cpu med':>8} {'wall p90':>9} {'cpu p90':>8}  (ms)")
    for kind in textgen.KINDS:
        pairs = make_pairs(kind, args.pairs, args.seed, args.words)
        for a, b in pairs:  # warm-up
            compare(a, b)
        wall, cpu = [], []
        gc.collect()
        for _ in range(args.reps):
            for a, b in pairs:
                w0, c0 = time.perf_counter_ns(), time.process_time_ns()
                compare(a, b)
                cpu.append((time.process_time_ns() - c0) / 1e6)
                wall.append((time.perf_counter_ns() - w0) / 1e6)

        def p90(x: list[float]) -> float:
            s = sorted(x)
            return s[min(len(s) - 1, round(0.9 * (len(s) - 1)))]

        print(
            f"{kind:<10} {statistics.median(wall):>9.2f} {statistics.median(cpu):>8.2f} "
            f"{p90(wall):>9.2f} {p90(cpu):>8.2f}"
        )
    print(
        "reproduce: . .venv/bin/activate && python "
        + shlex.join(["bench/bench_compare_cpu.py", *(argv if argv is not None else sys.argv[1:])])
    )


if __name__ == "__main__":
    main()
