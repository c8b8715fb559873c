"""The compare pipeline: two articles in, one ``Comparison`` out.

Runs the stages in order (boilerplate -> sentences -> align -> verdict -> drift). Each
stage is a pure function of the previous stage's output, so the scan and the Spark job
call the same functions on batches.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from .align import TermStats, align, align_relaxed
from .boilerplate import Layout, find_boilerplate
from .drift import find_drifts
from .errors import InputError
from .ingest import article_from_text, looks_like_path, read_article
from .model import REUSE, Alignment, Article, Comparison, Span
from .options import DEFAULT_OPTIONS, Options
from .sentences import split_sentences
from .side import Side, pack_columns
from .skeleton import block_facts
from .verdict import Readings, Verdict, decide, derivable, not_derived


@dataclass(frozen=True, slots=True)
class Prepared:
    """An article after the text stages: layout (title/body/boilerplate) and sentences."""

    article: Article
    layout: Layout
    side: Side


PREPARE_VERSION = "4"
"""The version of what ``prepare`` makes of an article (its layout, sentences and facts):
raise it whenever boilerplate removal, sentence splitting or fact finding changes what
they find, or how it is stored, so that an archive's stored preparations
(``preparation``) of an older version are not read as today's (the archive drops and
remakes them). 3: a layout is pickled as its fields (``Layout.__reduce__``), which a
compiled build can read back. 4: one number key however its scale is written ("5 per
cent" / "5%", "£8m" / "£8 million"), no number in a code ("M25"), one time key with a
colon or a full stop."""


def prepare(
    article: Article,
    options: Options = DEFAULT_OPTIONS,
    known_lines: frozenset[str] = frozenset(),
    *,
    layout: Layout | None = None,
) -> Prepared:
    """Find boilerplate and split the body into sentences. ``layout``: the article's
    boilerplate found already, as ``find_boilerplate`` finds it with these options and
    ``known_lines`` (a scan's fingerprinting found it)."""
    found, spans = _text_stages(article, options, known_lines, layout)
    return Prepared(article, found, Side.build(article.text, spans, found.body))


def _text_stages(
    article: Article,
    options: Options,
    known_lines: frozenset[str] = frozenset(),
    found: Layout | None = None,
) -> tuple[Layout, list[Span]]:
    """The article's layout (``found``, else found here) and its body's sentences (an
    article over ``options.max_chars`` is refused)."""
    text = article.text
    if len(text) > options.max_chars:
        raise InputError(
            article.origin or article.id,
            f"article too large ({len(text)} characters; limit {options.max_chars}, "
            "see Options.max_chars)",
        )
    if options.strip_boilerplate:
        layout = (
            found
            if found is not None
            else find_boilerplate(text, title=article.title, known_lines=known_lines)
        )
    else:
        layout = Layout(title=None, body=(_whole(text),) if text.strip() else (), removed=())
    spans = [s for block in layout.body for s in split_sentences(text, block.start, block.end)]
    return layout, spans


def pack(prepared: Prepared, *, tokens: bool = True) -> bytes:
    """A prepared article's layout and side as compact bytes (``Side.pack``'s columns,
    pickled once with the layout), to be made again with ``unpack`` from the article: a
    scan keeps those of the articles it must let go and will need again, instead of
    preparing them a second time. Without ``tokens``: a fifth of the size, 0.3 ms more
    to unpack."""
    return pickle.dumps((prepared.layout, prepared.side.pack(tokens=tokens)), protocol=5)


def preparation(
    article: Article, options: Options = DEFAULT_OPTIONS, *, layout: Layout | None = None
) -> bytes:
    """``pack(prepare(article, options), tokens=False)`` without tokenising the article:
    what an archive stores of each article it adds (its layout, sentences and facts,
    about 0.65 KB compressed), so that ``check`` unpacks an archived article (about
    1 ms) instead of preparing it (2-2.5 ms). ``layout`` as for ``prepare``."""
    found, spans = _text_stages(article, options, found=layout)
    columns = pack_columns(len(article.text), spans, block_facts(article.text, found.body))
    return pickle.dumps((found, columns), protocol=5)


def unpack(article: Article, packed: bytes) -> Prepared:
    """The prepared article that ``pack`` made ``packed`` of (``article`` is its
    article), equal to ``prepare``'s in every field, in about 0.4 of its time."""
    layout, side = pickle.loads(packed)
    return Prepared(article, layout, Side.unpack(article.text, side))


def _whole(text: str) -> Span:
    stripped = text.strip()
    start = text.index(stripped[0]) if stripped else 0
    return Span(start, start + len(stripped))


def as_article(value: Article | str | os.PathLike[str], name: str) -> Article:
    """Accept an Article, a path (``pathlib.Path``, or a ``str`` naming an existing
    file) or a plain string of article text.

    A ``str`` without whitespace that names an existing file is read as that file. A
    ``str`` that looks like a path (no whitespace, and a file suffix such as ``.txt``,
    ``.html``, ``.json``, ``.gz``, or a path separator) but names no file raises
    ``InputError`` (``compare("a.txt", "typo.txt")``), instead of being compared as a
    one-word article. Any other string is the article's text.
    """
    if isinstance(value, Article):
        return value
    if isinstance(value, os.PathLike):
        return read_article(Path(value))
    if isinstance(value, str):
        name_like = bool(value.strip()) and not any(c.isspace() for c in value.strip())
        if name_like:  # one "word": a file name if a file has it
            path = Path(value.strip())
            try:
                exists = path.is_file()
            except (OSError, ValueError):  # too long or otherwise invalid here
                exists = False
            if exists:
                return read_article(path)
            if looks_like_path(value):
                raise InputError(
                    value.strip(), "no such file (the string looks like a path, not article text)"
                )
        return article_from_text(value, id=name, origin=f"<{name}>")
    raise TypeError(f"{name}: expected Article, str or path, got {type(value).__name__}")


def judge_prepared(
    pa: Prepared, pb: Prepared, options: Options = DEFAULT_OPTIONS, corpus: TermStats | None = None
) -> tuple[Verdict, list[Alignment]]:
    """The verdict on two prepared articles and the passages it rests on (none when it
    is no reuse), without drifts: a scan needs only the verdict of each candidate pair;
    ``corpus`` term statistics, when a collection gives them, sharpen the term weights."""
    alignments = align(pa.side, pb.side, options, corpus)
    return _settled(pa, pb, options, corpus, alignments, _decide(pa, pb, alignments, options))


def _decide(
    pa: Prepared,
    pb: Prepared,
    alignments: list[Alignment],
    options: Options,
    readings: Readings | None = None,
) -> Verdict:
    return decide(
        pa.article,
        pb.article,
        pa.side,
        pb.side,
        alignments,
        pa.layout.removed,
        pb.layout.removed,
        options,
        readings,
    )


def _settled(
    pa: Prepared,
    pb: Prepared,
    options: Options,
    corpus: TermStats | None,
    alignments: list[Alignment],
    verdict: Verdict,
    *,
    explain: bool = True,
) -> tuple[Verdict, list[Alignment]]:
    """``judge_prepared``'s answer from the first verdict on the aligned passages
    (``explain``: see ``verdict.Readings``)."""
    if verdict.relation in REUSE and not alignments:
        # Reuse judged from the wording kept: show where, first in the closest sentence
        # pairs, else in the phrases kept from merged or split sentences.
        alignments = align_relaxed(pa.side, pb.side, options, corpus)
        if alignments:  # coverage and direction are read from the reused passages
            readings = Readings(pa.side, pb.side, alignments, options, explain=explain)
            verdict = _decide(pa, pb, alignments, options, readings)
        else:  # reuse that shows in no passage is no reuse
            verdict = not_derived(
                pa.side,
                pb.side,
                (*verdict.reasons[:1], "no sentence or phrase of one is found in the other"),
            )
    if verdict.relation not in REUSE:
        alignments = []
    return verdict, alignments


def compare_if_reuse(
    pa: Prepared, pb: Prepared, options: Options = DEFAULT_OPTIONS, *, explain: bool = True
) -> Comparison | None:
    """``compare_prepared(pa, pb, options, drifts=False)`` when it calls the pair reuse,
    else None: what a scan asks of each candidate pair. A pair that is not derived
    whichever side is the source (``verdict.derivable``) is answered once aligned,
    without the source stage and the articles' facts. ``explain`` False (a scan, which
    shows no reasons): the source's reasons leave out the text evidence that only
    supports what the metadata decided, the rest of the comparison the same."""
    alignments = align(pa.side, pb.side, options)
    readings = derivable(pa.side, pb.side, alignments, options, explain=explain)
    if readings is None:
        return None
    first = _decide(pa, pb, alignments, options, readings)
    settled = _settled(pa, pb, options, None, alignments, first, explain=explain)
    c = _comparison(pa, pb, *settled, drifts=False)
    return c if c.relation in REUSE else None


def compare_prepared(
    pa: Prepared,
    pb: Prepared,
    options: Options = DEFAULT_OPTIONS,
    corpus: TermStats | None = None,
    *,
    drifts: bool = True,
) -> Comparison:
    """Compare two prepared articles (the scan reuses preparation across many pairs):
    the verdict, its passages, and what the copy changed in them. ``drifts`` False
    leaves the changes out (a copy tree reads them only for pairs with its root, known
    after all pairs are compared: ``with_drifts`` adds them then)."""
    return _comparison(pa, pb, *judge_prepared(pa, pb, options, corpus), drifts=drifts)


def _comparison(
    pa: Prepared, pb: Prepared, verdict: Verdict, alignments: list[Alignment], *, drifts: bool
) -> Comparison:
    """The comparison of a verdict and its passages, with their drifts if ``drifts``."""
    found = (
        find_drifts(pa.side, pb.side, alignments, source=verdict.source)
        if alignments and drifts
        else []
    )
    if verdict.source == "b":
        alignments = [_reverse_kind(al) for al in alignments]
    return Comparison(
        a=pa.article,
        b=pb.article,
        relation=verdict.relation,
        source=verdict.source,
        reasons=verdict.reasons,
        coverage=verdict.coverage,
        score=verdict.score,
        alignments=tuple(alignments),
        drifts=tuple(found),
        boilerplate_a=pa.layout.removed,
        boilerplate_b=pb.layout.removed,
        title_a=pa.layout.title,
        title_b=pb.layout.title,
    )


def compare_pairs(
    pairs: Iterable[tuple[str, str]],
    articles: Mapping[str, Article],
    options: Options = DEFAULT_OPTIONS,
) -> list[Comparison]:
    """``compare`` of each pair of ids (in order) whose two articles are in
    ``articles``, each article prepared once however many pairs it is in (a report
    shows a scan's pairs side by side: a scan keeps verdicts, not passages)."""
    pairs = [(a, b) for a, b in pairs if a in articles and b in articles]
    prepared = {i: prepare(articles[i], options) for i in sorted({i for p in pairs for i in p})}
    return [compare_prepared(prepared[a], prepared[b], options) for a, b in pairs]


def with_drifts(c: Comparison, pa: Prepared, pb: Prepared) -> Comparison:
    """A comparison made with ``drifts=False`` (of ``pa`` and ``pb``, in that order) as
    ``compare_prepared`` makes it: the drifts found in its passages (read before their
    kinds were named from b's side, as ``compare_prepared`` reads them)."""
    if not c.alignments:
        return c
    read = [_reverse_kind(al) for al in c.alignments] if c.source == "b" else list(c.alignments)
    return replace(c, drifts=tuple(find_drifts(pa.side, pb.side, read, source=c.source)))


def _reverse_kind(al: Alignment) -> Alignment:
    """Kinds are named from source to copy: a split seen from b is a merge."""
    swapped = _SWAPPED.get(al.kind)
    return al if swapped is None else replace(al, kind=swapped)


_SWAPPED = {"split": "merged", "merged": "split"}


def compare(
    a: Article | str | os.PathLike[str],
    b: Article | str | os.PathLike[str],
    *,
    options: Options = DEFAULT_OPTIONS,
) -> Comparison:
    """Compare two articles: aligned passages, relation, likely source and drifts.

    >>> from newstrace import compare
    >>> result = compare(text_a, text_b)      # doctest: +SKIP
    >>> result.relation, result.source        # doctest: +SKIP
    ('rewrite', 'a')
    """
    pa = prepare(as_article(a, "a"), options)
    pb = prepare(as_article(b, "b"), options)
    return compare_prepared(pa, pb, options)
