"""Run newstrace as ``python -m newstrace``."""

from .cli import main

main()
