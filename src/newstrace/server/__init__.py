"""Local web UI and JSON API over an archive (``newstrace serve``).

* ``app``: the FastAPI app, its pages, API and error handling (``create_app``, ``serve``);
* ``workers``: the worker processes that run checks and compares under
  a time limit and a memory cap;
* ``limits``: what is let in at all: Host names, cross-site posts, connection count,
  request-read timeout, header size, and the one-line-per-burst refusal log.
"""

from __future__ import annotations

from .app import (
    MAX_CHARS,
    MAX_SENTENCES,
    MAX_TOP,
    TIMEOUT,
    WORKERS,
    create_app,
    serve,
)
from .limits import ConnectionLimits, ServeError

__all__ = [
    "MAX_CHARS",
    "MAX_SENTENCES",
    "MAX_TOP",
    "TIMEOUT",
    "WORKERS",
    "ConnectionLimits",
    "ServeError",
    "create_app",
    "serve",
]
