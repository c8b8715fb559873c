"""Export an archive's articles as JSONL or Parquet: the columns every engine reads
(``id``, ``title``, ``url``, ``site``, ``published``, ``modified``, ``author``, ``text``),
so an export is a corpus that ``scan`` (also ``--engine spark``) takes back as it is."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .corpus import batches
from .errors import InputError, MissingExtraError
from .model import Article
from .report.output import atomic_open, check_file
from .report.safe import json_text

__all__ = ["FORMATS", "export_articles"]

FORMATS = ("jsonl", "parquet")
COLUMNS = ("id", "title", "url", "site", "published", "modified", "author", "text")
_ROWS_PER_GROUP = 4096
"""Articles per Parquet row group (and per batch held in memory while writing): a few
tens of MB of text, and a reader can skip by group."""


def record(article: Article) -> dict[str, Any]:
    """An article as one export record (the JSONL input format)."""
    return {name: getattr(article, name) for name in COLUMNS}


def export_articles(articles: Iterable[Article], out: str | Path, fmt: str) -> int:
    """Write ``articles`` to ``out`` (replaced only when complete); returns how many."""
    if fmt not in FORMATS:
        raise InputError(fmt, f"unknown export format (use one of {', '.join(FORMATS)})")
    if fmt == "parquet":
        _pyarrow()  # the missing extra is said before anything is read or written
    check_file(out)
    if fmt == "jsonl":
        return _jsonl(articles, out)
    return _parquet(articles, Path(out))


def _jsonl(articles: Iterable[Article], out: str | Path) -> int:
    n = 0
    with atomic_open(out) as fh:
        for art in articles:
            fh.write(json_text(record(art)) + "\n")
            n += 1
    return n


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet
    except ImportError:
        raise MissingExtraError("newstrace export --format parquet", "parquet") from None
    return pa


def _parquet(articles: Iterable[Article], out: Path) -> int:
    pa = _pyarrow()
    schema = pa.schema([(name, pa.string()) for name in COLUMNS])
    temp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    n = 0
    try:
        with pa.parquet.ParquetWriter(temp, schema) as writer:
            for chunk in batches(articles, _ROWS_PER_GROUP):
                rows = [record(a) for a in chunk]
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                n += len(rows)
        os.replace(temp, out)
    except OSError as exc:
        raise InputError(str(out), f"cannot write: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
    return n


def rows_of(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a Parquet export (tests; needs pyarrow)."""
    pa = _pyarrow()
    yield from pa.parquet.read_table(path).to_pylist()
