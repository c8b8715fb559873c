"""newstrace: find copied and rewritten news.

The public API: read articles, compare two, and the data model that comes back.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .compare import compare, prepare
from .errors import (
    ArchiveError,
    InputError,
    MissingExtraError,
    NewstraceError,
    OptionsError,
    ScratchError,
)
from .ingest import article_from_html, article_from_text, iter_articles, read_article
from .model import (
    Alignment,
    Article,
    Boilerplate,
    Comparison,
    CopyEdge,
    CopyTree,
    Coverage,
    Credit,
    CreditSummary,
    Drift,
    Family,
    Sentence,
    Span,
)
from .options import Options


def compiled_modules() -> tuple[str, ...]:
    """The modules of this install that run compiled (a wheel install compiles the hot
    stages with mypyc, ``setup.py``; an editable one runs them as Python): what a
    timing was measured with."""
    import importlib.util
    import pkgutil

    found = []
    for info in pkgutil.iter_modules(__path__):
        spec = importlib.util.find_spec(f"{__name__}.{info.name}")
        if spec is not None and spec.origin and not spec.origin.endswith(".py"):
            found.append(info.name)
    return tuple(found)


__all__ = [
    "Alignment",
    "ArchiveError",
    "Article",
    "Boilerplate",
    "Comparison",
    "CopyEdge",
    "CopyTree",
    "Coverage",
    "Credit",
    "CreditSummary",
    "Drift",
    "Family",
    "InputError",
    "MissingExtraError",
    "NewstraceError",
    "Options",
    "OptionsError",
    "ScratchError",
    "Sentence",
    "Span",
    "__version__",
    "article_from_html",
    "article_from_text",
    "compare",
    "compiled_modules",
    "iter_articles",
    "prepare",
    "read_article",
]
