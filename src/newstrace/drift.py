"""Drift stage: what a rewrite changed inside the passages it reused.

Compares the skeleton (``skeleton.facts``) of each aligned source passage with its
derived passage: numbers, times and dates altered or dropped; quoted words changed or
lost; a named actor replaced by another; two separate source sentences merged into one.
Direction matters for wording ("dropped" is relative to the source), so drifts are
computed from the likely source to the derived side; offsets still say a/b.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import regex
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .model import Alignment, Drift, Span
from .side import Side
from .skeleton import Fact, relative_times
from .text import STOPWORDS, Token, term

_VALUE_KINDS = ("time", "date", "number")
_RANGE_GAP_RE = regex.compile(r"^\s*(?:-|–|—|to|and|till|until|through)?\s*$")
_MIN_FRAGMENT_TOKENS = 6
_MAX_SWAP_CHUNK = 8
_PARAPHRASE_SHARE = 0.4  # share of a quote's content terms that a retelling keeps
# Optional English helper: verbs that report speech, and words that end a speaker phrase.
_REPORTING_VERBS = frozenset("said says told added stated announced confirmed warned".split())
_SPEAKER_STOPS = frozenset("and but that as while when which who he she they it we i".split())
_SPEAKER_BREAK_RE = regex.compile(r"[,;:.!?()\[\]\"“”«»—–]")
_MAX_SPEAKER_TOKENS = 5
_CLAUSE_END_RE = regex.compile(r"[.!?;:]")


@dataclass(frozen=True, slots=True)
class _Passage:
    side: Side
    span: Span
    sentences: tuple[int, ...]
    tokens: list[Token]
    facts: list[Fact]

    @classmethod
    def of(cls, side: Side, span: Span, sentences: tuple[int, ...]) -> _Passage:
        return cls(side, span, sentences, side.tokens_in(span.start, span.end),
                   side.facts_in(span.start, span.end))

    @property
    def text(self) -> str:
        return self.side.text[self.span.start:self.span.end]


def find_drifts(a: Side, b: Side, alignments: Sequence[Alignment], *,
                source: str | None = None) -> list[Drift]:
    """Drifts of every aligned passage, from the likely source (``a`` when unknown)."""
    flip = source == "b"
    src_side, dst_side = (b, a) if flip else (a, b)
    src_body = _body_keys(src_side)
    dst_body = _body_keys(dst_side)
    raw: list[tuple[str, Span | None, Span | None, str, str, str]] = []
    for al in alignments:
        src = _Passage.of(src_side, al.b if flip else al.a, al.b_sentences if flip else al.a_sentences)
        dst = _Passage.of(dst_side, al.a if flip else al.b, al.a_sentences if flip else al.b_sentences)
        blocks = _changed_blocks([t.form for t in src.tokens], [t.form for t in dst.tokens])
        raw += _value_drifts(src, dst, blocks, src_body, dst_body)
        raw += _quote_drifts(src, dst)
        raw += _actor_drifts(src, dst, blocks)
        raw += _speaker_drifts(src, dst)
    raw += _merge_drifts(src_side, dst_side, alignments, flip)
    out: list[Drift] = []
    seen: set[tuple] = set()
    for kind, s_span, d_span, s_text, d_text, note in raw:
        a_span, b_span, a_text, b_text = (d_span, s_span, d_text, s_text) if flip else \
            (s_span, d_span, s_text, d_text)
        key = (kind, a_span, b_span)
        if key not in seen:
            seen.add(key)
            out.append(Drift(kind, a_span, b_span, a_text, b_text, note))
    out.sort(key=lambda d: ((d.b or d.a or Span(0, 0)).start, d.kind))
    return out


def _body_keys(side: Side) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {k: set() for k in (*_VALUE_KINDS, "name")}
    for f in side.facts:
        if f.kind in keys:
            keys[f.kind].add(f.key)
    return keys


def _present(key: str, keys: set[str]) -> bool:
    """Equal, or one contains the other as whole words ("june 4" in "june 4 2021")."""
    if key in keys:
        return True
    padded = f" {key} "
    return any(padded in f" {k} " or f" {k} " in padded for k in keys)


def _value_drifts(src: _Passage, dst: _Passage, token_blocks: list[tuple[int, int, int, int]],
                  src_body: dict[str, set[str]], dst_body: dict[str, set[str]]):
    """Numbers, dates and times of the source passage missing from the whole derived
    article, paired with new values that stand at the same place (the same changed
    run of words), else reported as dropped or added."""
    out = []
    blocks = _char_blocks(src, dst, token_blocks)
    for kind in _VALUE_KINDS:
        missing = [f for f in src.facts if f.kind == kind and not _present(f.key, dst_body[kind])]
        new = [f for f in dst.facts if f.kind == kind and not _present(f.key, src_body[kind])]
        missing = _merge_ranges(src.side.text, missing)
        new = _merge_ranges(dst.side.text, new)
        paired: set[int] = set()
        for old in missing:
            fresh = next((f for k, f in enumerate(new) if k not in paired
                          and _same_block(blocks, old.span, f.span)), None)
            if fresh is None:
                out.append((f"{kind}_dropped", old.span, dst.span, old.text, "",
                            f"{kind} {old.text} dropped"))
                continue
            paired.add(new.index(fresh))
            out.append((f"{kind}_changed", old.span, fresh.span, old.text, fresh.text,
                        f"{kind} {old.text} became {fresh.text}"))
        for k, fresh in enumerate(new):
            if k not in paired:
                out.append((f"{kind}_added", src.span, fresh.span, "", fresh.text,
                            f"{kind} {fresh.text} added"))
    return out


def _char_blocks(src: _Passage, dst: _Passage,
                 token_blocks: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The changed runs of words between two passages, as character ranges."""
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
    return any(old.start < max(hi_s, lo_s + 1) and lo_s < old.end
               and fresh.start < max(hi_d, lo_d + 1) and lo_d < fresh.end
               for lo_s, hi_s, lo_d, hi_d in blocks)


