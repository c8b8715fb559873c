"""Rule-based sentence segmentation that returns character offsets.

Rules, not a model: it runs on every article of corpora with 100k+ articles, so it has
to be cheap, deterministic and script-agnostic. One regex pass finds the candidate
boundaries (line breaks and terminator runs); Python only looks at those few places.
Offsets point into the original text so later stages can quote exact passages.
"""

from __future__ import annotations

import re

from newstrace.model import Span

__all__ = ["split_sentences"]

# Everything ``str.splitlines`` treats as a line break; each one ends a sentence.
_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
# Terminators that end a sentence even with no space after them: CJK, and the Urdu,
# Arabic and Devanagari stops (Urdu news often runs "لیا۔فائنل" without a space).
_CJK_STOPS = "。！？｡۔؟।॥"
# Terminators that need whitespace after them (Latin, Armenian, Ethiopic, Myanmar, ...).
_STOPS = ".!?…‼⁇⁈⁉‽։።፧။"
# Closing quotes/brackets right after a terminator belong to the sentence it ends.
_CLOSERS = "\"'”’»›)]}」』）】〕〉》〗〙〛＂＇"
# Opening marks that may precede a word (stripped before the abbreviation look-up).
_OPENERS = "\"'“‘«‹([{¿¡„‚「『（【"
_OPENER_SET = frozenset(_OPENERS)
# After an ambiguous abbreviation an opening quote signals a new sentence.
_OPEN_QUOTES = frozenset('"“‘«„‚「『')
# A terminator followed by one of these never ends a sentence ("etc., and", ". . .").
_NO_SPLIT_BEFORE = frozenset(",;:" + _STOPS)
# Quotes that, standing alone after a terminator and a space, close the sentence before.
_DETACHED_CLOSERS = frozenset("\"'”’»")


def _cls(chars: str) -> str:
    """A regex character class of exactly these characters."""
    return "[" + "".join(re.escape(c) for c in chars) + "]"


_LINE_BREAK_SET = frozenset(_LINE_BREAKS)
_CJK_STOP_SET = frozenset(_CJK_STOPS)
_NONSPACE = re.compile(r"\S")
_ASCII_WORD = re.compile(r"[A-Za-z]+")
# Dotted abbreviations: U.S, U.K, a.m, p.m, e.g, i.e, Ph.D, D.C (the final dot excluded).
_ACRONYM = re.compile(r"[A-Za-z]{1,2}(?:\.[A-Za-z]{1,2})+")

# Abbreviations, by what the period after them means:
_TITLE, _NUMBERED, _AMBIGUOUS = 0, 1, 2
_ABBREVIATIONS: dict[str, int] = {
    # Before a name or a noun: the period never ends a sentence.
    **dict.fromkeys(
        """Mr Mrs Ms Mme Mlle Dr Prof Sen Rep Gov Gen Col Lt Sgt Capt Cmdr Adm Maj
        Rt Sens Reps Govs Gens Brig Cpl Pvt Pfc Spc Lieut Rev Hon Pres Supt Det Insp Atty
        Msgr Mt Ft vs Vs v cf
        ул пр пер им проф акад св""".split(),
        _TITLE,
    ),
    # Before a number ("No. 5", "p. 12"); elsewhere they may end a sentence.
    **dict.fromkeys(
        """No Nos no nos Vol Vols vol Fig Figs fig p pp Art art Para para Sec sec Ch ch Ex
        Nr nr Tel tel ca est""".split(),
        _NUMBERED,
    ),
    # Often end a sentence too (companies, streets, months, US states in datelines):
    # split after them only before a sentence starter.
    **dict.fromkeys(
        """Inc Ltd Corp Co Bros Jr Sr St Ave Blvd Rd Dept Univ Assn Intl Govt etc al
        Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
        Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Ky La Md Mass Mich Minn Miss
        Mo Mont Neb Nev Okla Ore Pa Tenn Tex Va Vt Wash Wis Wyo""".split(),
        _AMBIGUOUS,
    ),
}
# Words that typically open an English sentence; decide after ambiguous abbreviations.
_STARTERS = frozenset(
    """The A An It Its He She They We I You His Her Their Our My Your This That These
    Those There Here But And Or So Yet In On At By For From With As To Of If After Before
    When While Where What Who Why How However Meanwhile Earlier Later According Also Then
    Now Still Since Despite Although Though During Some Many Most Both All Each Every
    Such Other Another Neither Nor Not Only Instead Thus Moreover Furthermore
    Nevertheless Nonetheless Today Yesterday Tomorrow Last Next Under Over""".split()
)


def _plain_period() -> str:
    """Pattern tail for a '.' after a long lowercase word, which no word rule can veto.

    Such periods skip the Python word check. The tail is one letter longer than any
    lowercase ending in the abbreviation table, so the table stays the only authority.
    """
    longest = max(len(w) - len(w.rstrip("abcdefghijklmnopqrstuvwxyz")) for w in _ABBREVIATIONS)
    return f"(?<=[a-z]{{{longest + 1}}}\\.)(?=\\s)"


