"""Real agency reuse found through the archive (``add``, ``check``) beside a scan.

Every text of METER-dev (PA copy and newspaper articles) and of COUNTER-half (Urdu agency
copy and newspaper articles) goes into a fresh archive in one ``add`` (default options);
then, on the labelled pairs (each article against its story's agency copy; wholly or
partially derived is reuse, not derived is not):

* linked: the pairs ``add`` stored as reuse (``Archive.pairs``);
* check: the labelled pairs whose partner ``Archive.check`` of one of the two finds;
* the same corpus through ``newstrace.scan.scan`` (default options), the contract the
  archive should come close to.

``--no-fulltext`` runs the archive as one without a full-text index: band keys alone,
as ``add`` and ``check`` did before ``archive_short`` (no short copies, nothing of what
a scan's containment bands propose). Not a test: it prints figures.

    . .venv/bin/activate && python bench/eval_archive_recall.py [--no-fulltext]
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
import time
from pathlib import Path

import _setup  # noqa: F401  (one BLAS thread; newstrace importable) before numpy
from reuse_data import METER

from newstrace.archive import Archive
from newstrace.ingest import iter_articles
from newstrace.model import Article
from newstrace.options import Options
from newstrace.scan import scan

COUNTER = METER.parent / "counter-half"

Pair = tuple[str, str]


def key(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def meter() -> tuple[list[Path], set[Pair], set[Pair]]:
    labels = json.loads((METER / "labels.json").read_text(encoding="utf-8"))
    paths = sorted((METER / "pa").glob("*.txt")) + sorted((METER / "news").glob("*.txt"))
    derived = {key(n, m["source"]) for n, m in labels.items() if m["label"] in ("WD", "PD")}
    not_derived = {key(n, m["source"]) for n, m in labels.items() if m["label"] == "ND"}
    return paths, derived, not_derived


def counter() -> tuple[list[Path], set[Pair], set[Pair]]:
    labels = json.loads((COUNTER / "labels.json").read_text(encoding="utf-8"))
    paths = sorted((COUNTER / "txt").glob("*.txt"))
    derived = {key(k, k + "p") for k, v in labels.items() if v in ("WD", "PD")}
    not_derived = {key(k, k + "p") for k, v in labels.items() if v == "ND"}
    return paths, derived, not_derived


def line(name: str, found: set[Pair], derived: set[Pair], not_derived: set[Pair]) -> str:
    tp, fp = len(found & derived), len(found & not_derived)
    recall, precision = tp / len(derived), tp / max(1, tp + fp)
    return (
        f"  {name:<34} derived {tp:>3}/{len(derived)}  R {recall:.3f}  "
        f"not derived {fp:>3}  P {precision:.3f}"
    )


def checked(ar: Archive, by_id: dict[str, Article], pairs: set[Pair]) -> set[Pair]:
    """The pairs whose partner ``check`` of either article finds."""
    out = set()
    for a, b in sorted(pairs):
        if any(m.id == b for m in ar.check(by_id[a])) or any(m.id == a for m in ar.check(by_id[b])):
            out.add((a, b))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-fulltext", action="store_true", help="band keys alone (no archive_short)")
    args = ap.parse_args()
    if not METER.is_dir() or not COUNTER.is_dir():
        print(f"{METER} and {COUNTER} are needed; nothing to evaluate")
        return
    options = Options()
    for name, (paths, derived, not_derived) in (
        ("METER-dev", meter()),
        ("COUNTER-half", counter()),
    ):
        articles = list(iter_articles(paths))
        by_id = {a.id: a for a in articles}
        print(
            f"{name}: {len(articles)} texts, {len(derived)} derived and "
            f"{len(not_derived)} not derived labelled pairs"
        )
        scanned = {key(p.a, p.b) for p in scan(articles).pairs}
        print(line("scan (default options)", scanned, derived, not_derived))
        with (
            tempfile.TemporaryDirectory() as tmp,
            Archive(Path(tmp) / "a.db", options=options) as ar,
        ):
            ar.fts = ar.fts and not args.no_fulltext
            t0 = time.process_time()
            ar.add(articles)
            seconds = time.process_time() - t0
            linked = {key(p.a, p.b) for p in ar.pairs()}
            print(line(f"archive add ({seconds:.1f} s CPU)", linked, derived, not_derived))
            found = checked(ar, by_id, derived | not_derived)
            print(line("archive check", found, derived, not_derived))
    print("\nreproduce: python bench/eval_archive_recall.py " + shlex.join(sys.argv[1:]))


if __name__ == "__main__":
    main()