def _merge_ranges(text: str, found: list[Fact]) -> list[Fact]:
    """Join neighbours such as "4:07 p.m. to 5:21 p.m." into one fact (one drift)."""
    out: list[Fact] = []
    for f in found:
        if out and _RANGE_GAP_RE.match(text[out[-1].span.end:f.span.start]):
            prev = out[-1]
            span = Span(prev.span.start, f.span.end)
            out[-1] = Fact(f.kind, span, f"{prev.key}-{f.key}", text[span.start:span.end])
        else:
            out.append(f)
    return out


def _quote_drifts(src: _Passage, dst: _Passage):
    out = []
    dst_tokens = dst.tokens
    dst_norm = " ".join(t.form for t in dst_tokens)
    for q in (f for f in src.facts if f.kind == "quote"):
        q_forms = [t.form for t in src.side.tokens_in(q.span.start, q.span.end)]
        if not q_forms or f" {' '.join(q_forms)} " in f" {dst_norm} ":
            continue  # kept word for word (quotation marks may go)
        replacement = _replacement(src, q, dst, dst_tokens)
        if replacement is None:
            replacement = _paraphrase_of(src, q, dst_tokens)
        if replacement is not None:
            s, e = replacement
            new = dst.side.text[s:e]
            out.append(("quote_changed", q.span, Span(s, e), q.text, new,
                        f"quoted {q.text} became {new!r}"))
        else:
            out.append(("quote_dropped", q.span, dst.span, q.text, "",
                        f"quoted {q.text} dropped"))
    return out


def _replacement(src: _Passage, q: Fact, dst: _Passage,
                 dst_tokens: list[Token]) -> tuple[int, int] | None:
    """Where the derived passage says what the quote said: find the words just before the
    quote (its anchor) in the derived passage and take the content words that follow."""
    sentence_start = max((s.start for s in src.side.spans if s.start <= q.span.start),
                         default=src.span.start)
    before = [t for t in src.side.tokens_in(sentence_start, q.span.start)
              if term(t.form) is not None][-3:]
    wanted = max(1, min(4, sum(1 for t in src.side.tokens_in(q.span.start, q.span.end)
                               if term(t.form) is not None)))
    dst_terms = [term(t.form) for t in dst_tokens]
    text = dst.side.text
    for anchor in reversed(before):
        hits = [k for k, t in enumerate(dst_terms) if t == term(anchor.form)]
        if not hits:
            continue
        taken: list[Token] = []
        for k in range(hits[-1] + 1, len(dst_tokens)):
            if _CLAUSE_END_RE.search(text, dst_tokens[k - 1].end, dst_tokens[k].start):
                break
            if dst_terms[k] is not None:
                taken.append(dst_tokens[k])
                if len(taken) == wanted:
                    break
        if taken:
            return taken[0].start, taken[-1].end
    return None


