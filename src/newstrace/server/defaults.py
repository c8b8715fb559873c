"""The server's default limits and address, in one place: ``create_app``/``serve`` and
the ``newstrace serve`` options read them from here (this module imports nothing, so the
command line can show them without loading the web stack)."""

from __future__ import annotations

__all__ = ["HOST", "MAX_CHARS", "MAX_SENTENCES", "PORT", "TIMEOUT", "WORKERS"]

HOST = "127.0.0.1"
"""Address to listen on: reachable from this machine only."""
PORT = 8000
MAX_CHARS = 100_000
"""Default for the longest article the server compares, in characters. Long news features
run to 60,000; at 100,000 the worst compare measured (random words) took ~2 s, 400 MB."""
MAX_SENTENCES = 1_000
"""Default for the most sentences per article: compare costs grow with their product."""
TIMEOUT = 20.0
"""Default seconds one check or compare may take before its worker is replaced."""
WORKERS = 2
"""Default number of worker processes (each runs one job at a time)."""
