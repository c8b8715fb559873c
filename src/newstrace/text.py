"""Text stage: normalisation for matching, tokens with offsets, and matching terms.

Tokens are found directly in the original text, so every token keeps its character
offsets; normalisation (NFKC, case folding, quote and dash unification) is applied to
each token's copy, never to the text that offsets point into.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from itertools import accumulate, chain, repeat
from typing import NamedTuple, TypeVar, cast

import numpy as np
import regex

# One token: a number (with inner separators), a run of no-space-script characters
# (Han, kana, Thai, ...), or a word of letters and combining marks (Devanagari, Urdu).
_TOKEN_RE = regex.compile(
    r"\p{N}+(?:[.,:]\p{N}+)*"
    r"|[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]+"
    r"|[\p{L}\p{M}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{M}]+)*"
)
# The same tokens where every token character is ASCII: the standard ``re`` engine finds
# them about twice as fast. Exact there: ASCII has no marks, no no-space-script letters,
# and its only numbers and letters are [0-9] and [A-Za-z] (see ``_ascii_tokens_only``).
_ASCII_TOKEN_RE = re.compile(r"[0-9]+(?:[.,:][0-9]+)*|[A-Za-z][A-Za-z0-9]*(?:'[A-Za-z]+)*")
_TOKEN_SPLIT = regex.compile(f"({_TOKEN_RE.pattern})")
_ASCII_TOKEN_SPLIT = re.compile(f"({_ASCII_TOKEN_RE.pattern})")
"""The token patterns as one capturing group: ``split`` keeps the tokens (``tokens``)."""
# A character outside ASCII that the token pattern can take (a letter, mark or number,
# any character of a no-space script, the typographic apostrophe): where one occurs,
# only ``_TOKEN_RE`` is exact.
_NON_ASCII_TOKEN_CHAR_RE = regex.compile(
    r"[[\p{L}\p{M}\p{N}’\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]"
    r"--[\x00-\x7F]]",
    regex.V1,
)
_NO_SPACE_SCRIPT_RE = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]"
)
_BELOW_NO_SPACE_SCRIPTS = "\u0e00"
"""Every character of ``_NO_SPACE_SCRIPT_RE`` comes after this one (the first is Thai's
U+0E01): a token that begins below it is no run of such a script."""
_NO_SPACE_BLOCKS = np.array(
    [
        (0x0E00, 0x10A0),  # Thai, Lao (and Tibetan), Myanmar
        (0x1780, 0x1A00),  # Khmer, Khmer symbols (and Mongolian)
        (0x2E80, 0xA000),  # CJK radicals, kana, CJK ideographs
        (0xA9E0, 0xAA80),  # Myanmar extensions
        (0xF900, 0xFB00),  # CJK compatibility ideographs
        (0xFF00, 0xFFF0),  # half-width kana (and full-width forms)
        (0x116C0, 0x11700),  # Myanmar extension C
        (0x16FE0, 0x17000),  # ideographic symbols
        (0x1AFF0, 0x1B300),  # kana supplements and extensions
        (0x1F200, 0x1F300),  # enclosed ideographic supplement
        (0x20000, 0x40000),  # CJK extensions B and later
    ],
    dtype=np.uint32,
).ravel()
"""Half-open code point ranges that hold every character of ``_NO_SPACE_SCRIPT_RE``
(``tests/test_languages.py`` checks all of Unicode): locating a text's code points among
them with numpy takes a tenth of a regex scan for script properties, and only a text
with one inside is scanned (typographic quotes and dashes, above U+0E00 but in none of
them, are in most news)."""
_LATIN_RE = regex.compile(r"\p{Latin}")
_QUOTES = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "«": '"',
        "»": '"',
        "″": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "‹": "'",
        "›": "'",
        "′": "'",
        "–": "-",
        "—": "-",
        "‒": "-",
        "―": "-",
        "−": "-",
        "‐": "-",
        "‑": "-",
    }
)
_SPACE_RE = regex.compile(r"\s+")
# The only characters that ``str.split()`` takes for spaces and ``\s`` does not (the
# information separators U+001C-U+001F; the two agree on every other code point).
_SEPARATORS_RE = re.compile("[\x1c-\x1f]")

# Optional English helper list: function words carry no evidence of reuse.
STOPWORDS: frozenset[str] = frozenset(
    """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves
