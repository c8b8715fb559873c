"""Invented news text for newstrace's tests, benchmarks and evaluations.

Nothing here is taken from real reporting or from the project's shared data: names are
built from syllables, sentences from templates and grammars written for this package.
Every generator draws only from the ``random.Random`` (or seed) it is given, so a seed
reproduces its output exactly.

Modules:

* ``textgen``: one story and its copies (reprint, spin, partial reuse, unrelated).
* ``corpus``: a scan corpus with planted reuse families, same-event decoys and truth
  (``python -m newstrace_synth.corpus`` or ``bench/gen_corpus.py``).
* ``newsroom``: labelled pairs in real newsroom patterns (compressed briefs, independent
  reports of one event, agency copy plus own reporting, long multi-take agency sources,
  reprints in site chrome): ``newsroom_pairs(n_per_pattern, seed)``.

This package is a development aid shipped next to ``newstrace``; ``newstrace`` itself
never imports it.
"""

from __future__ import annotations
