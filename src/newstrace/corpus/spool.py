"""The article spool: a scan's articles on disk, read back by row.

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
says where, never as a crash.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from array import array
from types import TracebackType

from ..errors import ScratchError
from ..model import Article

__all__ = ["ArticleSpool"]


class ArticleSpool:
    """Articles appended in order, each read back by its row (``spool[k]``)."""

    def __init__(self) -> None:
        try:
            # Closed by close() / the with block of its owner, like a file it wraps.
            self._file = tempfile.TemporaryFile(prefix="newstrace-spool-")  # noqa: SIM115
        except OSError as exc:
            raise _scratch_error(exc) from exc
        self._starts = array("q", [0])

    def append(self, article: Article) -> None:
        # Positioned, unbuffered writes: nothing waits in a buffer that a forked worker
        # would inherit, and no shared file offset moves.
        data = memoryview(pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL))
        end = self._starts[-1]
        while data:
            try:
                written = os.pwrite(self._file.fileno(), data, end)
            except OSError as exc:
                raise _scratch_error(exc) from exc
            data, end = data[written:], end + written
        self._starts.append(end)

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, row: int) -> Article:
        if not 0 <= row < len(self):
            raise IndexError(f"no article at row {row} of {len(self)}")
        start, end = self._starts[row], self._starts[row + 1]
        article = pickle.loads(os.pread(self._file.fileno(), end - start, start))
        if not isinstance(article, Article):
            raise TypeError(f"row {row} of the spool holds no article")
        return article

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> ArticleSpool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _scratch_error(exc: OSError) -> ScratchError:
    where = tempfile.gettempdir()
    return ScratchError(
        f"cannot keep the scan's articles in the temporary folder {where}: "
        f"{exc.strerror or exc} (set TMPDIR to a folder with room)"
    )
