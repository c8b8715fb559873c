"""Drift stage: what a rewrite changed inside the passages it reused.

Compares the skeleton (``skeleton.facts``) of each aligned source passage with its
derived passage: numbers, times and dates altered or dropped; quoted words changed or
lost (the drift's spans cover the words that changed, not the quote's shared words); a
named actor replaced by another; a qualifier changed (a modifier or a preposition of
time or degree whose change alters the claim, "binding" / "urgent", "since 2002" /
"in 2002"); two separate source sentences merged into one.

Direction. When the verdict names a source, drifts are computed from the source to the
copy and notes say so ("dropped", "added", "became"). When it does not (``source`` is
None), ``a`` is only the reference side: kinds keep their documented names, read from a
to b (``…_dropped``: only a has it; ``…_added``: only b has it), and notes claim no
direction: they say what each side has ("number differs: 5 in a, 7 in b", "time 4 p.m.
only in a"). Offsets always say a/b.

Precision rules (what an editor should not have to wade through):
- a name is an actor only if it is a name somewhere in the body (capitalised inside a
  sentence, not only where it opens one or in a title-cased headline line) and is not a
  news agency credited for the story (``AGENCIES``), an owner ("the PGA's"), a street
  address or a lead's capitals ("A WOMAN was jailed");
- a statement credited to someone else needs another speaker, not the same one named
  two ways (parts of one longer name; a description in a copy that names the speaker
  elsewhere), and "X was told" names no speaker;
- a quote whose place in the copy holds other words of the source, or no content word,
  was left out (``quote_dropped``), not changed;
- numbers, dates and times inside a dateline or credit line ("LONDON, March 3
  (Reuters) -", "Islamabad (APP):", "By X, PA News") are not drifts;
- a qualifier change is a one- or two-word substitution between identical words on
  both sides, where both words belong to the optional English qualifier lexicon in
  different classes (prepositions and approximators only before a number or time),
  outside quotes (quote drifts show those), at most two per passage.
"""

from __future__ import annotations

import os
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

import regex
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .model import Alignment, Drift, Span
from .side import Side
from .skeleton import MONTH_OF, Fact, relative_times
from .text import STOPWORDS, Token, term

__all__ = ["AGENCIES", "find_drifts"]


