"""Spools: a scan's articles (and its reuse comparisons) on disk, read back by row.

A local scan streams its inputs once to fingerprint them, then reads articles again by
row: to prepare the candidates' articles for verification and the families' members for
their copy trees. Holding every article for that took most of a scan's memory (generated
news: about 8.7 KB per article in Python strings, 870 MB at 100,000 articles); the spool
keeps a few bytes per article instead and reads one back with a positioned read (a few
microseconds), which forked workers can share: ``os.pread`` and ``os.pwrite`` move no
file offset.
The file is anonymous (``tempfile.TemporaryFile``, in ``$TMPDIR`` when set): the system
deletes it however the scan ends. It takes about the size of the JSONL; a temporary
folder without room (or a ``tmpfs`` in memory) is reported as a ``ScratchError`` that
says where, never as a crash. The comparisons that verification finds reuse are
spooled the same way for the copy trees (``ComparisonSpool``).
"""

from __future__ import annotations

import os
import pickle
import tempfile
from array import array
from collections.abc import Iterator
from types import TracebackType
from typing import Any, Self, cast

from ..boilerplate import pack_removed, pack_span, unpack_removed, unpack_span
from ..errors import ScratchError
from ..model import Alignment, Article, Comparison, Coverage, Span

__all__ = ["ArticleSpool", "ComparisonRecord", "ComparisonSpool", "Spool"]


class _Closing:
    """A ``with`` block closes it (``close``), however the block ends."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class Spool(_Closing):
    """Picklable records appended in order, each read back by its row (``spool[k]``)."""

    def __init__(self) -> None:
        try:
            # Closed by close() / the with block of its owner, like a file it wraps.
            self._file = tempfile.TemporaryFile(prefix="newstrace-spool-")  # noqa: SIM115
        except OSError as exc:
            raise _scratch_error(exc) from exc
        self._starts = array("q", [0])

    def append(self, record: object) -> None:
        self.append_pickled(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))

    def append_pickled(self, data: bytes) -> None:
        """Append a record pickled already (by a forked worker, say)."""
        # Positioned, unbuffered writes: nothing waits in a buffer that a forked worker
        # would inherit, and no shared file offset moves.
        view = memoryview(data)
        end = self._starts[-1]
        while view:
            try:
                written = os.pwrite(self._file.fileno(), view, end)
            except OSError as exc:
                raise _scratch_error(exc) from exc
            view, end = view[written:], end + written
        self._starts.append(end)

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, row: int) -> object:
        return pickle.loads(self.raw(row))

    def raw(self, row: int) -> bytes:
        """The bytes appended as row ``row``, as they were appended."""
        if not 0 <= row < len(self):
            raise IndexError(f"no record at row {row} of {len(self)}")
        start, end = self._starts[row], self._starts[row + 1]
        return os.pread(self._file.fileno(), end - start, start)

    def close(self) -> None:
        self._file.close()


class ArticleSpool(Spool):
    """Articles appended in order, each read back by its row (``spool[k]``), in order
    (``articles``), and, ``indexed``, by its id (``find``): the CLI labels a scan's
    families and writes its deduplicated collection from the articles the scan spooled,
    instead of reading its inputs again."""

    def __init__(self, indexed: bool = False) -> None:
        super().__init__()
        self._rows: dict[str, int] | None = {} if indexed else None

    def append(self, record: object) -> None:
        if not isinstance(record, Article):
            raise TypeError(f"an article spool holds articles, not {type(record).__name__}")
        if self._rows is not None:
            self._rows.setdefault(record.id, len(self))
        super().append(record)

    def __getitem__(self, row: int) -> Article:
        article = super().__getitem__(row)
        if not isinstance(article, Article):
            raise TypeError(f"row {row} of the spool holds no article")
        return article

    def articles(self) -> Iterator[Article]:
        """Every article, in the order appended."""
        return (self[k] for k in range(len(self)))

    def find(self, article_id: str) -> Article | None:
        """The first article appended with this id, or None (an ``indexed`` spool)."""
        if self._rows is None:
            raise ValueError("this article spool keeps no index of ids")
        row = self._rows.get(article_id)
        return None if row is None else self[row]


ComparisonRecord = tuple[tuple[str, str, int, int], bytes]
"""A ``ComparisonSpool`` record: (id a, id b, hash of a's text, hash of b's text) and the
comparison's other fields, pickled."""