said says say told according per via s t don said mr mrs ms
""".split()
) | frozenset(
    # Optional Urdu helper: its commonest function words, which otherwise make any two
    # Urdu news stories look alike sentence by sentence.
    """میں اور ہیں تھا تھی تھے گیا گئی گئے کیا ایک لیے لئے بعد مطابق نہیں ہوں ہوا ہوئے
    ہوئی رہا رہی رہے دیا کہا کرنے کرتے والے والی والا اپنے اپنی انہوں انہیں سکتا سکتی
    سکتے جائے جبکہ تاہم کہنا""".split()
)

STEM_LENGTH = 6


class Token(NamedTuple):
    """A token of the original text: where it is and its normalised form (a tuple:
    articles have thousands, and a scan makes millions)."""

    start: int
    end: int
    form: str  # NFKC + casefold + unified apostrophes


@lru_cache(maxsize=65_536)
def normalise(s: str) -> str:
    """Normalise a string for comparison: NFKC, unified quotes/dashes, collapsed spaces."""
    s = unicodedata.normalize("NFKC", s)
    if not s.isascii():  # every character ``_QUOTES`` replaces lies outside ASCII
        s = s.translate(_QUOTES)
    if _SEPARATORS_RE.search(s) is None:
        # The same collapse as the substitution below, several times faster (articles
        # make thousands of these strings, and most are seen once).
        return " ".join(s.split())
    return _SPACE_RE.sub(" ", s).strip()


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text[start:end]`` with offsets into ``text`` (``token_columns`` as
    one ``Token`` each)."""
    return tokens_of_columns(*token_columns(text, start, end))


def tokens_of_columns(
    starts: Iterable[int], ends: Iterable[int], forms: Iterable[str]
) -> list[Token]:
    """One ``Token`` per row of the three columns, made by C calls alone
    (``tuple.__new__`` over the zipped fields: articles have thousands of tokens)."""
    return list(map(tuple.__new__, repeat(Token), zip(starts, ends, forms, strict=True)))


def token_columns(
    text: str, start: int = 0, end: int | None = None
) -> tuple[list[int], list[int], list[str]]:
    """The tokens of ``text[start:end]`` as three columns: start and end offsets into
    ``text``, and matching forms; an article keeps these, not a tuple per token (a third
    of the memory of a prepared article).

    The hot loop of every article, kept lean: splitting on the token pattern (one
    capturing group) gives separators and tokens alternately, so their offsets are the
    running sum of the pieces' lengths, with no match object per token (a third faster
    than ``finditer``)."""
    stop = len(text) if end is None else end
    pattern = _ASCII_TOKEN_SPLIT if _ascii_tokens_only(text, start, stop) else _TOKEN_SPLIT
    pieces = pattern.split(text[start:stop])
    bounds = list(accumulate(map(len, pieces), initial=start))
    words = pieces[1::2]
    n = len(words)
    return bounds[1 : 2 * n : 2], bounds[2 : 2 * n + 1 : 2], folded(words)


def folded(words: list[str]) -> list[str]:
    """The matching form of each word (``_fold``), looked up in C for the words seen
    before."""
    return _memoised(_FOLDED, words, _fold)


_V = TypeVar("_V")


def _memoised(table: Mapping[str, _V], keys: list[str], make: Callable[[str], _V]) -> list[_V]:
    """``[make(k) for k in keys]``, read in C from ``table`` for the keys it holds (the
    rest are made, and ``make`` keeps them there as its bound allows)."""
    seen = list(map(table.get, keys))  # None for the keys not held
    if None in seen:
        return [v if v is not None else make(k) for v, k in zip(seen, keys, strict=True)]
    return cast(list[_V], seen)


def _ascii_tokens_only(text: str, start: int, stop: int) -> bool:
    """Whether every character of ``text[start:stop]`` that a token may hold is ASCII
    (dashes, currency and other symbols outside ASCII are fine): then ``_ASCII_TOKEN_RE``
    finds exactly the tokens of ``_TOKEN_RE``, since both patterns treat every other
    character as a separator and have no look-around."""
    return text[start:stop].isascii() or _NON_ASCII_TOKEN_CHAR_RE.search(text, start, stop) is None


_FOLDED: dict[str, str] = {}


def _fold(form: str) -> str:
    """A token's matching form (NFKC, unified quotes, case-folded), memoised."""
    if not form.isascii():
        form_ = unicodedata.normalize("NFKC", form).translate(_QUOTES).casefold()
    else:
        form_ = form.casefold()
    if len(_FOLDED) < 500_000:
        _FOLDED[form] = form_
    return form_


