"""Long fuzz run: the properties of tests/test_fuzz.py over many more cases.

    python bench/fuzz_long.py                  # ~10,000 cases over all properties
    python bench/fuzz_long.py --cases 50000 --only compare
    python bench/fuzz_long.py --atheris 100000 # also coverage-guided ingest fuzzing

Prints the cases run per property and every failure (hypothesis shrinks each to a
minimal input); the exit code is 1 when something failed. Atheris is optional: without
it installed, ``--atheris`` says so and the hypothesis part still runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE_CASES = 980
"""Examples of one plain run of tests/test_fuzz.py (the sum of its ``fuzz(n)`` counts)."""


def run_properties(cases: int, only: str | None) -> tuple[dict[str, int], list[str]]:
    """Run every hypothesis property scaled to about ``cases`` examples in total."""
    os.environ["NEWSTRACE_FUZZ_EXAMPLES"] = str(max(1.0, cases / BASE_CASES))
    sys.path.insert(0, str(ROOT))
    from tests import test_fuzz  # after the scale is set: it is read on import

    failures: list[str] = []
    tests = [
        (name, fn)
        for name, fn in vars(test_fuzz).items()
        if name.startswith("test_") and hasattr(fn, "hypothesis") and (only is None or only in name)
    ]
    for name, fn in tests:
        t0 = time.perf_counter()
        try:
            fn()
            status = "ok"
        except Exception:  # report every property's failure, go on
            status = "FAILED"
            failures.append(f"{name}:\n{traceback.format_exc(limit=3)}")
        print(f"{name:<60} {status:<6} {time.perf_counter() - t0:7.1f} s", flush=True)
    return dict(test_fuzz.CASES), failures


def run_atheris(runs: int) -> int:
    """Coverage-guided fuzzing of decoding and JSONL records; returns the runs done."""
    try:
        import atheris  # type: ignore[import-not-found]
    except ImportError:
        print("atheris is not installed (pip install atheris); skipped", flush=True)
        return 0
    import io

    with atheris.instrument_imports():
        from newstrace.errors import NewstraceError
        from newstrace.ingest import _jsonl_records, decode
        from newstrace.options import Options

    options = Options(max_line_bytes=4096)

    def one(data: bytes) -> None:
        with contextlib.suppress(NewstraceError):
            decode(data, "atheris")
        for _ in _jsonl_records(io.BytesIO(data), "atheris", options, lambda exc: None):
            pass

    atheris.Setup([sys.argv[0], f"-runs={runs}"], one)
    atheris.Fuzz()
    return runs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=10_000, help="total hypothesis cases")
    ap.add_argument("--only", default=None, help="run only properties whose name has this")
    ap.add_argument("--atheris", type=int, default=0, help="atheris runs on ingest (optional)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    cases, failures = run_properties(args.cases, args.only)
    for name, n in sorted(cases.items()):
        print(f"  {name:<20} {n:>8,} cases")
    print(
        f"cases run: {sum(cases.values()):,}; properties failed: {len(failures)}; "
        f"{time.perf_counter() - t0:.0f} s"
    )
    for f in failures:
        print(f)
    if args.atheris:
        run_atheris(args.atheris)  # atheris exits the process itself on a crash
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
