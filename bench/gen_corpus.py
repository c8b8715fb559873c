"""Generate a scan benchmark corpus with planted reuse and known ground truth.

A thin command-line wrapper: the generator is the ``newstrace_synth.corpus`` module
(``src/newstrace_synth/``, installed with the project). See its docstring for what the
corpus holds and how its truth is defined.

Usage (from the repository root)::

    . .venv/bin/activate
    python bench/gen_corpus.py --n 2000 --seed 1 --out bench/out/corpus-2000.jsonl
"""

from __future__ import annotations

import _setup  # noqa: F401  (one BLAS thread; the working tree's src/ when not installed)

from newstrace_synth.corpus import main

if __name__ == "__main__":
    main()
