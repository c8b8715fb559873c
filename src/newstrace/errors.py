"""The newstrace exception tree.

Every error the library raises on purpose derives from :class:`NewstraceError`, so
callers (and the CLI, which turns them into one-line messages) can catch one class.
"No reuse found" is a value (``relation == "unrelated"``), never an exception.
"""

from __future__ import annotations


class NewstraceError(Exception):
    """Base class of every error newstrace raises on purpose."""

    exit_code: int = 1


class InputError(NewstraceError):
    """An input could not be read or holds no usable article.

    ``source`` names the offending input (a path, ``<stdin>``, or ``file:line``).
    """

    exit_code = 2

    def __init__(self, source: str, message: str) -> None:
        self.source = source
        self.message = message
        super().__init__(f"{source}: {message}")


class SkippedInput(InputError):
    """Something met while expanding a folder that is not read: a file that is not an
    article file (PDF, image), not a regular file (FIFO, socket, device), an unreadable
    folder, a symbolic link loop, or a link out of the folder. Reported through the same
    ``on_error`` as a failed input, so nothing is left out without a word; a caller may
    count these apart from articles that failed."""


class InputWarning(UserWarning):
    """An input was read, but not exactly as written (e.g. a UTF-8 file with stray
    cp1252 bytes, which are read as cp1252). Issued with :func:`warnings.warn`."""

    def __init__(self, source: str, message: str) -> None:
        self.source = source
        self.message = message
        super().__init__(f"{source}: {message}")


class OptionsError(NewstraceError, ValueError):
    """An option has a value that cannot work; the message says how to fix it."""

    exit_code = 2


class ScratchError(NewstraceError):
    """The scratch space a run needs cannot be written: a scan keeps its articles in a
    temporary file (``$TMPDIR``, else the system's temporary folder) while it runs."""

    exit_code = 2


class ArchiveError(NewstraceError):
    """The archive cannot be opened, read or written."""

    exit_code = 3


class MissingExtraError(NewstraceError, ImportError):
    """An optional feature was used without its install extra."""

    exit_code = 2

    def __init__(self, feature: str, extra: str) -> None:
        self.feature = feature
        self.extra = extra
        super().__init__(
            f"{feature} needs an optional dependency: pip install 'newstrace[{extra}]'"
        )


class SparkSetupError(NewstraceError):
    """Spark cannot start here (no Java); the message says what to install."""

    exit_code = 2