class ComparisonSpool(_Closing):
    """Reuse comparisons of a scan's verification (``corpus.judge_pair``: no drifts), by
    pair of ids, for the copy trees, which compare a family's pairs just so: a tree
    reads them back instead of comparing again. Kept on disk without their articles
    (in memory a comparison of two generated 600-word articles takes about 16 KB without
    them: the 56,000 reuse pairs of 100,000 articles would take 0.9 GB), read back with
    the articles the tree holds. It only saves work: when the temporary folder has no
    room for it, it keeps nothing more and the trees compare what it lacks (an ``add``
    needs no temporary space for its articles, and must not fail for want of it)."""

    def __init__(self) -> None:
        try:
            self._spool: Spool | None = Spool()
        except ScratchError:
            self._spool = None
        self._rows: dict[tuple[str, str], tuple[int, int, int]] = {}
        """(id a, id b) -> (row, hash of a's text, hash of b's text)."""

    @staticmethod
    def record(c: Comparison) -> ComparisonRecord:
        """A comparison's record: its articles' ids and texts' hashes (this process's
        and its forks' string hash), and every field but the two articles, pickled;
        passages and boilerplate as plain tuples (pickling them as dataclasses took
        three quarters of a record's 0.18 ms)."""
        fields = (
            c.relation,
            c.source,
            c.reasons,
            (c.coverage.a, c.coverage.b),
            c.score,
            tuple(_pack_alignment(al) for al in c.alignments),
            c.drifts,
            pack_removed(c.boilerplate_a),
            pack_removed(c.boilerplate_b),
            pack_span(c.title_a),
            pack_span(c.title_b),
        )
        key = (c.a.id, c.b.id, hash(c.a.text), hash(c.b.text))
        return key, pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL)

    def add(self, c: Comparison) -> None:
        self.add_record(self.record(c))

    def add_record(self, record: ComparisonRecord) -> None:
        """Keep a record that ``record`` made (in a forked worker, say)."""
        if self._spool is None:
            return
        (a, b, text_a, text_b), data = record
        row = len(self._spool)
        try:
            self._spool.append_pickled(data)
        except ScratchError:  # no room: keep nothing, the trees compare afresh
            self._spool.close()
            self._spool = None
            self._rows.clear()
            return
        self._rows[(a, b)] = (row, text_a, text_b)

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, a: Article, b: Article) -> Comparison | None:
        """The comparison of ``a`` and ``b`` (in that order) kept, or None (also when an
        id was given to other text since: an archive may remove an article and take
        its id again)."""
        held = self._rows.get((a.id, b.id))
        if held is None or self._spool is None or held[1:] != (hash(a.text), hash(b.text)):
            return None
        relation, source, reasons, cov, score, passages, drifts, rem_a, rem_b, title_a, title_b = (
            cast(tuple[Any, ...], self._spool[held[0]])
        )
        return Comparison(
            a=a,
            b=b,
            relation=relation,
            source=source,
            reasons=reasons,
            coverage=Coverage(*cov),
            score=score,
            alignments=tuple(
                Alignment(Span(p[0], p[1]), Span(p[2], p[3]), *p[4:]) for p in passages
            ),
            drifts=drifts,
            boilerplate_a=unpack_removed(rem_a),
            boilerplate_b=unpack_removed(rem_b),
            title_a=unpack_span(title_a),
            title_b=unpack_span(title_b),
        )

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()


def _pack_alignment(al: Alignment) -> tuple[object, ...]:
    a, b = al.a, al.b
    return (
        a.start,
        a.end,
        b.start,
        b.end,
        al.score,
        al.kind,
        al.a_sentences,
        al.b_sentences,
        al.links,
    )


def _scratch_error(exc: OSError) -> ScratchError:
    where = tempfile.gettempdir()
    return ScratchError(
        f"cannot keep the scan's working files in the temporary folder {where}: "
        f"{exc.strerror or exc} (set TMPDIR to a folder with room)"
    )
