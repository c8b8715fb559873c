"""Credit stage: does a copy name its source, and where (the evidence span)."""

from __future__ import annotations

import pytest

from newstrace.credit import _site_name_re, _site_name_spans, find_credit
from newstrace.model import Article
from newstrace_synth.chains import chain_families

BODY = (
    "The harbour authority approved a plan of 4.5 million to repair the north pier on "
    "Monday, officials said. Work will start in June and last 14 months."
)
SOURCE = Article(
    id="src",
    text=f"Pier repairs approved\n\n{BODY}\n",
    site="The Harbour Times",
    url="https://www.harbourtimes.com/news/123-pier-repairs",
)


def copy_with(text: str, site: str = "The Daily Courier") -> Article:
    return Article(id="copy", text=text, site=site)


@pytest.mark.parametrize(
    ("text", "evidence", "form"),
    [
        (
            f"Pier plan\n\nBy Jane Roe, The Harbour Times\n\n{BODY}\n",
            "By Jane Roe, The Harbour Times",
            "byline",
        ),
        (
            f"Pier plan\n\nHARBOURTON, May 3 (The Harbour Times) – {BODY}\n",
            "HARBOURTON, May 3 (The Harbour Times) –",
            "dateline",
        ),
        (
            f"Pier plan\n\n{BODY}\n\nThe post Pier plan appeared first on The Harbour Times.\n",
            "The post Pier plan appeared first on The Harbour Times.",
            "credit-line",
        ),
        (f"Pier plan\n\n{BODY[:-1]}, according to The Harbour Times.\n", None, "according-to"),
        (
            f"Pier plan\n\n{BODY} The Harbour Times first reported the story.\n",
            "The Harbour Times first reported",
            "reported",
        ),
        (
            f"Pier plan\n\n{BODY}\n\nSource: https://www.harbourtimes.com/news/123-pier-repairs\n",
            "https://www.harbourtimes.com/news/123-pier-repairs",
            "link",
        ),
    ],
)
def test_credit_forms_name_the_source_with_their_span(
    text: str, evidence: str | None, form: str
) -> None:
    credit = find_credit(copy_with(text), [SOURCE])
    assert credit.credited is True
    assert credit.form == form
    assert credit.span is not None
    assert text[credit.span.start : credit.span.end] == credit.text
    if evidence is not None:
        assert credit.text == evidence
    else:
        assert "according to The Harbour Times" in credit.text


def test_no_credit_is_false() -> None:
    credit = find_credit(copy_with(f"Pier plan\n\nBy Sam Poe\n\n{BODY}\n"), [SOURCE])
    assert credit.credited is False
    assert credit.span is None


def test_crediting_another_outlet_is_false() -> None:
    text = f"Pier plan\n\n{BODY}\n\nThe post Pier plan appeared first on The Valley Gazette.\n"
    credit = find_credit(copy_with(text), [SOURCE])
    assert credit.credited is False
    assert credit.organisation == "valley gazette"


def test_unknown_source_identity_is_null() -> None:
    anonymous = Article(id="src", text=SOURCE.text)
    text = f"Pier plan\n\n{BODY}\n\nThe post Pier plan appeared first on The Valley Gazette.\n"
    assert find_credit(copy_with(text), [anonymous]).credited is None


def test_site_name_without_a_news_word_still_counts() -> None:
    """'Ledger' is no news word provenance knows: the site name itself is matched."""
    source = Article(id="src", text=SOURCE.text, site="The Dovercliff Ledger")
    text = f"Pier plan\n\n{BODY}\n\nThe post Pier plan appeared first on The Dovercliff Ledger.\n"
    credit = find_credit(copy_with(text), [source])
    assert credit.credited is True
    assert "first on The Dovercliff Ledger" in credit.text
    assert credit.organisation == "dovercliff ledger"


def test_crediting_an_older_link_of_the_chain_counts() -> None:
    parent = Article(id="p", text=SOURCE.text, site="The Valley Gazette")
    text = f"Pier plan\n\nBy Jane Roe, The Harbour Times\n\n{BODY}\n"
    assert find_credit(copy_with(text), [parent, SOURCE]).credited is True
    assert find_credit(copy_with(text), [parent]).credited is False


