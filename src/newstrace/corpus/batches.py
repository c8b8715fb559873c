"""Batching: how every engine cuts a stream of records into the batches its vectorised
stages work on (``Options.batch_size`` articles, or a stage's own size), and the progress
callback the stages report through."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

__all__ = ["Progress", "batches", "no_progress"]

T = TypeVar("T")

Progress = Callable[[str, int, int | None], None]
"""``progress(stage, done, total)``: ``total`` is None while unknown (a stream)."""


def no_progress(stage: str, done: int, total: int | None) -> None:
    """Default progress callback: report nothing."""


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive batches of ``size`` items (the last one shorter), read lazily so a
    stream is never held whole; each batch is a new list the caller may keep."""
    stream = iter(items)
    while batch := list(islice(stream, size)):
        yield batch