def _paraphrase_of(src: _Passage, q: Fact, dst_tokens: list[Token]) -> tuple[int, int] | None:
    """Where the derived passage retells a quote in its own words: the stretch of derived
    tokens holding most of the quote's content terms (a quote turned reported speech)."""
    wanted = {term(t.form) for t in src.side.tokens_in(q.span.start, q.span.end)} - {None}
    if len(wanted) < 3:
        return None
    hits = [t for t in dst_tokens if term(t.form) in wanted]
    if len({term(t.form) for t in hits}) < _PARAPHRASE_SHARE * len(wanted):
        return None
    return hits[0].start, hits[-1].end


def _names(fs: list[Fact]) -> list[Fact]:
    return [f for f in fs if f.kind == "name"]


def _same_name(x: str, y: str) -> bool:
    """Spelling variants, inflections, demonyms and acronyms of one name are one actor
    (Zelensky/Zelenskiy, China/Chinese, U.S./United States)."""
    if x == y or x.startswith(y) or y.startswith(x):
        return True
    tx, ty = term(x.split()[-1]) or x, term(y.split()[-1]) or y
    if tx == ty or fuzz.ratio(x, y) >= 80:
        return True
    shorter = min(len(x), len(y))
    prefix = len(os.path.commonprefix([x, y]))
    if prefix >= 4 and prefix >= 0.6 * shorter:
        return True
    return _acronym_of(x, y) or _acronym_of(y, x)


def _acronym_of(short: str, long: str) -> bool:
    """'u.s' / 'us' for 'united states': the letters are the initials of the words."""
    letters = "".join(c for c in short if c.isalpha())
    words = [w for w in long.split() if w not in STOPWORDS or w == "us"]
    return 2 <= len(letters) == len(words) and all(w.startswith(c) for c, w in zip(letters, words))


def _actor_drifts(src: _Passage, dst: _Passage, token_blocks: list[tuple[int, int, int, int]]):
    """A name in the source replaced, at the same place, by a name new to the passage."""
    src_names, dst_names = _names(src.facts), _names(dst.facts)
    if not src_names or not dst_names:
        return []
    st, dt = src.tokens, dst.tokens
    dst_keys = {m.key for m in dst_names}
    out = []
    for s0, s1, d0, d1 in token_blocks:
        if not (0 < s1 - s0 <= _MAX_SWAP_CHUNK and 0 < d1 - d0 <= _MAX_SWAP_CHUNK):
            continue
        lo_s, hi_s = st[s0].start, st[s1 - 1].end
        lo_d, hi_d = dt[d0].start, dt[d1 - 1].end
        # Gone: no variant at the same place, and not moved elsewhere in the passage.
        gone = [n for n in src_names if lo_s <= n.span.start < hi_s
                and n.key not in dst_keys
                and not any(_same_name(n.key, m.key) for m in dst_names
                            if lo_d <= m.span.start < hi_d)]
        came = [m for m in dst_names if lo_d <= m.span.start < hi_d
                and not any(_same_name(m.key, n.key) for n in src_names)]
        if gone and came:
            old, new = gone[0], came[0]
            out.append(("actor_swapped", old.span, new.span, old.text, new.text,
                        f"{old.text} became {new.text}"))
    return out