def test_generated_credits_match_their_truth() -> None:
    for fam in chain_families(4, seed=3):
        parents = fam.parents()
        for m in fam.members:
            if m.parent is None:
                continue
            chain, p = [], m.parent
            while p is not None:
                chain.append(fam.member(p).article)
                p = parents[p]
            assert find_credit(m.article, chain).credited == m.credited, m.article.id


_REPORTED_LINES = (
    "The Harbour Times first reported the closure on Monday.",
    "reuters reported the figures late on Tuesday.",
    "A spokesman said the council reported a loss, as xAFP reported.",
    "Officials reported nothing; the ferry operator earlier reported delays.",
    "Meridian Press of Lethorpe originally reported that the quay would shut.",
    "the bbc   broke the story before anyone else.",
    "Ǆemal reported it first, then Élan Média reports again.",
    "Nobody reported anything and no one broke ranks.",
    "It was reportedly closed.",
)


def test_reporter_gate_never_hides_a_match() -> None:
    """The cheap test that skips the costly "X reported" pattern on a line only skips
    lines where that pattern finds nothing."""
    from newstrace.credit import _REPORTED_RES, _may_name_reporter

    matched = 0
    for line in _REPORTED_LINES:
        text = f"Opening paragraph.\n{line}\nClosing paragraph."
        start, end = text.index(line), text.index(line) + len(line)
        found = list(_REPORTED_RES[0].finditer(text, start, end))
        assert not found or _may_name_reporter(text, start, end), line
        matched += bool(found)
    assert matched >= 5  # the lines exercise the pattern, not only its absence


def test_reporter_gate_skips_lines_without_an_organisation() -> None:
    from newstrace.credit import _may_name_reporter

    line = "the ferry operator earlier reported delays and someone reports more"
    assert not _may_name_reporter(line, 0, len(line))
    assert _may_name_reporter("Reuters reported delays", 0, 23)


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("Ledger says. The LEDGER, ledger2 and xledger; ledger", "ledger"),
        ("By the Harbour Post staff\nHarbour Post\nharbour  post", "harbour post"),
        ("ledgerledger ledger-ledger", "ledger"),
        ("", "ledger"),
        ("Straße Post and STRASSE POST", "straße post"),  # not ASCII: the pattern
        ("\u212a news and K news", "k news"),  # the Kelvin sign folds to k
        ("Ledger € 5, the LEDGER; Ledger\u00e9 and \u00e9ledger", "ledger"),  # not ASCII
        ("Po\u017ft and Post", "post"),  # long s: the pattern
        ("\u0130stanbul Times, istanbul times", "istanbul times"),  # dotted I: the pattern
        ("Ledger\u0301 ledger\u0663 \u0663ledger ledger", "ledger"),  # a mark, a digit
        ("a b", ""),
    ],
)
def test_site_name_spans_are_the_patterns_matches(text: str, bare: str) -> None:
    """The ASCII shortcut finds exactly what the compiled whole-word pattern finds."""
    want = [m.span() for m in _site_name_re(bare).finditer(text)]
    assert list(_site_name_spans(text, bare)) == want


def test_only_the_listed_characters_match_ascii_unlike_lower_casing() -> None:
    """``_site_name_spans`` finds a name in the lower-cased text; the pattern's
    case-insensitive match agrees for every code point outside ASCII but those listed."""
    import string
    import sys

    import regex

    from newstrace.credit import _FOLDS_ONTO_ASCII

    every = "".join(map(chr, range(128, sys.maxunicode + 1)))
    lowers_to: dict[str, set[str]] = {}
    for c in every:
        lowers_to.setdefault(c.lower(), set()).add(c)
    odd = set()
    for x in string.ascii_lowercase + string.digits + string.punctuation + " ":
        matched = {m.group() for m in regex.finditer(regex.escape(x), every, regex.IGNORECASE)}
        odd |= matched ^ lowers_to.get(x, set())
    assert odd == set(_FOLDS_ONTO_ASCII)
