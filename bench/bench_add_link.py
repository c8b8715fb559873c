"""Benchmark: what ``Archive.add`` verifies to keep the stored reuse families.

Not a test: it prints one JSON line per size. Adds the first N articles of a generated
corpus (trees off) to a fresh archive and counts the candidate pairs verified and the
articles prepared, the add's CPU time, and how far the stored pairs are from
``Archive.scan()``'s (``|stored ^ scanned| / |scanned|``). Then ``check`` is asked about
the next ``--checks`` articles of the corpus (or, when none are left, the first ones)
and the candidates it compares are counted. Make the corpus first::

    python bench/gen_corpus.py --n 2000 --seed 1 --out bench/out/corpus-2000.jsonl
    python bench/bench_add_link.py bench/out/corpus-2000.jsonl --sizes 1000 2000
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _setup  # noqa: F401  (one BLAS thread; the working tree's src/ when not installed)

import newstrace.archive as archive_module
import newstrace.corpus.prepared as prepared_module
from newstrace import Article, Options, iter_articles
from newstrace.archive import Archive

COUNTS: Counter[str] = Counter()


def _counted(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn``, counting its calls under ``name``."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        COUNTS[name] += 1
        return fn(*args, **kwargs)

    return wrapper


def _instrument() -> None:
    """Count verifications (add), compares (check) and prepared articles (both)."""
    archive_module.judge_pair = _counted("verify", archive_module.judge_pair)  # type: ignore[assignment]
    archive_module.compare_prepared = _counted("compare", archive_module.compare_prepared)  # type: ignore[assignment]
    archive_module.prepare = _counted("prepare", archive_module.prepare)  # type: ignore[assignment]
    prepared_module.prepare = _counted("prepare", prepared_module.prepare)  # type: ignore[assignment]


def measure(arts: list[Article], n: int, checks: int, work: Path) -> dict[str, Any]:
    """Figures of one add of ``arts[:n]`` and of ``checks`` checks."""
    COUNTS.clear()
    with Archive(work / f"a-{n}.db", options=Options(tree_max_members=0)) as ar:
        cpu = time.process_time()
        ar.add(arts[:n])
        cpu = time.process_time() - cpu
        added = dict(COUNTS)
        stored = {(p.a, p.b) for p in ar.pairs()}
        scanned = ar.scan()
        found = {(p.a, p.b) for p in scanned.pairs}
        probes = arts[n : n + checks] or arts[:checks]
        COUNTS.clear()
        check_cpu = time.process_time()
        matches = sum(len(ar.check(a)) for a in probes)
        check_cpu = time.process_time() - check_cpu
        return {
            "articles": n,
            "add_cpu_s": round(cpu, 1),
            "verified": added.get("verify", 0),
            "prepared": added.get("prepare", 0),
            "stored_pairs": len(stored),
            "scan_pairs": len(found),
            "scan_candidates": scanned.candidates,
            "only_stored": len(stored - found),
            "only_scanned": len(found - stored),
            "disagreement": round(len(stored ^ found) / max(1, len(found)), 4),
            "families_equal": ar.families() == scanned.families,
            "checks": len(probes),
            "check_compares": COUNTS.get("compare", 0),
            "check_matches": matches,
            "check_cpu_ms": round(1000 * check_cpu / max(1, len(probes)), 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--checks", type=int, default=100)
    args = parser.parse_args()
    _instrument()
    arts = list(iter_articles([args.corpus]))
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            print(json.dumps(measure(arts, n, args.checks, Path(tmp))), flush=True)


if __name__ == "__main__":
    main()
