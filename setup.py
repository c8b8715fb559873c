"""Build step beside ``pyproject.toml``: compile the stages that every article and every
pair passes through with mypyc (the project's own strict type hints make them C
extensions; same code, same results, about 15% less CPU per ``compare``).

* ``pip install .`` (a wheel) compiles them when it can: when mypyc or a C compiler is
  missing, or compiling fails, it says so and installs the pure-Python modules.
* ``pip install -e .`` (editable, for working on the code) does not: a compiled module
  would shadow later edits of its source.
* ``NEWSTRACE_COMPILE=1`` or ``0`` forces either choice.

``tests/test_compiled.py`` compiles the same modules and checks that both give the same
answers.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

COMPILED = (
    "text",
    "sentences",
    "boilerplate",
    "skeleton",
    "side",
    "align",
    "containment",
    "credit",
    "source",
    "verdict",
    "drift",
    "stemma",
    "lineage",
    "arrays",
)
"""The modules compiled: the per-article stages (tokens, sentences, boilerplate, facts)
and the per-pair ones (alignment, containment, source, verdict, drift, copy trees). The
data model, the I/O shells and the engines stay Python: their objects cross process
boundaries (pickled for workers and Spark), where a compiled frozen class cannot be
rebuilt by the default reduction."""


def _wanted() -> bool:
    choice = os.environ.get("NEWSTRACE_COMPILE")
    if choice is not None:
        return choice.strip() not in ("", "0")
    return "editable_wheel" not in sys.argv


def _extensions() -> list[Any]:
    if not _wanted():
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        print("newstrace: mypyc not found; installing the pure-Python modules", file=sys.stderr)
        return []
    paths = [str(Path("src", "newstrace", f"{name}.py")) for name in COMPILED]
    # The build environment has the libraries the compiled modules call (build
    # requirements), not those of the modules they import for types only (trafilatura).
    return list(mypycify([*paths, "--ignore-missing-imports"], opt_level="3"))


class _OptionalBuild(build_ext):
    """Compiling is an optimisation: where it fails (no C compiler, no Python headers),
    nothing compiled is kept and the install goes on with the Python modules."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as failed:  # any build failure: go on without it
            for ext in self.extensions:
                Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
            print(
                f"newstrace: compiling failed ({failed}); installing the pure-Python modules",
                file=sys.stderr,
            )


if __name__ == "__main__":  # as the build runs it; tests read ``COMPILED`` alone
    setup(ext_modules=_extensions(), cmdclass={"build_ext": _OptionalBuild})
