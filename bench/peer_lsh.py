"""A MinHash + LSH candidate pass of a peer library over a JSONL corpus, alone.

Run as its own process by ``bench_growth.py`` so that its CPU time, wall time and peak
RSS are those of a cold end-to-end run (interpreter start, imports, reading the file)::

    python bench/peer_lsh.py bench/out/corpus-10000.jsonl --impl datasketch

What it does, the same for every ``--impl``: read each line's ``id`` and ``text``; words
as newstrace's ``fingerprint.words_of`` makes them (case-folded, split on whitespace,
punctuation stripped from the ends; ``_STRIP`` below is a copy that ``bench_growth.py``
checks against newstrace's); the set of word 3-shingles ``"w1 w2 w3"`` (fewer than 3
words: one shingle of all; no words: the article is skipped), i.e. the ``shingles``
channel of newstrace's fingerprint (newstrace hashes the same shingles of the body it has
cleaned of headline and boilerplate, and adds a second channel of names and numbers);
then

* ``datasketch``: ``MinHash(num_perm=128)`` (default hash: SHA-1, 32 bits), all sharing
  one permutation table (the library's documented way to avoid regenerating it per
  object), ``update_batch`` of the UTF-8 shingles, ``MinHashLSH(threshold=0.3,
  num_perm=128)`` (which picks 37 bands x 3 rows), ``insert`` every article then
  ``query`` every article;
* ``datasketch-xxhash``: the same with ``hashfunc=xxhash.xxh32_intdigest``;
* ``rensa``: ``RMinHash(num_perm=111, seed=42)`` and ``RMinHashLSH(threshold=0.3,
  num_perm=111, num_bands=37)``: datasketch's banding exactly (rensa needs bands to
  divide ``num_perm``, and 37 x 3 = 111), so 13% fewer hash slots than 128.

The file is streamed: an article's shingles are dropped once it is signed, only the
signatures are kept (as a real dedup job would). Prints one JSON line: articles,
shingles, candidate pairs, and this process's CPU time (``time.process_time``) per phase. ``--pairs FILE`` also writes the candidate id pairs
(one "a<TAB>b" line each, a < b) for recall against truth.
"""

from __future__ import annotations

import argparse
import json
import string
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

THRESHOLD = 0.3
NUM_PERM = 128
RENSA_PERM, RENSA_BANDS = 111, 37  # datasketch's (b, r) for (0.3, 128): 37 x 3
IMPLS = ("datasketch", "datasketch-xxhash", "rensa")
Pair = tuple[int, int]

# A copy of newstrace.fingerprint._STRIP (bench_growth.py asserts they are equal).
_STRIP = "".join(
    sorted(set(string.punctuation + "“”‘’«»„‚‹›–—―·•…¡¿「」『』（）【】、，。！？：；"))
)


def words_of(text: str) -> list[str]:
    """newstrace's ``fingerprint.words_of``."""
    return [w for w in (x.strip(_STRIP) for x in text.casefold().split()) if w]


def shingles_of(text: str, k: int = 3) -> set[str]:
    """Word k-shingles (texts under k words: one shingle of all)."""
    words = words_of(text)
    if not words:
        return set()
    k = min(k, len(words))
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def read_corpus(path: Path) -> Iterator[tuple[str, set[str]]]:
    """(id, shingles) of each JSONL line with words."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            sh = shingles_of(rec.get("text") or "")
            if sh:
                yield str(rec["id"]), sh


def datasketch_signer(xxh: bool) -> Callable[[set[str]], Any]:
    from datasketch import MinHash

    kwargs: dict[str, Any] = {"num_perm": NUM_PERM}
    if xxh:
        import xxhash

        kwargs["hashfunc"] = xxhash.xxh32_intdigest
    first = MinHash(seed=1, **kwargs)
    if hasattr(first, "scheme"):  # datasketch >= 2.0 wants the scheme of shared permutations
        kwargs["scheme"] = first.scheme
    perms = first.permutations

    def sign(sh: set[str]) -> Any:
        m = MinHash(permutations=perms, **kwargs)
        m.update_batch([s.encode("utf-8") for s in sh])
        return m

    return sign


def datasketch_pairs(sigs: list[Any]) -> set[tuple[int, int]]:
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    for i, m in enumerate(sigs):
        lsh.insert(i, m)
    return _pairs((i, lsh.query(m)) for i, m in enumerate(sigs))


def rensa_signer() -> Callable[[set[str]], Any]:
    from rensa import RMinHash

    def sign(sh: set[str]) -> Any:
        m = RMinHash(num_perm=RENSA_PERM, seed=42)
        m.update(list(sh))
        return m

    return sign


def rensa_pairs(sigs: list[Any]) -> set[tuple[int, int]]:
    from rensa import RMinHashLSH

    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=RENSA_PERM, num_bands=RENSA_BANDS)
    for i, m in enumerate(sigs):
        lsh.insert(i, m)
    return _pairs((i, lsh.query(m)) for i, m in enumerate(sigs))


def _pairs(hits: Iterable[tuple[int, Iterable[int]]]) -> set[tuple[int, int]]:
    return {(i, j) for i, found in hits for j in found if j > i}


def _tools(impl: str) -> tuple[Callable[[set[str]], Any], Callable[[list[Any]], set[Pair]]]:
    if impl == "rensa":
        return rensa_signer(), rensa_pairs
    return datasketch_signer(impl == "datasketch-xxhash"), datasketch_pairs


def run(path: Path, impl: str, pairs_out: Path | None) -> dict[str, Any]:
    """The candidate pass, streamed (only the signatures are kept), with the CPU time of
    each phase (the process total also holds interpreter start and imports)."""
    clock = time.process_time
    c0 = clock()
    sign, index = _tools(impl)
    cpu = {"import": clock() - c0, "read+shingle": 0.0, "minhash": 0.0}
    ids, sigs, shingles = [], [], 0
    docs = read_corpus(path)
    while True:
        c1 = clock()
        doc = next(docs, None)
        c2 = clock()
        cpu["read+shingle"] += c2 - c1
        if doc is None:
            break
        ids.append(doc[0])
        sigs.append(sign(doc[1]))
        shingles += len(doc[1])
        cpu["minhash"] += clock() - c2
    c3 = clock()
    pairs = index(sigs)
    cpu["lsh"] = clock() - c3
    if pairs_out is not None:
        lines = sorted("\t".join(sorted((ids[i], ids[j]))) for i, j in pairs)
        pairs_out.write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    return {
        "impl": impl,
        "articles": len(ids),
        "shingles": shingles,
        "candidates": len(pairs),
        "cpu": cpu,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--impl", choices=IMPLS, default="datasketch")
    ap.add_argument("--pairs", type=Path, help="write the candidate id pairs here")
    args = ap.parse_args(argv)
    print(json.dumps(run(args.corpus, args.impl, args.pairs)))


if __name__ == "__main__":
    main()