def _speakers(p: _Passage) -> list[tuple[Span, str, frozenset[str]]]:
    """"X said ..." in a passage: the speaker's span and words, and the content terms of
    what follows (which tells whether two passages report the same statement)."""
    toks = p.tokens
    text = p.side.text
    out = []
    for k, t in enumerate(toks):
        if t.form not in _REPORTING_VERBS or k == 0:
            continue
        who: list[Token] = []
        for prev in reversed(toks[max(0, k - _MAX_SPEAKER_TOKENS - 1):k]):
            gap = text[prev.end:(who[-1] if who else t).start]
            if prev.form in _SPEAKER_STOPS or _SPEAKER_BREAK_RE.search(gap):
                break
            who.append(prev)
        who.reverse()
        words = " ".join(w.form for w in who)
        if not who or all(term(w.form) is None for w in who) or len(who) > _MAX_SPEAKER_TOKENS:
            continue
        claim = frozenset(x for x in (term(u.form) for u in toks[k + 1:k + 13]) if x)
        out.append((Span(who[0].start, who[-1].end), words, claim))
    return out


def _speaker_drifts(src: _Passage, dst: _Passage):
    """The same statement credited to someone else ("the port authority said" became
    "Ilse Brandvik said")."""
    out = []
    dst_speakers = _speakers(dst)
    for s_span, s_who, s_claim in _speakers(src):
        for d_span, d_who, d_claim in dst_speakers:
            if len(s_claim & d_claim) < 2:
                continue
            s_terms = {term(w) for w in s_who.split()} - {None}
            d_terms = {term(w) for w in d_who.split()} - {None}
            if s_terms & d_terms or _same_name(s_who, d_who):
                break
            old, new = src.side.text[s_span.start:s_span.end], dst.side.text[d_span.start:d_span.end]
            out.append(("actor_swapped", s_span, d_span, old, new,
                        f"statement credited to {new} instead of {old}"))
            break
    return out


def _changed_blocks(x: list[str], y: list[str]) -> list[tuple[int, int, int, int]]:
    """Maximal runs of non-equal edit operations, as (x_start, x_end, y_start, y_end)."""
    blocks: list[list[int]] = []
    for op in Levenshtein.opcodes(x, y):
        if op.tag == "equal":
            blocks.append([])
            continue
        if blocks and blocks[-1]:
            blocks[-1][1], blocks[-1][3] = op.src_end, op.dest_end
        else:
            blocks.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    return [tuple(b) for b in blocks if b]  # type: ignore[misc]


def _merge_drifts(src_side: Side, dst_side: Side, alignments: Sequence[Alignment], flip: bool):
    """One derived sentence built from two source sentences that each add their own facts
    and tell of separately dated events: the merge makes one event of two. (Joining two
    sentences about one moment is style, not drift.)"""
    by_dst: dict[int, set[int]] = {}
    for al in alignments:
        for i, j in al.links:
            s, d = (j, i) if flip else (i, j)
            by_dst.setdefault(d, set()).add(s)
    out = []
    for d, srcs in sorted(by_dst.items()):
        if len(srcs) < 2:
            continue
        d_terms = dst_side.terms[d]
        whole = [s for s in sorted(srcs)
                 if len(src_side.tokens_in(src_side.spans[s].start, src_side.spans[s].end))
                 >= _MIN_FRAGMENT_TOKENS]
        own = [s for s in whole
               if len((src_side.terms[s] & d_terms)
                      - set().union(*(src_side.terms[o] for o in whole if o != s))) >= 2]
        if len(own) < 2 or not _separate_events(src_side, own):
            continue
        first, last = src_side.spans[own[0]], src_side.spans[own[-1]]
        src_span = Span(first.start, last.end)
        dst_span = dst_side.spans[d]
        parts = " + ".join(repr(_clip(src_side.text[src_side.spans[s].start:src_side.spans[s].end]))
                           for s in own)
        out.append(("merged", src_span, dst_span,
                    src_side.text[src_span.start:src_span.end],
                    dst_side.text[dst_span.start:dst_span.end],
                    f"one sentence merges {len(own)} separate source sentences: {parts}"))
    return out


def _separate_events(side: Side, sentences: list[int]) -> bool:
    """Whether at least two of the sentences carry a time anchor of their own."""
    anchors = [frozenset([f.key for f in side.facts_in(side.spans[k].start, side.spans[k].end)
                          if f.kind in ("time", "date")]
                         + relative_times(side.text, side.spans[k].start, side.spans[k].end))
               for k in sentences]
    dated = [a for a in anchors if a]
    return len(dated) >= 2 and len(set(dated)) >= 2


def _clip(s: str, n: int = 60) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
