"""Build the 9,372-document "web corpus" of issue 15 from the shared PAN 2013 sample.

Usage (from the repository root)::

    . .venv/bin/activate
    python bench/web_corpus.py --out bench/out/web-corpus.jsonl
    # -> bench/out/web-corpus.jsonl and bench/out/web-corpus.truth.json

Real web text (PAN's source and suspicious documents: 3,124 distinct plain-text files of
``final_txt_files/`` and ``susp/``, taken once each by path) at a realistic size, with
planted near-duplicates so the scan has known work: every file appears three times,
``<name>#1`` verbatim and ``<name>#2``, ``<name>#3`` with each space-separated word
dropped with probability 0.02 (independently per copy). The PAN documents also reuse each
other (that is their purpose), so the truth file lists only the planted copy pairs (three
per file): their recall is meaningful, a precision against them is not.

Deterministic for a given ``--seed``: one ``random.Random(seed)`` draws the drops in
sorted path order. The text stays in ``bench/out`` (ignored by git), never in the project.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAN = ROOT.parent / "shared" / "data" / "pan13-subset"
FOLDERS = ("final_txt_files", "susp")
COPIES = 3
DROP = 0.02

__all__ = ["COPIES", "DROP", "PAN", "build", "copy_pairs", "sources"]


def sources(pan: Path = PAN) -> list[Path]:
    """The distinct plain-text documents (sources, then suspicious), sorted by path."""
    found = {p.resolve() for folder in FOLDERS for p in (pan / folder).glob("*.txt")}
    if not found:
        raise SystemExit(f"no .txt files under {pan}/{{{','.join(FOLDERS)}}}")
    return sorted(found)


def drop_words(text: str, rng: random.Random, p: float = DROP) -> str:
    """The text with each space-separated word left out with probability ``p``."""
    return " ".join(w for w in text.split(" ") if rng.random() >= p)


def records(paths: list[Path], seed: int) -> Iterator[dict[str, str]]:
    """JSONL records: each file three times, copies 2 and 3 with dropped words."""
    rng = random.Random(seed)
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for k in range(1, COPIES + 1):
            body = text if k == 1 else drop_words(text, rng)
            yield {"id": f"{path.stem}#{k}", "text": body}


def copy_pairs(paths: list[Path]) -> list[tuple[str, str]]:
    """The planted pairs: the three versions of each file, pairwise."""
    return [
        (f"{p.stem}#{a}", f"{p.stem}#{b}")
        for p in paths
        for a, b in combinations(range(1, COPIES + 1), 2)
    ]


def build(out: Path, seed: int = 1, pan: Path = PAN) -> Path:
    """Write the corpus and its truth file (``.truth.json`` beside it); return the truth path."""
    paths = sources(pan)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for rec in records(paths, seed):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    truth = out.with_suffix(".truth.json")
    meta = {"generator": "bench/web_corpus.py", "seed": seed, "files": len(paths)}
    truth.write_text(json.dumps({**meta, "copy_pairs": copy_pairs(paths)}), encoding="utf-8")
    return truth


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "web-corpus.jsonl")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pan", type=Path, default=PAN, help="the pan13-subset folder")
    args = ap.parse_args(argv)
    truth = build(args.out, args.seed, args.pan)
    meta = json.loads(truth.read_text(encoding="utf-8"))
    docs, pairs = meta["files"] * COPIES, len(meta["copy_pairs"])
    print(f"wrote {args.out} ({docs} documents) and {truth} ({pairs} copy pairs)")


if __name__ == "__main__":
    main()
