"""Output files: checked before the work starts, written whole or not at all.

A command that writes files (``scan --out``, ``--html``, ``pan --scores``) first checks
that it can write where it was asked to (:func:`check_dir`, :func:`check_file`), so an
unwritable path is a one-line error before a long scan, not after it. Each file is then
written to a temporary name in its own folder and renamed over the target
(:func:`atomic_open`): a reader never sees half a file, and an interrupted run leaves the
previous file as it was. Text is UTF-8; what UTF-8 cannot hold (file names that were not
UTF-8) is written as backslash escapes.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ..errors import InputError
from .safe import ERRORS

__all__ = ["atomic_open", "check_dir", "check_file", "remove_stale", "write_atomic"]


def _cannot(path: Path | str, exc: OSError, what: str = "cannot write") -> InputError:
    return InputError(str(path), f"{what} ({exc.strerror or exc})")


def _temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def _probe(folder: Path, target: Path | str) -> None:
    """Create and remove a file in ``folder``: the one test of writability that holds
    for root, read-only mounts and ACLs alike."""
    probe = _temp_name(folder / "probe")
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise _cannot(target, exc) from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)


def check_dir(path: Path | str) -> Path:
    """An output folder that exists (created when missing) and takes new files."""
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError(str(path), "cannot write: not a folder") from None
    except OSError as exc:
        raise _cannot(path, exc, "cannot create folder") from None
    if not folder.is_dir():
        raise InputError(str(path), "cannot write: not a folder")
    _probe(folder, path)
    return folder


def check_file(path: Path | str) -> Path:
    """An output file whose folder exists and takes new files (the file itself is
    replaced, not opened, so only the folder matters)."""
    target = Path(path)
    if target.is_dir():
        raise InputError(str(path), "cannot write: is a folder")
    folder = target.parent
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder"
        raise InputError(str(path), f"cannot write: folder {what}")
    _probe(folder, path)
    return target


@contextlib.contextmanager
def atomic_open(path: Path | str) -> Iterator[TextIO]:
    """A UTF-8 text file that replaces ``path`` when the block ends without an error;
    on an error the temporary file is removed and ``path`` is left as it was. OS errors
    become an :class:`InputError` naming ``path``."""
    target = Path(path)
    temp = _temp_name(target)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise _cannot(path, exc) from None
    try:
        with open(fd, "w", encoding="utf-8", errors=ERRORS, newline="\n") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise _cannot(path, exc) from None
        raise


def write_atomic(path: Path | str, text: str) -> Path:
    """Write ``text`` to ``path`` through :func:`atomic_open`."""
    with atomic_open(path) as fh:
        fh.write(text)
    return Path(path)


def remove_stale(path: Path | str) -> None:
    """Remove an output file a previous run left (no error when there is none)."""
    try:
        Path(path).unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise _cannot(path, exc, "cannot remove stale file") from None