@lru_cache(maxsize=262_144)
def term(form: str) -> str | None:
    """The matching term for a token form, or None for a function word.

    A crude, language-agnostic stemmer: drop a possessive and (Latin script) a plural
    ``s``, then keep a prefix of ``STEM_LENGTH`` characters so that inflected forms
    (Russia/Russian, withdrew/withdrawn) meet. Numbers lose thousands separators.
    """
    if form[0].isdigit():
        return form.replace(",", "") if "," in form and ":" not in form else form
    if form.endswith("'s"):
        form = form[:-2]
    if form in STOPWORDS or len(form) < 2 or (len(form) < 3 and not form.isascii()):
        return None  # two-letter words outside Latin script are function words (کے, на)
    if len(form) > 4 and form.endswith("s") and not form.endswith("ss") and form.isascii():
        form = form[:-1]
    return form[:STEM_LENGTH]


def terms_of(text: str, start: int = 0, end: int | None = None) -> list[str]:
    """Matching terms of a span: stems of content words, numbers, and character bigrams
    for scripts written without spaces (where a 'word' is a whole clause)."""
    stop = len(text) if end is None else end
    out: list[str] = []
    for m in _TOKEN_RE.finditer(text, start, stop):
        form = m.group()
        if not form.isascii():
            form = unicodedata.normalize("NFKC", form).translate(_QUOTES)
            if is_no_space_run(form):
                out.extend(_char_bigrams(form))
                continue
        t = term(form.casefold())
        if t is not None:
            out.append(t)
    return out


def terms_of_tokens(toks: list[Token]) -> list[str]:
    """``terms_of`` for tokens already found (the same terms, without a second regex pass)."""
    return terms_of_forms([t.form for t in toks])


def terms_of_forms(forms: list[str]) -> list[str]:
    """``terms_of`` for the forms of tokens already found (each form's terms looked up
    in C for the forms seen before: every article's preparation reads them)."""
    return list(chain.from_iterable(_memoised(_FORM_TERMS, forms, _form_terms)))


_FORM_TERMS: dict[str, tuple[str, ...]] = {}
_FORM_TERMS_KEPT = 100_000
"""Forms whose terms are kept, the first seen (a corpus's common words come early): about
15 MB at most, where every distinct form of 100,000 articles would take several times
that."""


def _form_terms(form: str) -> tuple[str, ...]:
    """A token form's matching terms: its character bigrams for a run of a script
    written without spaces (a whole clause, seldom seen twice: not kept), else its
    ``term`` (none for a function word), kept for the form's next sighting."""
    if is_no_space_run(form):
        return tuple(_char_bigrams(form))
    x = term(form)
    out = () if x is None else (x,)
    if len(_FORM_TERMS) < _FORM_TERMS_KEPT:
        _FORM_TERMS[form] = out
    return out


def is_no_space_run(form: str) -> bool:
    """Whether a token is a run of a script written without spaces (the token pattern
    keeps such a run whole, so its first character tells)."""
    return form[0] > _BELOW_NO_SPACE_SCRIPTS and _NO_SPACE_SCRIPT_RE.match(form) is not None


def word_has_no_space_script(word: str) -> bool:
    """``has_no_space_script`` for a short string (a raw word): ``max`` over a few
    characters costs less than the code point ranges' array."""
    return max(word) > _BELOW_NO_SPACE_SCRIPTS and _NO_SPACE_SCRIPT_RE.search(word) is not None


def has_no_space_script(text: str) -> bool:
    """Whether the text holds a letter of a script written without spaces: what tells
    whether ``word_units`` could differ from the tokens at all (the code point ranges
    first, the script-property scan only for a text with a character inside them)."""
    if text.isascii():
        return False
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if not np.any(np.searchsorted(_NO_SPACE_BLOCKS, codes, side="right") % 2):
        return False  # an odd place lies inside a range: none does
    return _NO_SPACE_SCRIPT_RE.search(text) is not None


def word_units(form: str) -> list[str]:
    """What a token counts as where words are counted (containment's word n-grams): the
    token itself, or, for a run of a script written without spaces (a whole clause is
    one token there), its character bigrams, the length of most of its words."""
    if is_no_space_run(form):
        return _char_bigrams(form)
    return [form]


def _char_bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def is_latin(text: str) -> bool:
    """True when the text contains Latin letters (capitalisation rules apply)."""
    return _LATIN_RE.search(text) is not None
