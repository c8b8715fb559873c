"""Would a compiled string kernel make fingerprinting's word look-up faster? (issue 15)

Fingerprinting splits each batch of bodies on whitespace and looks every word up in the
shared vocabulary (``fingerprint._Vocabulary.ids``: ``str.split`` and ``dict.get``
mapped in C, a Python call only for a word seen the first time). The issue suggested
pyarrow's ``utf8_split_whitespace`` with ``dictionary_encode`` (the vocabulary asked only
for each batch's distinct words) or polars. This measures the three on the batches a
scan makes, with every word known (the steady state of a large corpus; a first sighting
costs the same ``_learn`` in all three), checks that they give the same word ids, and
prints CPU per 10,000 articles. pyarrow and polars are not dependencies of newstrace:
install them beside it to run this (``pip install pyarrow polars``).

Measured 2026-12-07 (generated 10,000, batches of 500, pyarrow 26.0.1, polars 2.2.0,
CPython 3.11): the current look-up 0.71 s, pyarrow 0.55 s (1.3x), polars 1.03 s; the
same ids from all three (pyarrow's trailing empty piece dropped; its whitespace is
``str.split``'s for every code point); the 9,372 web documents (longer, more distinct
words): 1.37 / 0.98 / 1.92 s per 10,000 (0.36 s saved of a 165 s scan). The 0.16 s saved
on generated news is about 0.5% of a scan of those articles (30 s of CPU), so the
look-up stays as it is: no 40 MB dependency for it.

    python bench/probe_tokenise.py bench/out/corpus-10000.jsonl [--batch 500] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from itertools import islice, repeat
from typing import Any

import _setup  # noqa: F401  (one BLAS thread, newstrace importable)
import numpy as np

from newstrace.fingerprint import _SEPARATOR, _vocabulary


def _with_pyarrow(get: Callable[..., Any]) -> Callable[[str], np.ndarray] | None:
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        return None

    def ids(batch: str) -> np.ndarray:
        flat = pc.list_flatten(pc.utf8_split_whitespace(pa.array([batch])))
        flat = flat.filter(pc.not_equal(flat, ""))  # str.split drops what this keeps
        encoded = flat.dictionary_encode()
        words = encoded.dictionary.to_pylist()
        table = np.fromiter(map(get, words, repeat(-1)), dtype=np.int64, count=len(words))
        out: np.ndarray = table[encoded.indices.to_numpy()]
        return out

    return ids


def _with_polars(get: Callable[..., Any]) -> Callable[[str], np.ndarray] | None:
    try:
        import polars as pl
    except ImportError:
        return None

    def ids(batch: str) -> np.ndarray:
        words = pl.Series([batch]).str.extract_all(r"\S+").explode()
        distinct = words.unique().to_list()
        table = list(map(get, distinct, repeat(-1)))
        out: np.ndarray = words.replace_strict(distinct, table, return_dtype=pl.Int64).to_numpy()
        return out

    return ids


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", help="a JSONL corpus (bench/gen_corpus.py)")
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    with open(args.corpus, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in islice(f, args.articles)]
    batches = [_SEPARATOR.join(texts[k : k + args.batch]) for k in range(0, len(texts), args.batch)]
    vocab = _vocabulary()
    for batch in batches:  # every word known: the steady state
        vocab.ids(batch)
    get = vocab._ids.get
    ways = {"str.split + dict.get": vocab.ids, "pyarrow": _with_pyarrow(get)}
    ways["polars"] = _with_polars(get)
    per = 10_000 / len(texts)
    for name, ids in ways.items():
        if ids is None:
            print(f"  {name:22s} not installed")
            continue
        same = all(np.array_equal(ids(b), vocab.ids(b)) for b in batches)
        t = time.process_time()
        for _ in range(args.repeats):
            for batch in batches:
                ids(batch)
        took = (time.process_time() - t) / args.repeats * per
        print(f"  {name:22s} {took:.3f} s CPU per 10,000 articles, same ids: {same}")
    print(
        f"reproduce: python bench/probe_tokenise.py {args.corpus} --articles {args.articles}"
        f" --batch {args.batch} --repeats {args.repeats}"
    )


if __name__ == "__main__":
    main()