def _words(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


_VALUE_KINDS = ("time", "date", "number")
_RANGE_GAP_RE = regex.compile(r"^\s*(?:-|–|—|to|and|till|until|through)?\s*$")
_MIN_FRAGMENT_TOKENS = 6
_MAX_SWAP_CHUNK = 8
_SWAP_SLACK = 1
"""How far (in words) the two names may sit from the same place in their changed chunks
(an article or a title before one of them): a swap puts one name in the other's place
("Russia objected" / "Putin objected"); a name elsewhere in a reworded chunk ("owed to
Pinochet" / "owed to the former Chilean dictator") is no swap."""
_SWAP_CONTEXT = 2
"""Words of context two names must share, before and after them together, to be told
as one replacing the other (``_anchored``)."""

_PARAPHRASE_SHARE = 0.4  # share of a quote's content terms that a retelling keeps
_QUOTE_TAIL = 3  # words after a quote that a local comparison looks at
_MAX_ANCHOR_GAP = 3  # words between a quote and the word before it that anchors it
_MAX_QUALIFIERS_PER_PASSAGE = 2
# Optional English helper: verbs that report speech, and words that end a speaker phrase.
_REPORTING_VERBS = _words("said says told added stated announced confirmed warned")
_SUBJECT_PRONOUNS = _words("he she they it we i")
_SPEAKER_STOPS = _words("and but that as while when which who") | _SUBJECT_PRONOUNS
_POSSESSIVE = ("'s", "’s")
_ADDRESS_WORDS = _words("road street drive avenue crescent terrace")
"""Optional English helper: the last word of a street name (an address, not an actor);
not "Lane", "Close" or "Grove", which are surnames too (Nathan Lane, Glenn Close)."""
_CAPITALS_LEAD_WORDS = 2
"""Words in capitals that open a sentence for it to be a lead's typography ("A WOMAN
was jailed"): one capitalised word alone may be an acronym."""
_PASSIVE_AUX = _words("was were is are be been being")
"""Before a reporting verb they make it passive ("X was told"): X heard, nobody spoke."""
_SPEAKER_BREAK_RE = regex.compile(r"[,;:.!?()\[\]\"“”«»—–]")
_MAX_SPEAKER_TOKENS = 5
_CLAUSE_END_RE = regex.compile(r"[.!?;:]")

# News agencies and wire services (casefolded): credited for a story, never an actor of
# it. "Reuters" in one copy and "AFP" in another is a byline, not a changed actor.
AGENCIES: frozenset[str] = _words("""
reuters ap afp pa upi dpa ansa efe kyodo yonhap xinhua tass itar-tass interfax anadolu
app pti ani ians bernama antara apa ctk pap mti bta hina tanjug wam irna isna tasnim kuna
qna bna jiji aap bloomberg prnewswire globenewswire
""") | frozenset(
    {
        "associated press",
        "agence france-presse",
        "agence france presse",
        "press association",
        "pa media",
        "pa news",
        "press trust of india",
        "asian news international",
        "united press international",
        "deutsche presse-agentur",
        "kyodo news",
        "xinhua news agency",
        "associated press of pakistan",
        "ria novosti",
        "pr newswire",
        "business wire",
    }
)

# A dateline or credit line opening a sentence: "LONDON, March 3 (Reuters) -",
# "Islamabad (APP):", "BEIJING –", "NEW YORK, Jan. 5, 2024 /PRNewswire/ --",
# "By Jane Doe, PA News". Its date is the wire's, not the story's.
_DATELINE_RE = regex.compile(
    r"[\s\"“'‘(]*(?:"
    r"[Bb]y\s+[^\n.!?]{1,60}?,\s*[^\n.!?]{1,40}?(?=\n|$)"
    r"|\p{Lu}[\p{L}.'’-]*(?:[ -]\p{Lu}[\p{L}.'’-]*){0,3}(?:\s*,\s*[\p{L}\p{N} .,]{1,30}?)?"
    r"\s*(?:\(\s*[\p{L}&. -]{2,40}\)|/[^/\n]{2,30}/)\s*(?:--|[-–—:])"
    r"|\p{Lu}{2}[\p{Lu}.'’-]*(?:[ -]\p{Lu}{2}[\p{Lu}.'’-]*){0,3}"
    r"(?:\s*,\s*[\p{L}\p{N} .,]{1,30}?)?\s*(?:--|[-–—])"
    r")\s"
)
_INSIDE_CAPITAL_RE = regex.compile(r"(?<=[\p{L}\p{N},;:][^\S\n]+)\p{Lu}[\p{L}\p{M}'’.-]*")
_OPENS_SENTENCE_RE = regex.compile(r"(?:^|[.!?…]\s+|[\n\"“”«»(\[–—-]\s*)$")
_HEADLINE_CAPS_SHARE = 0.6
_MAX_DATELINE_CHARS = 120

# Optional English helper: qualifiers whose change alters a claim, by class. Two words
# of one class are a rewording ("compulsory" / "mandatory"); of two classes, a change
# ("binding" / "urgent", "allies" / "partners"). Classes marked "@" are prepositions and
# approximators of time or degree: they count only before a number or a time word.
_QUALIFIER_LEXICON = """
@since: since
@point: in on at during
@until: until till through
@before: before prior
@after: after following
@by: by
@from: from
@within: within
@approx: about around roughly approximately some circa estimated
@below: nearly almost under below less fewer|less than|fewer than|up to|just under
@above: over above exceeding|more than|at least|upwards of|just over|in excess of
@exact: exactly precisely only just
required: binding mandatory compulsory obligatory required enforceable
optional: voluntary optional non-binding nonbinding advisory
urgent: urgent immediate pressing emergency
confirmed: confirmed proven verified official
alleged: alleged suspected purported accused apparent presumed unconfirmed
possible: possible potential likely probable
certain: certain definite sure
provisional: preliminary initial provisional tentative interim draft
final: final conclusive definitive
temporary: temporary
permanent: permanent lasting indefinite
partial: partial partly partially
full: full fully complete completely total totally entire entirely wholly
ally: ally allies allied alliance
partner: partner partners partnership
friend: friend friends friendly
rival: rival rivals competitor competitors adversary adversaries opponent opponents
enemy: enemy enemies foe foes hostile
low: slight slightly minor small modest marginal limited
high: significant significantly major serious seriously severe severely substantial massive huge
record: unprecedented record historic
all: all every each
most: most majority
many: many numerous
some: some several
few: few
none: no none
always: always
often: often frequently regularly usually
sometimes: sometimes occasionally
rarely: rarely seldom
never: never
legal: legal lawful legitimate
illegal: illegal unlawful illegitimate
peaceful: peaceful nonviolent
violent: violent
up: increased higher rising rose grew
down: decreased lower falling fell shrank
may: may might could
will: will would shall
can: can could
must: must
should: should
"""


def _lexicon(spec: str) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for line in spec.strip().splitlines():
        cls, words = line.split(":", 1)
        head, *phrases = words.split("|")
        for w in (*head.split(), *(p.strip() for p in phrases)):
            out.setdefault(w, set()).add(cls)
    return {w: frozenset(c) for w, c in out.items()}


_QUALIFIERS = _lexicon(_QUALIFIER_LEXICON)
_TIME_LEADS = _words("a an the last next this")
_TIME_WORDS = frozenset(MONTH_OF) | _words("""
monday tuesday wednesday thursday friday saturday sunday year years month months week
weeks day days hour hours minute minutes decade decades century today yesterday tomorrow
midnight noon dawn
""")


@dataclass(slots=True)
class _Passage:
    """One side of an aligned passage: its facts, where its tokens start in
    ``side.tokens`` (``first``) and their forms (each stage reads them: taken once), and
    its tokens, made on first need: a passage copied word for word with no value, quote
    or reporting verb in it (most of a near-copy's) never reads them."""

    side: Side
    span: Span
    sentences: tuple[int, ...]
    facts: list[Fact]
    first: int
    forms: Sequence[str]
    _tokens: list[Token] | None = None

    @classmethod
    def of(cls, side: Side, span: Span, sentences: tuple[int, ...]) -> _Passage:
        """The passage of ``side`` at ``span``: its tokens are one slice of the side's."""
        first, end = side.token_range(span.start, span.end)
        return cls(
            side, span, sentences, side.facts_in(span.start, span.end), first, side.forms[first:end]
        )

    @property
    def tokens(self) -> list[Token]:
        """``side.tokens_in(span)``, made once."""
        if self._tokens is None:
            self._tokens = self.side.tokens_between(self.first, self.first + len(self.forms))
        return self._tokens

    @property
    def text(self) -> str:
        return self.side.text[self.span.start : self.span.end]


@dataclass(slots=True)
class _Ctx:
    """What one call knows: the sides from source to copy, whether that direction was
    decided (it words the notes), and what is computed at most once per call."""

    src: Side
    dst: Side
    directed: bool
    _names: frozenset[str] | None = field(default=None)
    _same: dict[tuple[str, str], bool] = field(default_factory=dict)

    def name_words(self) -> frozenset[str]:
        """Capitalised words standing inside a body sentence (not opening it, not in a
        title-cased line) of either side: the words that are names in these articles."""
        if self._names is None:
            self._names = _inside_capitals(self.src) | _inside_capitals(self.dst)
        return self._names

    def same_name(self, x: str, y: str) -> bool:
        """``_same_name``, asked for the same two names again and again (each changed
        run, each passage): answered once per call."""
        known = self._same.get((x, y))
        if known is None:
            known = self._same[(x, y)] = _same_name(x, y)
        return known


_Raw = tuple[str, Span | None, Span | None, str, str, str]


def find_drifts(
    a: Side, b: Side, alignments: Sequence[Alignment], *, source: str | None = None
) -> list[Drift]:
    """Drifts of every aligned passage, from the source; with ``source`` None, ``a`` is
    the reference and notes say "differs" / "only in a" (see the module docstring)."""
    flip = source == "b"
    src_side, dst_side = (b, a) if flip else (a, b)
    ctx = _Ctx(src_side, dst_side, directed=source in ("a", "b"))
    src_body = _body_keys(src_side)
    dst_body = _body_keys(dst_side)
    raw: list[_Raw] = []
    for al in alignments:
        at_src, at_dst = (al.b, al.a) if flip else (al.a, al.b)
        if _read_alike(src_side, at_src, dst_side, at_dst):
            continue  # nothing changed in it (most passages of a reprint)
        src = _Passage.of(src_side, at_src, al.b_sentences if flip else al.a_sentences)
        dst = _Passage.of(dst_side, at_dst, al.a_sentences if flip else al.b_sentences)
        blocks = changed_runs(src.forms, dst.forms)
        raw += _value_drifts(ctx, src, dst, blocks, src_body, dst_body)
        links = tuple([(j, i) for i, j in al.links]) if flip else al.links
        raw += _quote_drifts(ctx, src, dst, links)
        raw += _actor_drifts(ctx, src, dst, blocks)
        raw += _speaker_drifts(ctx, src, dst)
        raw += _qualifier_drifts(ctx, src, dst, blocks)
    raw += _merge_drifts(ctx, alignments, flip)
    out: list[Drift] = []
    seen: set[tuple[str, Span | None, Span | None, str, str]] = set()
    for kind, s_span, d_span, s_text, d_text, note in raw:
        # One drift per change of the copy: the same words changed at the same place of
        # the copy are one change, however many passages of the source it was read
        # against (an agency story's later takes repeat its earlier ones).
        key = (kind, d_span, s_span if d_span is None else None, s_text, d_text)
        if key in seen:
            continue
        seen.add(key)
        a_span, b_span, a_text, b_text = (
            (d_span, s_span, d_text, s_text) if flip else (s_span, d_span, s_text, d_text)
        )
        out.append(Drift(kind, a_span, b_span, a_text, b_text, note))
    out.sort(key=lambda d: ((d.b or d.a or Span(0, 0)).start, d.kind))
    return out


def _read_alike(src: Side, s_span: Span, dst: Side, d_span: Span) -> bool:
    """Whether two passages are the same characters: then the copy changed nothing in
    it, and the detectors, which read what differs between the two, are not run (a
    reprint's passages cost a fifth of a millisecond each otherwise)."""
    return (
        s_span.end - s_span.start == d_span.end - d_span.start
        and src.text[s_span.start : s_span.end] == dst.text[d_span.start : d_span.end]
    )


_Keys = tuple[frozenset[str], tuple[str, ...]]
"""The keys of one kind of fact in an article, and each key padded with a space either
side (``_present`` compares whole words)."""


def _body_keys(side: Side) -> dict[str, _Keys]:
    """Per value kind, the keys of the article's facts (kept with the article: a scan
    reads one article's drifts against several others)."""

    def make() -> dict[str, _Keys]:
        keys: dict[str, set[str]] = {k: set() for k in _VALUE_KINDS}
        for f in side.facts:
            if f.kind in keys:
                keys[f.kind].add(f.key)
        return {k: (frozenset(v), tuple(f" {x} " for x in v)) for k, v in keys.items()}

    return side.cached("drift-body-keys", make)


def _present(key: str, keys: _Keys) -> bool:
    """Equal, or one contains the other as whole words ("june 4" in "june 4 2021")."""
    if key in keys[0]:
        return True
    padded = f" {key} "
    return any(padded in k or k in padded for k in keys[1])


# --- datelines, names ----------------------------------------------------------------


def _in_dateline(side: Side, span: Span) -> bool:
    """Whether a span lies in a dateline or credit line opening its sentence (checked
    only for the few facts that would otherwise be drifts)."""
    sentence = _sentence_of(side, span.start)
    if sentence is None or span.start - sentence.start > _MAX_DATELINE_CHARS:
        return False
    m = _DATELINE_RE.match(side.text, sentence.start, sentence.end)
    return m is not None and span.end <= m.end()


def _capitals_lead(text: str, sentence: Span, name: Span) -> bool:
    """The name lies in a run of words in capitals that opens its sentence, as a
    newspaper's lead opens ("AN OFFICIAL at the ..."): typography, not a name."""
    words = text[sentence.start : name.end].split()
    return len(words) >= _CAPITALS_LEAD_WORDS and all(w.isupper() for w in words)


def _headline_like(text: str, span: Span) -> bool:
    """A title-cased line (most words capitalised): its capitals do not mark names."""
    words = [w for w in text[span.start : span.end].split() if w[:1].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= _HEADLINE_CAPS_SHARE * len(
        words
    )


def _inside_capitals(side: Side) -> frozenset[str]:
    """Kept with the article: a scan reads one article's drifts against several."""

    def make() -> frozenset[str]:
        out: set[str] = set()
        for s in side.spans:
            if _headline_like(side.text, s):
                continue
            for m in _INSIDE_CAPITAL_RE.finditer(side.text, s.start, s.end):
                if m.start() > s.start:  # the look-behind may see the sentence before
                    out.add(m.group().rstrip(".’'-"))
        return frozenset(out)

    return side.cached("drift-inside-capitals", make)


def _is_agency(key: str) -> bool:
    return key in AGENCIES or key.removeprefix("the ") in AGENCIES


def _actor(ctx: _Ctx, side: Side, name: Fact) -> bool:
    """Whether a name fact can be an actor of the story: not a news agency, not in a
    dateline or a title-cased line, not an owner ("the PGA's chief executive": the
    actor is the executive), not an address ("Kestrel Drive"), not a lead's capitals
    ("A WOMAN was jailed"), and a name in these articles (not a word that is
    capitalised only because it opens a sentence: "Roughly", "Overall")."""
    if _is_agency(name.key) or _in_dateline(side, name.span):
        return False
    if name.key.endswith(_POSSESSIVE) or name.key.split()[-1] in _ADDRESS_WORDS:
        return False
    sentence = _sentence_of(side, name.span.start)
    if sentence is not None and (
        _headline_like(side.text, sentence) or _capitals_lead(side.text, sentence, name.span)
    ):
        return False
    if " " in name.text.strip():
        return True
    opens = _OPENS_SENTENCE_RE.search(side.text, max(0, name.span.start - 3), name.span.start)
    return opens is None or name.text.rstrip(".’'-") in ctx.name_words()


def _sentence_index(side: Side, pos: int) -> int:
    return bisect_right(side.spans, pos, key=lambda s: s.start) - 1


def _sentence_of(side: Side, pos: int) -> Span | None:
    k = _sentence_index(side, pos)
    return side.spans[k] if k >= 0 and pos < side.spans[k].end else None


# --- notes ---------------------------------------------------------------------------


def _q(s: str) -> str:
    return f"“{_clip(s.strip(), 80)}”"


def _changed_note(ctx: _Ctx, what: str, old: str, new: str) -> str:
    if ctx.directed:
        return f"{what} {old} became {new}"
    return f"{what} differs: {old} in a, {new} in b"


def _one_side_note(ctx: _Ctx, what: str, value: str, gone: bool) -> str:
    if ctx.directed:
        return f"{what} {value} {'dropped' if gone else 'added'}"
    return f"{what} {value} only in {'a' if gone else 'b'}"


# --- values --------------------------------------------------------------------------


def _value_drifts(
    ctx: _Ctx,
    src: _Passage,
    dst: _Passage,
    token_blocks: list[tuple[int, int, int, int]],
    src_body: dict[str, _Keys],
    dst_body: dict[str, _Keys],
) -> list[_Raw]:
    """Numbers, dates and times of the source passage missing from the whole derived
    article, paired with new values that stand at the same place (the same changed
    run of words), else reported as dropped or added. Datelines do not count."""
    out: list[_Raw] = []
    src_values = [f for f in src.facts if f.kind in _VALUE_KINDS]
    dst_values = [f for f in dst.facts if f.kind in _VALUE_KINDS]
    if not src_values and not dst_values:
        return out  # most passages: nothing to pair, drop or add
    blocks: list[tuple[int, int, int, int]] | None = None  # made when a pair is sought
    for kind in _VALUE_KINDS:
        missing = [f for f in src_values if f.kind == kind and not _present(f.key, dst_body[kind])]
        new = [f for f in dst_values if f.kind == kind and not _present(f.key, src_body[kind])]
        missing = [f for f in missing if not _in_dateline(src.side, f.span)]
        new = [f for f in new if not _in_dateline(dst.side, f.span)]
        missing = _merge_ranges(src.side.text, missing)
        new = _merge_ranges(dst.side.text, new)
        paired: set[int] = set()
        if missing and new and blocks is None:
            blocks = _char_blocks(src, dst, token_blocks)
        for old in missing:
            fresh = next(
                (
                    f
                    for k, f in enumerate(new)
                    if k not in paired and _same_block(blocks or [], old.span, f.span)
                ),
                None,
            )
            if fresh is None:
                out.append(
                    (
                        f"{kind}_dropped",
                        old.span,
                        dst.span,
                        old.text,
                        "",
                        _one_side_note(ctx, kind, old.text, gone=True),
                    )
                )
                continue
            paired.add(new.index(fresh))
            out.append(
                (
                    f"{kind}_changed",
                    old.span,
                    fresh.span,
                    old.text,
                    fresh.text,
                    _changed_note(ctx, kind, old.text, fresh.text),
                )
            )
        for k, fresh in enumerate(new):
            if k not in paired:
                out.append(
                    (
                        f"{kind}_added",
                        src.span,
                        fresh.span,
                        "",
                        fresh.text,
                        _one_side_note(ctx, kind, fresh.text, gone=False),
                    )
                )
    return out


def _char_blocks(
    src: _Passage, dst: _Passage, token_blocks: list[tuple[int, int, int, int]]
) -> list[tuple[int, int, int, int]]:
    """The changed runs of words between two passages, as character ranges."""
    if not token_blocks:
        return []
    st, dt = src.tokens, dst.tokens
    out = []
    for s0, s1, d0, d1 in token_blocks:
        # An empty side of a block (pure insertion) still has a place: between tokens.
        lo_s = st[s0].start if s0 < len(st) else src.span.end
        hi_s = st[s1 - 1].end if s1 > s0 else lo_s
        lo_d = dt[d0].start if d0 < len(dt) else dst.span.end
        hi_d = dt[d1 - 1].end if d1 > d0 else lo_d
        out.append((lo_s, hi_s, lo_d, hi_d))
    return out


def _same_block(blocks: list[tuple[int, int, int, int]], old: Span, fresh: Span) -> bool:
    """Whether both facts overlap one changed run ("June 12" / "June 21": the day)."""
    return any(
        old.start < max(hi_s, lo_s + 1)
        and lo_s < old.end
        and fresh.start < max(hi_d, lo_d + 1)
        and lo_d < fresh.end
        for lo_s, hi_s, lo_d, hi_d in blocks
    )


def _merge_ranges(text: str, found: list[Fact]) -> list[Fact]:
    """Join neighbours such as "4:07 p.m. to 5:21 p.m." into one fact (one drift)."""
    out: list[Fact] = []
    for f in found:
        if out and _RANGE_GAP_RE.match(text[out[-1].span.end : f.span.start]):
            prev = out[-1]
            span = Span(prev.span.start, f.span.end)
            out[-1] = Fact(f.kind, span, f"{prev.key}-{f.key}", text[span.start : span.end])
        else:
            out.append(f)
    return out


# --- quotes --------------------------------------------------------------------------


def _quote_drifts(
    ctx: _Ctx, src: _Passage, dst: _Passage, links: tuple[tuple[int, int], ...]
) -> list[_Raw]:
    out: list[_Raw] = []
    quotes = [f for f in src.facts if f.kind == "quote"]
    if not quotes:
        return out
    dst_norm = f" {' '.join(dst.forms)} "
    for q in quotes:
        q_toks = src.side.tokens_in(q.span.start, q.span.end)
        if not q_toks or f" {' '.join(t.form for t in q_toks)} " in dst_norm:
            continue  # kept word for word (quotation marks may go)
        allowed = _linked_tokens(src, q, dst, links)
        change = _local_change(src, q, q_toks, dst, allowed) or _paraphrase_change(
            q_toks, dst, allowed
        )
        if change is not None and _left_out(src, q, q_toks, dst.side, change):
            change = None
        if change is None:
            out.append(
                (
                    "quote_dropped",
                    q.span,
                    dst.span,
                    q.text,
                    "",
                    _one_side_note(ctx, "quoted", q.text, gone=True),
                )
            )
            continue
        s_span, d_span = change
        old = src.side.text[s_span.start : s_span.end]
        new = dst.side.text[d_span.start : d_span.end]
        whole = s_span.start <= q_toks[0].start and q_toks[-1].end <= s_span.end
        if ctx.directed:
            note = (
                f"quoted {_clip(q.text, 80)} became {_q(new)}"
                if whole
                else f"quoted {_clip(q.text, 80)}: {_q(old)} became {_q(new)}"
            )
        else:
            note = f"quote {_clip(q.text, 80)} differs: {_q(old)} in a, {_q(new)} in b"
        out.append(("quote_changed", s_span, d_span, old, new, note))
    return out


def _left_out(
    src: _Passage, q: Fact, q_toks: list[Token], dst: Side, change: tuple[Span, Span]
) -> bool:
    """Whether the copy left the quote out rather than changed it: what stands in its
    place are words the source passage has outside the quote ("Ms Price was
    “devastated”" / "Ms Price knew that the guests", the guests being the source's
    too), or the whole quote gave way to no content word at all ("accepted “large”
    damages, he said" / "accepted damages, he said")."""
    old, new = change
    said = {term(t.form) for t in dst.tokens_in(new.start, new.end)} - {None}
    if not said:
        return old.start <= q_toks[0].start and q_toks[-1].end <= old.end
    outside = {term(t.form) for t in src.tokens if not q.span.start <= t.start < q.span.end}
    return said <= outside


def _linked_tokens(
    src: _Passage, q: Fact, dst: _Passage, links: tuple[tuple[int, int], ...]
) -> list[bool]:
    """Which derived tokens lie in sentences the alignment links to the quote's
    sentence (all of them when it links none)."""
    q_sentences = {
        _sentence_index(src.side, q.span.start),
        _sentence_index(src.side, q.span.end - 1),
    }
    linked = [dst.side.spans[d] for s, d in links if s in q_sentences]
    return [
        any(sp.start <= t.start < sp.end for sp in linked) if linked else True for t in dst.tokens
    ]


def _local_change(
    src: _Passage, q: Fact, q_toks: list[Token], dst: _Passage, allowed: list[bool]
) -> tuple[Span, Span] | None:
    """The changed words of a quote and what the derived passage says in their place.

    An anchor (one of the three content words before the quote, else the quote's first
    content word) is found in the derived passage; the words from the anchor to just
    past the quote are compared with the words from the anchor's match to the end of
    its clause. The changed runs that touch the quote give the spans: the source side
    clipped to the quote, the derived side trimmed by as many words as were clipped,
    and, where a changed run reaches the end of the compared words, as many content
    words as the quote's changed part has (a retelling can run on). Where the alignment
    links the quote's sentence to derived sentences, the anchor is looked for there
    only; an anchor inside the quote must match word for word."""
    side, text = src.side, src.side.text
    sentence = _sentence_of(side, q.span.start) or src.span
    before = [t for t in side.tokens_in(sentence.start, q.span.start) if term(t.form) is not None][
        -3:
    ]
    first_content = next((t for t in q_toks if term(t.form) is not None), None)
    anchors = [*reversed(before), *([first_content] if first_content is not None else [])]
    tail = _clause(side.tokens_in(q.span.end, sentence.end), text, _QUOTE_TAIL, start=q.span.end)
    dst_terms = [term(t.form) for t in dst.tokens]
    for anchor in anchors:
        inside = anchor.start >= q.span.start
        hits = [
            k
            for k, t in enumerate(dst_terms)
            if allowed[k]
            and t == term(anchor.form)
            and (not inside or dst.tokens[k].form == anchor.form)
        ]
        if not hits:
            continue
        s_win = side.tokens_in(anchor.start, q_toks[-1].end) + tail
        s_forms = [t.form for t in s_win]
        wanted_forms = set(s_forms)
        best = max(
            hits,
            key=lambda k: (
                sum(t.form in wanted_forms for t in dst.tokens[k : k + len(s_win) + 2]),
                -k,
            ),
        )
        d_win = _clause(dst.tokens[best:], dst.side.text, len(s_win) + 4)
        rq0 = next(k for k, t in enumerate(s_win) if t.start >= q_toks[0].start)
        rq1 = len(s_win) - len(tail)
        if rq0 > _MAX_ANCHOR_GAP + 1:
            continue  # too far from the quote to say what stands in its place
        blocks = changed_runs(s_forms, [t.form for t in d_win])
        kept = [
            b for b in blocks if (b[0] < rq1 and rq0 < b[1]) or (b[0] == b[1] and rq0 < b[0] < rq1)
        ]
        if kept and _same_place(
            side.tokens_in(sentence.start, anchor.start), dst.tokens[:best], len(s_win), blocks
        ):
            return _clip_change(s_win, d_win, kept, rq0, rq1)
    return None


def _same_place(
    s_before: list[Token], d_before: list[Token], n: int, blocks: list[tuple[int, int, int, int]]
) -> bool:
    """Whether an anchor's match stands where the quote stood: a word shared just before
    the anchor ("the two countries"), or one shared after it inside the compared words.
    A common word matched in an unrelated sentence has neither."""
    changed = sum(b[1] - b[0] for b in blocks)
    if n - changed > 1:
        return True
    near = {t.form for t in s_before[-_MAX_ANCHOR_GAP:]}
    return any(t.form in near for t in d_before[-_MAX_ANCHOR_GAP:])


def _clause(toks: list[Token], text: str, limit: int, start: int | None = None) -> list[Token]:
    """The leading tokens up to the end of their clause, at most ``limit``."""
    out: list[Token] = []
    prev_end = start if start is not None else (toks[0].start if toks else 0)
    for t in toks[:limit]:
        if (out or start is not None) and _CLAUSE_END_RE.search(text, prev_end, t.start):
            break
        out.append(t)
        prev_end = t.end
    return out


def _clip_change(
    s_win: list[Token],
    d_win: list[Token],
    kept: list[tuple[int, int, int, int]],
    rq0: int,
    rq1: int,
) -> tuple[Span, Span]:
    first, last = kept[0], kept[-1]
    lo, hi = max(first[0], rq0), min(last[1], rq1)
    d_lo = first[2] + min(lo - first[0], max(0, first[3] - first[2] - 1))
    if last[1] < len(s_win) and last[3] < len(d_win):  # an unchanged word follows
        d_hi = max(min(d_lo + 1, last[3]), last[3] - (last[1] - hi))
    else:
        wanted = max(1, min(4, sum(term(t.form) is not None for t in s_win[lo:hi])))
        if lo < hi and term(s_win[lo].form) is not None:
            while d_lo < last[3] - 1 and term(d_win[d_lo].form) is None:
                d_lo += 1  # "allies" / "as partners": the content word, not its "as"
        d_hi, n = d_lo, 0
        while d_hi < last[3] and n < wanted:
            n += term(d_win[d_hi].form) is not None
            d_hi += 1
    if hi <= lo or d_hi <= d_lo:
        # Words only added or only left out: show them with their unchanged neighbour.
        if hi < rq1 and hi < len(s_win) and d_hi < len(d_win):
            hi, d_hi = hi + 1, d_hi + 1
        elif lo > rq0 and d_lo > 0:
            lo, d_lo = lo - 1, d_lo - 1
    return _tok_span(s_win, lo, hi), _tok_span(d_win, d_lo, d_hi)


def _tok_span(toks: list[Token], lo: int, hi: int) -> Span:
    if hi > lo:
        return Span(toks[lo].start, toks[hi - 1].end)
    at = toks[lo].start if lo < len(toks) else toks[-1].end
    return Span(at, at)


def _paraphrase_change(
    q_toks: list[Token], dst: _Passage, allowed: list[bool]
) -> tuple[Span, Span] | None:
    """Where the derived passage retells a quote in its own words: the stretch of derived
    tokens holding most of the quote's content terms (a quote turned reported speech),
    less the words both keep at its ends."""
    wanted = {term(t.form) for t in q_toks} - {None}
    if len(wanted) < 3:
        return None
    hits = [k for k, t in enumerate(dst.tokens) if allowed[k] and term(t.form) in wanted]
    if len({term(dst.tokens[k].form) for k in hits}) < _PARAPHRASE_SHARE * len(wanted):
        return None
    first, last = _retold_ends(q_toks, dst, allowed, hits[0], hits[-1])
    region = dst.tokens[first : last + 1]
    blocks = changed_runs([t.form for t in q_toks], [t.form for t in region])
    if not blocks:
        return None
    lo, hi, d_lo, d_hi = blocks[0][0], blocks[-1][1], blocks[0][2], blocks[-1][3]
    if hi <= lo or d_hi <= d_lo:
        # Words only left out or only added: shown with their unchanged neighbour.
        if hi < len(q_toks) and d_hi < len(region):
            hi, d_hi = hi + 1, d_hi + 1
        elif lo > 0 and d_lo > 0:
            lo, d_lo = lo - 1, d_lo - 1
        else:
            lo, hi, d_lo, d_hi = 0, len(q_toks), 0, len(region)
    return _tok_span(q_toks, lo, hi), _tok_span(region, d_lo, d_hi)


def _retold_ends(
    q_toks: list[Token], dst: _Passage, allowed: list[bool], first: int, last: int
) -> tuple[int, int]:
    """The derived stretch from its first to its last content term of the quote, widened
    over up to ``_MAX_ANCHOR_GAP`` neighbouring words of its clause that are function
    words or words of the quote ("But I accept" for "I repeat however that I accept"):
    the words the copy put in place of the quote's first or last words."""
    q_forms = {t.form for t in q_toks}
    text, toks = dst.side.text, dst.tokens
    lo = first
    while (
        lo > 0
        and first - lo < _MAX_ANCHOR_GAP
        and _fits_quote(toks[lo - 1], allowed[lo - 1], q_forms)
        and _one_clause(text, toks[lo - 1], toks[lo])
    ):
        lo -= 1
    hi = last
    while (
        hi + 1 < len(toks)
        and hi - last < _MAX_ANCHOR_GAP
        and _fits_quote(toks[hi + 1], allowed[hi + 1], q_forms)
        and _one_clause(text, toks[hi], toks[hi + 1])
    ):
        hi += 1
    return lo, hi


def _fits_quote(t: Token, allowed: bool, q_forms: set[str]) -> bool:
    """A derived word that may stand in a retold quote's place: a function word or a
    word of the quote (in a sentence linked to the quote's)."""
    return allowed and (term(t.form) is None or t.form in q_forms)


def _one_clause(text: str, t: Token, u: Token) -> bool:
    """No clause ends between the two tokens."""
    return _CLAUSE_END_RE.search(text, t.end, u.start) is None


# --- actors --------------------------------------------------------------------------


def _names(fs: list[Fact]) -> list[Fact]:
    return [f for f in fs if f.kind == "name"]


def _same_name(x: str, y: str) -> bool:
    """Spelling variants, inflections, demonyms and acronyms of one name are one actor
    (Zelensky/Zelenskiy, China/Chinese, U.S./United States)."""
    if x == y or x.startswith(y) or y.startswith(x):
        return True
    tx, ty = term(x.split()[-1]) or x, term(y.split()[-1]) or y
    if tx == ty or fuzz.ratio(x, y) >= 80 or fuzz.ratio(x.split()[-1], y.split()[-1]) >= 85:
        return True  # also "Khattab" / "Mr Kattab"
    shorter = min(len(x), len(y))
    prefix = len(os.path.commonprefix([x, y]))  # noqa: RUF071 - strings, not paths
    if prefix >= 4 and prefix >= 0.6 * shorter:
        return True
    return _acronym_of(x, y) or _acronym_of(y, x)


def _acronym_of(short: str, long: str) -> bool:
    """'u.s' / 'us' for 'united states': the letters are the initials of the words."""
    words = [w for w in long.split() if w not in STOPWORDS or w == "us"]
    if len(words) < 2:
        return False  # one word: no initials to spell
    letters = "".join(c for c in short if c.isalpha())
    return 2 <= len(letters) == len(words) and all(
        w.startswith(c) for c, w in zip(letters, words, strict=True)
    )


def _actor_drifts(
    ctx: _Ctx, src: _Passage, dst: _Passage, token_blocks: list[tuple[int, int, int, int]]
) -> list[_Raw]:
    """A name in the source replaced, at the same place, by a name new to the passage;
    both must be actors (``_actor``: real names, not agencies, datelines or headlines)."""
    if not token_blocks:
        return []  # nothing changed: no name replaced
    src_names, dst_names = _names(src.facts), _names(dst.facts)
    if not src_names or not dst_names:
        return []
    chunks = [
        (s0, s1, d0, d1)
        for s0, s1, d0, d1 in token_blocks
        if 0 < s1 - s0 <= _MAX_SWAP_CHUNK and 0 < d1 - d0 <= _MAX_SWAP_CHUNK
    ]
    if not chunks:
        return []  # only words dropped, added or rewritten at length: no name swapped
    st, dt = src.tokens, dst.tokens
    dst_keys = {m.key for m in dst_names}
    out: list[_Raw] = []
    for s0, s1, d0, d1 in chunks:
        lo_s, hi_s = st[s0].start, st[s1 - 1].end
        lo_d, hi_d = dt[d0].start, dt[d1 - 1].end
        # Gone: no variant at the same place, and not moved elsewhere in the passage.
        gone = [
            n
            for n in src_names
            if lo_s <= n.span.start < hi_s
            and n.key not in dst_keys
            and not any(
                ctx.same_name(n.key, m.key) for m in dst_names if lo_d <= m.span.start < hi_d
            )
        ]
        came = [
            m
            for m in dst_names
            if lo_d <= m.span.start < hi_d
            and not any(ctx.same_name(m.key, n.key) for n in src_names)
        ]
        if not gone or not came:
            continue
        gone = [n for n in gone if _actor(ctx, src.side, n)]
        came = [m for m in came if _actor(ctx, dst.side, m)]
        pairs = [
            (n, m)
            for n in gone
            for m in came
            if _in_place_of(_place(src, n, s0, s1), _place(dst, m, d0, d1))
            and _anchored(src.side, n, dst.side, m)
            and not _one_name(ctx, n.key, m.key)
        ]
        if pairs:
            old, new = pairs[0]
            note = (
                f"{old.text} became {new.text}"
                if ctx.directed
                else f"a has {old.text}, b has {new.text} in its place"
            )
            out.append(("actor_swapped", old.span, new.span, old.text, new.text, note))
    return out


def _place(p: _Passage, name: Fact, first: int, end: int) -> tuple[int, int]:
    """Words before and after the name inside its changed chunk (``first``/``end``:
    indexes into ``p.tokens``)."""
    lo = p.side.token_index(name.span.start) - p.first
    hi = p.side.token_index(name.span.end) - p.first
    return lo - first, end - hi


def _anchored(src: Side, n: Fact, dst: Side, m: Fact) -> bool:
    """Whether the two names stand in the same words: ``_SWAP_CONTEXT`` words right
    before and after them together are the same in both texts. A rewritten sentence
    that the word-level diff cuts into small changed chunks puts unrelated names side by
    side (on METER's newspaper rewrites most "swaps" so found shared no word around the
    names: "ITV" / "Richard Madeley", "Income Support" / "London")."""
    sf, df = src.forms, dst.forms
    ns, ne = src.token_index(n.span.start), src.token_index(n.span.end)
    ms, me = dst.token_index(m.span.start), dst.token_index(m.span.end)
    shared = 0
    while (
        shared < _SWAP_CONTEXT
        and min(ns, ms) > shared
        and sf[ns - shared - 1] == df[ms - shared - 1]
    ):
        shared += 1
    after = 0
    while (
        shared + after < _SWAP_CONTEXT
        and ne + after < len(sf)
        and me + after < len(df)
        and sf[ne + after] == df[me + after]
    ):
        after += 1
    return shared + after >= _SWAP_CONTEXT


def _in_place_of(x: tuple[int, int], y: tuple[int, int]) -> bool:
    """The two names open their chunks alike (within ``_SWAP_SLACK`` words: a title or
    an article before one) or close them alike."""
    return abs(x[0] - y[0]) <= _SWAP_SLACK or x[1] == y[1]


def _one_name(ctx: _Ctx, x: str, y: str) -> bool:
    """Two parts of one longer name of either article ("Marco's" / "White's" of
    "Marco Pierre White"): one actor named two ways."""
    wx, wy = (
        x.split()[-1].removesuffix("'s").removesuffix("’s"),
        y.split()[-1].removesuffix("'s").removesuffix("’s"),
    )
    return any(
        f.kind == "name" and " " in f.key and wx in f.key.split() and wy in f.key.split()
        for side in (ctx.src, ctx.dst)
        for f in side.facts
    )


def _speakers(p: _Passage, ctx: _Ctx) -> list[tuple[Span, str, frozenset[str]]]:
    """ "X said ..." in a passage: the speaker's span and words, and the content terms of
    what follows (which tells whether two passages report the same statement). A
    statement whose subject is a pronoun ("he allegedly said") has no speaker to
    compare."""
    text = p.side.text
    out: list[tuple[Span, str, frozenset[str]]] = []
    if not p.forms:
        return out
    forms = p.side.forms
    verbs = p.side.cached(
        "drift-reporting-verbs",
        lambda: tuple([i for i, f in enumerate(forms) if f in _REPORTING_VERBS]),
    )
    first = p.first  # the passage's tokens run on from here
    found = verbs[bisect_left(verbs, first + 1) : bisect_left(verbs, first + len(p.forms))]
    if not found:
        return out
    toks = p.tokens
    for at in found:
        k = at - first
        t = toks[k]
        if k and toks[k - 1].form in _PASSIVE_AUX:
            continue
        who: list[Token] = []
        pronoun = False
        for prev in reversed(toks[max(0, k - _MAX_SPEAKER_TOKENS - 1) : k]):
            gap = text[prev.end : (who[-1] if who else t).start]
            if _SPEAKER_BREAK_RE.search(gap):
                break
            if prev.form in _SPEAKER_STOPS:
                pronoun = prev.form in _SUBJECT_PRONOUNS
                break
            who.append(prev)
        if pronoun:
            continue  # "he allegedly said": the words between are no speaker
        who.reverse()
        who = _without_trailing_lowercase(text, who, ctx) if p.side.cased else who
        words = " ".join(w.form for w in who)
        if not who or all(term(w.form) is None for w in who) or len(who) > _MAX_SPEAKER_TOKENS:
            continue
        if _is_agency(words) or any(_is_agency(w.form) for w in who):
            continue  # "Reuters said": the wire credited, not a speaker of the story
        claim = frozenset(x for x in (term(u.form) for u in toks[k + 1 : k + 13]) if x)
        out.append((Span(who[0].start, who[-1].end), words, claim))
    return out


def _without_trailing_lowercase(text: str, who: list[Token], ctx: _Ctx) -> list[Token]:
    """A capitalised speaker without the lowercase words between it and the verb
    ("Ferguson also said": Ferguson); a speaker of lowercase words stays whole. One
    opened by a function word loses only trailing function words: its last content word
    is the noun its capitalised words qualify ("A High Court judge said", "The Parole
    Board had confirmed": The Parole Board)."""
    described = bool(who) and term(who[0].form) is None
    end = len(who)
    while (
        end > 1
        and text[who[end - 1].start].islower()
        and not (described and term(who[end - 1].form) is not None)
        and _capitalised(text, who[: end - 1], ctx)
    ):
        end -= 1
    return who[:end]


def _capitalised(text: str, words: Sequence[Token], ctx: _Ctx) -> bool:
    """Some word has a capital of a name: the opening word only when it is a name in
    these articles (``_Ctx.name_words``, as for actors), since a clause opens with a
    capital whatever its first word ("The judge", "Another witness", "Later")."""
    for k, w in enumerate(words):
        if not text[w.start].isupper():
            continue
        if k > 0:
            return True
        if term(w.form) is not None and text[w.start : w.end].rstrip(".’'-") in ctx.name_words():
            return True
    return False


def _described(side: Side, span: Span, ctx: _Ctx) -> bool:
    """A speaker told by description ("the judge", "The 41-year-old goalkeeper"), not by
    name, in a script with letter case (elsewhere there is no telling)."""
    return side.cased and not _capitalised(side.text, side.tokens_in(span.start, span.end), ctx)


def _named_in(side: Side, who: str) -> bool:
    """The article names this speaker somewhere (its last word, the surname, is one of
    the article's words)."""
    forms = side.cached("drift-forms", lambda: frozenset(side.forms))
    return who.split()[-1] in forms


def _one_speaker(ctx: _Ctx, s: tuple[Span, str], d: tuple[Span, str]) -> bool:
    """Two ways of naming one speaker: parts of one longer name ("Ms Brown" / "Heather"
    of "Heather Brown"), or the copy telling by description a speaker it names
    elsewhere ("Mr Vincent said" / "The sportsman said" in a copy that names Vincent):
    coreference, not a statement credited to someone else. The other way round ("the
    port authority said" / "Ilse Brandvik said") the copy puts a name to the statement
    that the source did not: that stays a change."""
    (s_span, s_who), (d_span, d_who) = s, d
    if _one_name(ctx, s_who, d_who):
        return True
    return (
        _described(ctx.dst, d_span, ctx)
        and not _described(ctx.src, s_span, ctx)
        and _named_in(ctx.dst, s_who)
    )


def _speaker_drifts(ctx: _Ctx, src: _Passage, dst: _Passage) -> list[_Raw]:
    """The same statement credited to someone else ("the port authority said" became
    "Ilse Brandvik said"), not the same speaker named two ways (``_one_speaker``)."""
    out: list[_Raw] = []
    src_speakers = _speakers(src, ctx)
    dst_speakers = _speakers(dst, ctx) if src_speakers else []
    for s_span, s_who, s_claim in src_speakers:
        # Every speaker the copy credits with this statement, in text order: one of
        # them the same speaker means the statement kept its speaker ("A said that B
        # said ...": A's statement holds B's, so both are credited with B's words).
        crediting = [d for d in dst_speakers if len(s_claim & d[2]) >= 2]
        if not crediting or any(
            _same_speaker(ctx, (s_span, s_who), (d_span, d_who)) for d_span, d_who, _ in crediting
        ):
            continue
        d_span = crediting[0][0]
        old, new = (
            src.side.text[s_span.start : s_span.end],
            dst.side.text[d_span.start : d_span.end],
        )
        note = (
            f"statement credited to {new} instead of {old}"
            if ctx.directed
            else f"statement credited to {old} in a, to {new} in b"
        )
        out.append(("actor_swapped", s_span, d_span, old, new, note))
    return out


def _same_speaker(ctx: _Ctx, s: tuple[Span, str], d: tuple[Span, str]) -> bool:
    """Two speakers are one: a word in common, one name written two ways, or one
    person named and then referred to (``_one_speaker``)."""
    s_terms = {term(w) for w in s[1].split()} - {None}
    d_terms = {term(w) for w in d[1].split()} - {None}
    return bool(s_terms & d_terms) or ctx.same_name(s[1], d[1]) or _one_speaker(ctx, s, d)


# --- qualifiers ----------------------------------------------------------------------


def _qualifier_drifts(
    ctx: _Ctx, src: _Passage, dst: _Passage, token_blocks: list[tuple[int, int, int, int]]
) -> list[_Raw]:
    """One- or two-word substitutions between identical words, where a qualifier of one
    class became one of another ("binding" / "urgent", "since 2002" / "in 2002")."""
    n_src, n_dst = len(src.forms), len(dst.forms)
    swaps = [
        (s0, s1, d0, d1)
        for s0, s1, d0, d1 in token_blocks
        if 1 <= s1 - s0 <= 2
        and 1 <= d1 - d0 <= 2
        and s0 > 0
        and d0 > 0
        and s1 < n_src
        and d1 < n_dst
    ]
    if not swaps:
        return []  # no one- or two-word substitution between shared words
    st, dt = src.tokens, dst.tokens
    out: list[_Raw] = []
    for s0, s1, d0, d1 in swaps:
        if len(out) >= _MAX_QUALIFIERS_PER_PASSAGE:
            break
        found = _qualifier_pair(st[s0:s1], dt[d0:d1], st[s1 : s1 + 2])
        if found is None:
            continue
        old, new, timed = found
        s_end, d_end = old[-1].end, new[-1].end
        if timed:  # show what the preposition governs: "since 2002" / "in 2002"
            shown = 1 + (st[s1].form in _TIME_LEADS)
            s_end, d_end = st[s1 + shown - 1].end, dt[d1 + shown - 1].end
        s_span, d_span = Span(old[0].start, s_end), Span(new[0].start, d_end)
        if _in_quote(src, s_span) or _in_quote(dst, d_span):
            continue  # the quote drift shows it
        s_text = src.side.text[s_span.start : s_span.end]
        d_text = dst.side.text[d_span.start : d_span.end]
        out.append(
            (
                "qualifier_changed",
                s_span,
                d_span,
                s_text,
                d_text,
                _changed_note(ctx, "qualifier", _q(s_text), _q(d_text)),
            )
        )
    return out


def _qualifier_pair(
    sw: list[Token], dw: list[Token], after: list[Token]
) -> tuple[list[Token], list[Token], bool] | None:
    """The words of a substitution that are qualifiers of different classes: the whole
    run ("more than" / "nearly"), else one word of each side; and whether they qualify
    the number or time that follows."""
    if not (_has_qualifier(sw) and _has_qualifier(dw)):
        return None
    pairs = [(sw, dw)]
    pairs += [
        ([x], [y]) for x in sw for y in dw if (x, y) != (sw[0], dw[0]) or len(sw) + len(dw) > 2
    ]
    for x, y in pairs:
        cx = _QUALIFIERS.get(" ".join(t.form for t in x))
        cy = _QUALIFIERS.get(" ".join(t.form for t in y))
        if not cx or not cy or cx & cy:
            continue
        if len(x) == len(y) == 1 and term(x[0].form) == term(y[0].form):
            continue  # an inflection, not another word
        timed = all(c[0] == "@" for c in cx) or all(c[0] == "@" for c in cy)
        if timed and not _number_or_time(after):
            continue  # "complaints about fog" / "criticism over fog": no degree, no time
        return x, y, timed
    return None


def _has_qualifier(ws: list[Token]) -> bool:
    return any(t.form in _QUALIFIERS for t in ws) or (
        len(ws) == 2 and f"{ws[0].form} {ws[1].form}" in _QUALIFIERS
    )


def _number_or_time(after: list[Token]) -> bool:
    if not after:
        return False
    first = after[0].form
    if first[0].isdigit() or first in _TIME_WORDS:
        return True
    return first in _TIME_LEADS and len(after) > 1 and after[1].form in _TIME_WORDS


def _in_quote(p: _Passage, span: Span) -> bool:
    return any(
        f.kind == "quote" and f.span.start <= span.start and span.end <= f.span.end for f in p.facts
    )


def changed_runs(x: Sequence[str], y: Sequence[str]) -> list[tuple[int, int, int, int]]:
    """Maximal runs of non-equal edit operations between two word sequences, as
    (x_start, x_end, y_start, y_end): the stretches where y's words differ from x's
    (rapidfuzz's word-level edit script; also what a copy tree reads as variant
    readings, ``stemma._Words.variants``)."""
    if x == y:
        return []  # a passage copied word for word: no edit to read
    out: list[tuple[int, int, int, int]] = []
    run: tuple[int, int, int, int] | None = None
    for op in Levenshtein.opcodes(x, y):
        if op.tag == "equal":
            if run is not None:
                out.append(run)
                run = None
        elif run is None:
            run = (op.src_start, op.src_end, op.dest_start, op.dest_end)
        else:
            run = (run[0], op.src_end, run[2], op.dest_end)
    if run is not None:
        out.append(run)
    return out


# --- merges --------------------------------------------------------------------------


def _merge_drifts(ctx: _Ctx, alignments: Sequence[Alignment], flip: bool) -> list[_Raw]:
    """One derived sentence built from two source sentences that each add their own facts
    and tell of separately dated events: the merge makes one event of two. (Joining two
    sentences about one moment is style, not drift.)"""
    src_side, dst_side = ctx.src, ctx.dst
    by_dst: dict[int, set[int]] = {}
    for al in alignments:
        for i, j in al.links:
            s, d = (j, i) if flip else (i, j)
            by_dst.setdefault(d, set()).add(s)
    out: list[_Raw] = []
    for d, srcs in sorted(by_dst.items()):
        if len(srcs) < 2:
            continue
        d_terms = dst_side.terms[d]
        whole = [
            s
            for s in sorted(srcs)
            if len(src_side.forms_in(src_side.spans[s].start, src_side.spans[s].end))
            >= _MIN_FRAGMENT_TOKENS
        ]
        own = [
            s
            for s in whole
            if len(
                (src_side.terms[s] & d_terms)
                - set().union(*(src_side.terms[o] for o in whole if o != s))
            )
            >= 2
        ]
        if len(own) < 2 or not _separate_events(src_side, own):
            continue
        first, last = src_side.spans[own[0]], src_side.spans[own[-1]]
        src_span = Span(first.start, last.end)
        dst_span = dst_side.spans[d]
        parts = " + ".join(
            repr(_clip(src_side.text[src_side.spans[s].start : src_side.spans[s].end])) for s in own
        )
        note = (
            f"one sentence merges {len(own)} separate source sentences: {parts}"
            if ctx.directed
            else f"one sentence of b holds {len(own)} separate sentences of a: {parts}"
        )
        out.append(
            (
                "merged",
                src_span,
                dst_span,
                src_side.text[src_span.start : src_span.end],
                dst_side.text[dst_span.start : dst_span.end],
                note,
            )
        )
    return out


def _separate_events(side: Side, sentences: list[int]) -> bool:
    """Whether at least two of the sentences carry a time anchor of their own."""
    anchors = [
        frozenset(
            [
                f.key
                for f in side.facts_in(side.spans[k].start, side.spans[k].end)
                if f.kind in ("time", "date")
            ]
            + relative_times(side.text, side.spans[k].start, side.spans[k].end)
        )
        for k in sentences
    ]
    dated = [a for a in anchors if a]
    return len(dated) >= 2 and len(set(dated)) >= 2


def _clip(s: str, n: int = 60) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