# One candidate: a run of line breaks (with the whitespace after it), a CJK terminator run,
# or another terminator run followed by whitespace; closing marks join the terminator.
# Group 1 marks a plain period. The pattern opens with one character class so that ``re``
# skips ordinary text quickly (a group in front would disable that and cost 6x). A run is
# only tried from its first character, so a long run of dots stays linear.
_CANDIDATE = re.compile(
    _cls(_LINE_BREAKS + _CJK_STOPS + _STOPS)
    + f"(?:(?<={_cls(_LINE_BREAKS)})\\s*+"
    + f"|(?<={_cls(_CJK_STOPS)}){_cls(_CJK_STOPS + _STOPS)}*+{_cls(_CLOSERS)}*+"
    + f"|{_plain_period()}()"
    + f"|(?<!{_cls(_STOPS)}.){_cls(_STOPS)}*+{_cls(_CLOSERS)}*+(?=\\s))"
)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split ``text[start:end]`` into sentences, as spans into the whole ``text``.

    Spans are ordered, non-overlapping, trimmed of whitespace and never empty; only
    whitespace is left out, so every other character of the range is in some span.
    Offsets outside the text are clamped to it. The text around the range has no
    influence: the result is that of ``text[start:end]``, shifted by ``start``.
    """
    n = len(text)
    end = n if end is None else max(0, min(end, n))
    start = max(0, start)
    if start > 0 and start < end and not text[start - 1].isspace():
        # The pattern's look-behinds would peek before the range; split a copy instead.
        inner = _split(text[start:end], 0, end - start)
        return [Span(s.start + start, s.end + start) for s in inner]
    return _split(text, start, end)


def _split(text: str, start: int, end: int) -> list[Span]:
    """The segmenter proper, on a range whose left context cannot matter."""
    if start < end and text[start].isspace():
        first_word = _NONSPACE.search(text, start, end)
        start = end if first_word is None else first_word.start()
    if start >= end:
        return []
    spans: list[Span] = []
    append = spans.append
    lo = start  # first character of the current sentence (never whitespace)
    for m in _CANDIDATE.finditer(text, start, end):
        first = m.start()
        after = m.end()
        mark = text[first]
        if mark in _LINE_BREAK_SET:
            if first > lo:
                hi = first
                if text[hi - 1].isspace():
                    hi = lo + len(text[lo:hi].rstrip())
                append(Span(lo, hi))
            lo = after  # the break run swallowed the whitespace after it
            continue
        if after >= end:
            continue  # the range ends here anyway
        if mark in _CJK_STOP_SET:  # CJK terminators need no space after them
            q = after
            if text[q].isspace():
                nxt = _NONSPACE.search(text, q, end)
                q = end if nxt is None else nxt.start()
        else:  # the pattern made sure that whitespace follows
            q = after + 1
            if q >= end:
                continue
            if text[q].isspace():
                nxt = _NONSPACE.search(text, q, end)
                if nxt is None:
                    continue  # only whitespace follows
                q = nxt.start()
            c = text[q]
            if c.islower() or c in _NO_SPLIT_BEFORE:
                continue
            if (
                mark == "."
                and after - first == 1
                and m.lastindex is None  # not a plain period
                and not _period_ends_sentence(text, lo, first, q, end)
            ):
                continue
            if (
                c in _DETACHED_CLOSERS
                and (q + 1 >= end or text[q + 1].isspace())
                and _LINE_BREAK_SET.isdisjoint(text[after:q])
            ):
                # 'he said. " Next' or '« Il part. » Puis': the spaced quote closes this one.
                after = q + 1
                nxt = _NONSPACE.search(text, after, end)
                if nxt is None:
                    continue  # the quote ends the range
                q = nxt.start()
                if text[q].islower() or text[q] in _NO_SPLIT_BEFORE:
                    continue
        append(Span(lo, after))
        lo = q
    if lo < end:
        hi = end
        if text[hi - 1].isspace():
            hi = lo + len(text[lo:hi].rstrip())
        append(Span(lo, hi))
    return spans


def _period_ends_sentence(text: str, lo: int, dot: int, q: int, end: int) -> bool:
    """Decide a lone '.' that is followed by a non-lowercase start, from the word before it.

    Abbreviations, initials and list numbers look like sentence ends; for the ambiguous
    ones the word after them (a known sentence starter or not) settles it. ``lo`` is
    where the sentence began, ``q`` where the next one would begin.
    """
    window = text[dot - 32 if dot - 32 > lo else lo : dot]
    if not window or window[-1].isspace():
        return True
    raw = window.rsplit(None, 1)[-1]
    token = raw.lstrip(_OPENERS) if raw[0] in _OPENER_SET else raw
    if "-" in token or "/" in token:  # then-Gov., post-Sept., Minneapolis-St., Inc/J.D.
        token = token.replace("/", "-").rsplit("-", 1)[-1]
    kind = _ABBREVIATIONS.get(token)
    if kind is not None:
        if kind == _TITLE:
            return False
        if kind == _NUMBERED:
            return not text[q].isdigit()
        return _starts_sentence(text, q, end)
    if len(token) <= 2 and token.isdecimal():  # "1. Buy milk": a list marker opening its line
        return dot - len(raw) != lo
    if len(token) == 1:  # initials: J. K. Rowling, George W. Bush, В. В. Путин
        return not token.isupper() or _starts_sentence(text, q, end)
    if "." in token and _ACRONYM.fullmatch(token) is not None:  # U.S., p.m., Ph.D.
        return _starts_sentence(text, q, end)
    return True


def _starts_sentence(text: str, q: int, end: int) -> bool:
    """Whether the text at ``q`` looks like a new English sentence (after an abbreviation)."""
    if text[q] in _OPEN_QUOTES:
        return True
    m = _ASCII_WORD.match(text, q, end)
    if m is None:
        return False
    word = m.group()
    if word not in _STARTERS:
        return False
    # "J. A. Smith": a one-letter starter followed by a period is another initial.
    return not (len(word) == 1 and m.end() < end and text[m.end()] == ".")
