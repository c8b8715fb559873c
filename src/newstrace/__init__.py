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
    "iter_articles",
    "prepare",
    "read_article",
]
