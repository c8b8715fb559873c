"""Where a whole scan's verification CPU goes: per article or per candidate pair.

``bench_verify_pairs.py`` times the parts on a sample of pairs, warm and cold; this runs
a real ``newstrace scan`` of a JSONL file (``--jobs 1``, one process, the prepared-article
store evicting and unpacking as it does at that size) and wraps, for CPU time
(``time.process_time``), each function below, every figure *exclusive* of the wrapped
functions it calls:

* per article: ``compare.prepare`` (a first preparation), ``compare.unpack`` (an
  evicted article made again from its pack), ``compare.pack``, the facts found on first
  use (``Side.facts``) and every whole-article view made on first use
  (``Side.cached``, by name: an unpacked article makes its views again);
* per pair: ``compare_if_reuse`` as ``corpus.judge_pair`` calls it, split by its
  answer: reuse (source stage, readings, comparison) or rejected (aligned and read by
  the relation model, then answered ``None``).

The question it answers (issue 15): does verification grow with the articles, with
the pairs verification accepts, or with the candidates it rejects? On 10,000 generated
articles (commit bc52cfd): 46% of the wrapped CPU per article (preparation 0.65 ms,
facts 0.63 ms, containment's keys 0.35 ms), 32% in the 5,700 reuse pairs (1.20 ms
each), 22% in the 6,080 rejected ones (0.78 ms each). Wrapping costs CPU itself (a few
percent): read the shares, not the totals.

    . .venv/bin/activate
    python bench/profile_verify.py bench/out/corpus-10000.jsonl [--out DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import _setup  # noqa: F401  (one BLAS thread, newstrace importable)

from newstrace.cli import main as cli_main
from newstrace.side import Side

# By module path: the package's ``compare`` attribute is the function, not the stage.
compare_stage = importlib.import_module("newstrace.compare")
prepared_store = importlib.import_module("newstrace.corpus.prepared")

SECONDS: Counter[str] = Counter()
CALLS: Counter[str] = Counter()
_INNER: list[float] = []
"""CPU of the wrapped calls inside each wrapped call now running (for exclusive times)."""


def _timed(name: Callable[[Any], str], fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` that adds its exclusive CPU time under ``name(result)``."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        _INNER.append(0.0)
        result = fn(*args, **kwargs)
        took = time.process_time() - start
        key = name(result)
        SECONDS[key] += took - _INNER.pop()
        CALLS[key] += 1
        if _INNER:
            _INNER[-1] += took
        return result

    return wrapper


def _instrument() -> None:
    for fn_name in ("prepare", "unpack", "pack"):
        wrapped = _timed(lambda _r, n=fn_name: f"article: {n}", getattr(compare_stage, fn_name))
        setattr(prepared_store, fn_name, wrapped)
    prepared_store.compare_if_reuse = _timed(  # type: ignore[assignment]
        lambda r: "pair: rejected" if r is None else "pair: reuse",
        prepared_store.compare_if_reuse,
    )
    cached = Side.cached

    def view(self: Side, name: str, make: Callable[[], Any]) -> Any:
        if name in self._memo:
            return self._memo[name]
        return cached(self, name, _timed(lambda _r: f"article view: {name}", make))

    Side.cached = view  # type: ignore[method-assign]
    facts = Side.facts.fget
    assert facts is not None
    found = _timed(lambda _r: "article view: facts", facts)
    Side.facts = property(lambda self: self._facts if self._facts is not None else found(self))  # type: ignore[method-assign,assignment]


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("corpus", help="JSONL file of articles")
    ap.add_argument("--out", help="scan output folder (default: a temporary one)")
    args = ap.parse_args()
    _instrument()
    with tempfile.TemporaryDirectory() as tmp:
        argv = ["scan", args.corpus, "--jobs", "1", "--out", args.out or tmp]
        start = time.process_time()
        try:  # the scan's own tables are not this report's
            with contextlib.redirect_stdout(io.StringIO()):
                cli_main(argv, standalone_mode=False)
        finally:
            total = time.process_time() - start
    wrapped = sum(SECONDS.values())
    print(f"\n{args.corpus}: scan {total:.1f} s CPU, {wrapped:.1f} s inside the wrapped calls")
    print(f"  {'what':<42} {'calls':>8} {'s':>8} {'ms each':>8} {'share':>6}")
    for group in ("article", "pair"):
        rows = [(k, v) for k, v in SECONDS.items() if k.startswith(group)]
        for key, secs in sorted(rows, key=lambda kv: -kv[1]):
            print(
                f"  {key:<42} {CALLS[key]:>8} {secs:>8.2f} {1000 * secs / CALLS[key]:>8.3f} "
                f"{secs / wrapped:>6.1%}"
            )
        part = sum(v for _, v in rows)
        print(f"  {group + ' work in all':<42} {'':>8} {part:>8.2f} {'':>8} {part / wrapped:>6.1%}")
    print(f"reproduce: python bench/profile_verify.py {' '.join(sys.argv[1:])}")


if __name__ == "__main__":
    main()
