"""Local web UI and JSON API over an archive (``newstrace serve``).

* ``app``: the FastAPI app, its pages, API and error handling (``create_app``, ``serve``);
* ``workers``: the worker processes that run checks and compares under
  a time limit and a memory cap;
* ``limits``: what is let in at all: Host names, cross-site posts, connection count,
  request-read timeout, header size, and the one-line-per-burst refusal log;
* ``defaults``: the default address and limits, which the command line shows.

The app and the limits load on first use, so that ``newstrace.server.defaults`` can be
read without the web stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .defaults import MAX_CHARS, MAX_SENTENCES, TIMEOUT, WORKERS

if TYPE_CHECKING:
    from .app import MAX_TOP, create_app, serve
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

_LAZY = {
    "MAX_TOP": "app",
    "create_app": "app",
    "serve": "app",
    "ConnectionLimits": "limits",
    "ServeError": "limits",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
