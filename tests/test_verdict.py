"""Containment evidence and the verdict built on it (all text invented or generated)."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from newstrace import compare
from newstrace.compare import prepare
from newstrace.containment import CONTAINMENT_FEATURES, PASSAGE_RUN, containment
from newstrace.errors import OptionsError
from newstrace.ingest import article_from_text
from newstrace.model import REUSE, Article, Span
from newstrace.options import Options
from newstrace.side import Side
from newstrace.verdict import DERIVATIONS, RELATION_FEATURES, relation_model
from newstrace_synth import textgen

COURT = (
    "Harbour Crown Court heard on Monday that the ferry operator ignored three safety "
    "warnings before the collision in the estuary. Prosecutor Alma Reyes told the jury "
    "that the captain had been on duty for nineteen hours. The company denies breaching "
    "maritime rules and says the warnings were never passed on to its managers. The "
    "trial, expected to last four weeks, continues tomorrow with evidence from the "
    "harbour master."
)
INDEPENDENT = (
    "A jury at Harbour Crown Court was told on Monday of three warnings the ferry firm "
    "allegedly brushed aside. According to Alma Reyes, prosecuting, the skipper had worked "
    "nineteen hours without a break when his vessel struck a dredger. Lawyers for the firm "
    "insist its managers knew nothing of the alerts. Evidence from the harbour master is due "
    "tomorrow in a case listed for four weeks."
)


def _side(text: str):  # type: ignore[no-untyped-def]
    return prepare(Article(id="x", text=text)).side


def _body(story: textgen.Story) -> str:
    """A generated story's body paragraphs (no headline or site debris around them)."""
    return "\n\n".join(" ".join(s.text for s in p) for p in story.paragraphs)


def _story(seed: int, words: int) -> str:
    return _body(textgen.make_story(random.Random(seed), words))


def _two_stories(seed: int, words: int) -> tuple[str, str]:
    """Two stories on other topics that share no sentence frame."""
    rng = random.Random(seed)
    first = textgen.make_story(rng, words)
    return _body(first), _body(textgen.unrelated(first, rng, words=words))


def test_containment_takes_the_shorter_as_the_copy_and_is_symmetric() -> None:
    long, short = _story(1, 900), COURT
    ab, ba = containment(_side(long), _side(short)), containment(_side(short), _side(long))
    assert (ab.copy, ba.copy) == ("b", "a")
    assert ab.features == ba.features
    assert len(ab.features) == len(CONTAINMENT_FEATURES)
    assert ab.get("length_ratio") > 0


def test_a_copy_inside_a_longer_source_is_wholly_contained() -> None:
    source = COURT + " " + _story(2, 700)
    c = containment(_side(source), _side(COURT))
    for name in ("word1", "word3", "word5", "tile3", "tile6", "char4", "char8"):
        assert c.get(name) == pytest.approx(1.0), name
    assert c.get("reverse_word1") < 0.5
    assert c.passage_words == len(_side(COURT).tokens)


def test_character_ngrams_see_words_spaced_otherwise() -> None:
    """A word written with a space more or less (as Urdu news often does) breaks word
    n-grams, not the character n-grams of the words written together."""
    source = "The ministers met in Harrowmere on Tuesday to sign the river treaty."
    respaced = "The minis ters metin Harrowmere on Tues day to sign theriver treaty."
    c = containment(_side(source), _side(respaced), "b")
    assert c.get("word1") < 0.7 and c.get("word3") < 0.3
    for name in ("char4", "char6", "char8"):
        assert c.get(name) == pytest.approx(1.0), name
    spared = containment(_side(source), _side(respaced), "b", characters=False)
    assert spared.get("char4") == 0.0 and spared.get("word1") == c.get("word1")


def test_unrelated_stories_share_no_phrases() -> None:
    c = containment(_side(_story(3, 600)), _side(COURT))
    assert c.get("word5") == 0.0 and c.get("tile6") == 0.0 and c.passage_words == 0


@pytest.mark.xfail(
    strict=True,
    reason="known limit: on a pair this short (five sentences "
    "each) the relation model, fitted on long agency copy, calls the "
    "independent report partial (0.59); the generated same-event pairs of "
    "tests/test_newsroom.py pass",
)
def test_same_facts_in_other_words_are_not_reuse() -> None:
    """Same court, names, figures and hearing: two reporters, no shared wording."""
    result = compare(Article(id="a", text=COURT), Article(id="b", text=INDEPENDENT))
    assert result.relation in ("same-story", "unrelated")
    assert not result.alignments and result.source is None
    assert "relation model" in result.reasons[1]


def test_a_reprint_inside_a_longer_article_is_reuse_with_reasons() -> None:
    longer = _story(4, 500) + "\n\n" + COURT
    result = compare(Article(id="a", text=COURT), Article(id="b", text=longer))
    assert result.relation in ("rewrite", "partial")
    assert result.reasons[0].startswith("a (the copy) has 100% of its words")
    assert result.alignments


def test_a_newspaper_longer_than_its_agency_copy_is_measured_as_the_copy() -> None:
    """The whole agency story inside a newspaper article many times its length: the
    publication times decide the direction, so the newspaper's share in the agency copy
    is measured (a small part), not the agency's share in the newspaper (all of it)."""
    agency = Article(id="a", text=COURT, published="2024-03-01T09:00:00Z")
    paper = Article(
        id="b",
        text=_story(6, 300) + "\n\n" + COURT + "\n\n" + _story(7, 300),
        published="2024-03-01T15:00:00Z",
    )
    result = compare(agency, paper)
    assert result.source == "a"
    assert result.reasons[0].startswith("b (the copy) has ")
    assert result.relation == "partial"
    undirected = containment(_side(agency.text), _side(paper.text))
    assert undirected.copy == "a" and undirected.get("word3") > 0.9


def test_a_passage_taken_inside_long_documents_is_partial() -> None:
    """A reused paragraph is a small share of two long documents, yet it was taken."""
    one, other = _two_stories(5, 1800)
    a, b = one + "\n\n" + COURT, COURT + "\n\n" + other
    result = compare(Article(id="a", text=a), Article(id="b", text=b))
    assert result.relation == "partial"
    assert any("a passage was taken" in r for r in result.reasons)


COURT_REWORDED = (
    "Harbour Crown Court was told on Monday the ferry operator had ignored three safety "
    "warnings ahead of the collision in the estuary. Prosecutor Alma Reyes said to jurors "
    "the captain had been at work for nineteen hours. The firm denies breaking maritime "
    "rules and says the warnings were never handed on to its managers. The trial, set to "
    "last four weeks, resumes tomorrow with evidence from the harbour master."
)
"""COURT with a few words of each sentence changed: no run of 10 words kept, yet every
sentence pair is close."""


def _quoted(text: str) -> str:
    """Each sentence of ``text`` inside quotation marks, as a statement quoted in full."""
    return " ".join(f'"{s.strip()}."' for s in text.split(". ") if s.strip(". "))


def test_sentences_reworded_one_by_one_in_a_row_inside_long_documents_are_a_taken_passage() -> None:
    """Each sentence of a passage is reworded on its own (the aligner links the pairs
    one by one, keeping no 10-word run): a run of them, in order on both sides, inside
    two long documents on other topics, is a passage taken. The same sentences quoted
    are what two reporters of one statement share: no passage taken."""
    one, other = _two_stories(5, 1800)
    result = compare(
        Article(id="a", text=f"{one}\n\n{COURT}"),
        Article(id="b", text=f"{COURT_REWORDED}\n\n{other}"),
    )
    assert result.relation == "partial"
    assert any("4 sentence pairs reused closely lie in one passage" in r for r in result.reasons), (
        result.reasons
    )
    quoted = compare(
        Article(id="a", text=f"{one}\n\n{_quoted(COURT)}"),
        Article(id="b", text=f"{_quoted(COURT_REWORDED)}\n\n{other}"),
    )
    assert quoted.relation not in REUSE, quoted.reasons


def test_a_passage_counts_its_closely_reused_unquoted_sentence_pairs() -> None:
    """Alignments close on both sides make one passage, counting its sentence pairs
    reused closely, neither a quotation; ``passage_links`` of them show a passage taken."""
    from newstrace.align import PASSAGE_GAP_CHARS
    from newstrace.model import Alignment
    from newstrace.verdict import _closest_passage

    options = Options()
    a, b = _side(COURT), _side(_quoted(COURT))  # b: every sentence a quotation
    plain = _side(COURT_REWORDED)

    def at(k: int, shift: int = 0) -> Alignment:
        span = a.spans[k]
        moved = Span(span.start + shift, span.end + shift)
        return Alignment(span, moved, options.passage_score, "reworded", (k,), (k,), ((k, k),))

    assert len(a.spans) == 4
    found = _closest_passage(a, plain, [at(0), at(1), at(2)], options)
    assert found is not None and found.close
    assert found.passage.alignments == 3 and found.passage.evidence == 3
    assert _closest_passage(a, plain, [at(0), at(1)], options) is None  # two pairs
    far = at(2, shift=PASSAGE_GAP_CHARS + len(COURT))  # the third pair lies elsewhere in b
    assert _closest_passage(a, plain, [at(0), at(1), far], options) is None
    assert _closest_passage(a, b, [at(0), at(1), at(2)], options) is None  # quotations


def test_weakly_linked_pairs_are_a_taken_passage_only_where_it_stands_out() -> None:
    """Sentence pairs the aligner links below ``passage_score`` count as a passage taken
    when the passage is a small part of both texts (``passage_area``): inside two long
    documents on other topics, three linked pairs in a row stand out; the same three
    pairs in two short reports of one hearing are most of both, as chance links of two
    texts on one topic are."""
    from newstrace.model import Alignment
    from newstrace.verdict import _closest_passage

    options = Options()
    weak = (options.min_link_score + options.passage_score) / 2
    one, other = _two_stories(5, 1800)
    long_a, long_b = _side(f"{one}\n\n{COURT}"), _side(f"{COURT_REWORDED}\n\n{other}")
    first_a = len(long_a.spans) - 4  # COURT closes a, COURT_REWORDED opens b

    def link(a: Side, b: Side, i: int, j: int) -> Alignment:
        return Alignment(a.spans[i], b.spans[j], weak, "reworded", (i,), (j,), ((i, j),))

    found = _closest_passage(
        long_a, long_b, [link(long_a, long_b, first_a + k, k) for k in range(3)], options
    )
    assert found is not None and not found.close
    assert found.passage.evidence == 3 and found.area <= options.passage_area
    assert found.standing == "it stands out in both"  # what the verdict's reason says
    short_a, short_b = _side(COURT), _side(COURT_REWORDED)
    pairs = [link(short_a, short_b, k, k) for k in range(3)]
    assert _closest_passage(short_a, short_b, pairs, options) is None


def test_a_lone_passage_in_a_small_part_of_one_text_is_a_taken_passage() -> None:
    """A short source reworded whole into a long document on other things: its passage
    spans all of the source, so it is no small part of both texts (``passage_area``),
    yet every sentence pair the two texts link lies in it and it is a small part of the
    long one (``lone_passage_links``, ``lone_passage_share``). One more link elsewhere,
    or one pair fewer, and it is not."""
    from newstrace.model import Alignment
    from newstrace.verdict import _closest_passage

    options = Options()
    weak = (options.min_link_score + options.passage_score) / 2
    one, _ = _two_stories(5, 1800)
    long_a, short_b = _side(f"{one}\n\n{COURT}"), _side(COURT_REWORDED)
    first_a = len(long_a.spans) - 4  # COURT closes a; b is COURT_REWORDED alone

    def link(i: int, j: int) -> Alignment:
        return Alignment(long_a.spans[i], short_b.spans[j], weak, "reworded", (i,), (j,), ((i, j),))

    pairs = [link(first_a + k, k) for k in range(4)]
    found = _closest_passage(long_a, short_b, pairs, options)
    assert found is not None and not found.close
    assert found.area > options.passage_area  # all of b: no small part of both
    assert found.passage.evidence == 4 and found.share_a <= options.lone_passage_share
    assert found.standing == "no other sentence pair links"
    assert _closest_passage(long_a, short_b, pairs[:3], options) is None  # 3 pairs
    elsewhere = link(0, 0)  # the long text's first sentence, far from the passage
    assert _closest_passage(long_a, short_b, [*pairs, elsewhere], options) is None


def test_relation_model_probabilities_and_classes() -> None:
    for script in ("cased", "uncased"):
        probs = relation_model(script).probabilities([0.5] * len(RELATION_FEATURES))
        assert set(probs) == set(DERIVATIONS)
        assert math.isclose(sum(probs.values()), 1.0)


def test_relation_model_file_is_checked(tmp_path: Path) -> None:
    with pytest.raises(OptionsError, match="cannot read"):
        compare(COURT, INDEPENDENT, options=Options(relation_model=str(tmp_path / "none.json")))
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"features": ["x"], "classes": list(DERIVATIONS)}), "utf-8")
    with pytest.raises(OptionsError, match="other features"):
        compare(COURT, INDEPENDENT, options=Options(relation_model=str(wrong)))


def _one_feature_model(names: list[str], weight: float) -> dict[str, object]:
    """A model over ``names`` whose wholly-derived logit grows with the first feature."""
    width = len(names)
    return {
        "features": names,
        "mean": [0.0] * width,
        "scale": [1.0] * width,
        "coef": [[weight] + [0.0] * (width - 1), [0.0] * width, [0.0] * width],
        "intercept": [0.0, 0.0, 0.0],
    }


def test_a_script_model_reads_only_the_features_it_names(tmp_path: Path) -> None:
    """The uncased model may read a subset of the features (the COUNTER study's word
    n-gram measures): the others change nothing, the named one is read where it lies."""
    path = tmp_path / "subset.json"
    payload = {
        "features": list(RELATION_FEATURES),
        "classes": list(DERIVATIONS),
        "cased": _one_feature_model(list(RELATION_FEATURES), 0.0),
        "uncased": _one_feature_model(["word3", "length_ratio"], 4.0),
    }
    path.write_text(json.dumps(payload), "utf-8")
    model = relation_model("uncased", str(path))
    base = [0.0] * len(RELATION_FEATURES)
    others = [1.0] * len(RELATION_FEATURES)
    others[RELATION_FEATURES.index("word3")] = 0.0
    assert model.probabilities(others) == model.probabilities(base)
    high = list(base)
    high[RELATION_FEATURES.index("word3")] = 1.0
    assert model.probabilities(high)["WD"] > 0.9 > model.probabilities(base)["WD"]
    with pytest.raises(ValueError, match="features"):
        model.probabilities([0.0] * 3)


def test_a_script_model_naming_unknown_or_misfitted_features_is_refused(tmp_path: Path) -> None:
    for uncased, match in (
        (_one_feature_model(["word3", "no_such"], 1.0), "unknown features"),
        ({**_one_feature_model(["word3", "word1"], 1.0), "mean": [0.0]}, "do not fit"),
        ({**_one_feature_model(["word3"], 1.0), "intercept": [0.0, 0.0]}, "do not fit"),
    ):
        path = tmp_path / "bad.json"
        payload = {
            "features": list(RELATION_FEATURES),
            "classes": list(DERIVATIONS),
            "cased": _one_feature_model(list(RELATION_FEATURES), 0.0),
            "uncased": uncased,
        }
        path.write_text(json.dumps(payload), "utf-8")
        relation_model.cache_clear()
        with pytest.raises(OptionsError, match=match):
            relation_model("uncased", str(path))


def test_the_shipped_uncased_model_reads_the_word_and_character_ngram_measures() -> None:
    """Without letter case the model reads word and character n-gram containment only
    (capitals, stop-word lists and quotation habits that the other measures rest on are
    missing)."""
    uncased = relation_model("uncased")
    names = [RELATION_FEATURES[k] for k in uncased.columns]
    assert names and all(
        n.startswith(("word", "char")) or n in ("reverse_word1", "length_ratio") for n in names
    )
    assert any(n.startswith("char") for n in names)
    assert relation_model("uncased").reads_characters
    cased = [RELATION_FEATURES[k] for k in relation_model("cased").columns]
    assert cased == [n for n in RELATION_FEATURES if not n.startswith("char")]
    assert not relation_model("cased").reads_characters


def test_options_check_the_new_verdict_knobs() -> None:
    for bad in (
        {"wholly_aligned": 1.5},
        {"passage_score": -0.1},
        {"passage_words": 0},
        {"passage_links": 0},
    ):
        with pytest.raises(OptionsError):
            Options(**bad)
    with pytest.raises(OptionsError, match=r"passage_area must be between 0 and 1, got 1\.5"):
        Options(passage_area=1.5)
    with pytest.raises(OptionsError, match=r"lone_passage_share must be between 0 and 1"):
        Options(lone_passage_share=-0.1)
    with pytest.raises(OptionsError, match=r"lone_passage_links must be positive, got 0"):
        Options(lone_passage_links=0)


def test_bodies_of_equal_length_read_the_same_copy_both_ways() -> None:
    """A tie in length is broken by the texts, not by argument order (found by the fuzz
    test: the two orders once gave rewrite and partial)."""
    a = article_from_text("Monday police .", id="a")
    b = article_from_text("\x00 . Monday police .", id="b")
    assert compare(a, b).relation == compare(b, a).relation


QUOTE = (
    '"We will not rest until every family on the estuary knows what happened that night, '
    "and we will keep asking the company the same questions in court, in parliament and "
    "in the street for as long as it takes to hear a straight answer from the people who "
    'ran the ferry," said the chair of the families group.'
)


def test_a_shared_quote_is_not_a_taken_passage() -> None:
    """Two reporters quote the same speaker word for word: the quote's words are not a
    passage taken from the other text, but the same words told in narrative are."""
    first, second = f"{COURT} {QUOTE}", f"{INDEPENDENT} {QUOTE}"
    c = containment(_side(first), _side(second))
    assert c.passage_words < PASSAGE_RUN  # only the attribution after the quote
    assert c.get("quoted") > 0.2
    plain = QUOTE.replace('"', "")
    told = containment(_side(f"{COURT} {plain}"), _side(f"{INDEPENDENT} {plain}"))
    assert told.passage_words >= 40
    assert told.get("quoted") == 0.0


def test_only_passages_reused_on_their_own_strength_leave_no_material_of_its_own() -> None:
    """The wholly-derived rule counts the copy's sentences in alignments that score as
    reuse links by themselves, not those joined through weaker pairs."""
    from newstrace.model import Alignment, Span
    from newstrace.verdict import _closely_aligned

    side = _side(INDEPENDENT)
    every = tuple(range(len(side.spans)))
    options = Options()

    def passage(score: float) -> Alignment:
        return Alignment(Span(0, 1), Span(0, 1), score, "reworded", every, every)

    assert _closely_aligned(side, "b", [passage(options.min_link_score)], options) == 1.0
    weak = options.min_link_score - 0.01
    assert _closely_aligned(side, "b", [passage(weak)], options) == 0.0


def test_short_words_of_scripts_without_latin_letters_are_no_content_words() -> None:
    """Two Urdu sentences (written for this test) that share only their postpositions
    (کے، کی، نے، سے: two letters, the words the aligner leaves out too) share words but no
    content words."""
    source = "شہر کی کونسل نے دریا کے پل سے متعلق منصوبہ منظور کر لیا۔"
    copy = "ٹیم کی کپتان نے میچ کے بعد سے مسلسل تربیت جاری رکھی۔"
    c = containment(_side(source), _side(copy), "b")
    assert c.get("word1") > 0
    assert c.get("content1") == 0.0


def _reference_containment(copy_text: str, source_text: str) -> dict[str, float]:
    """The word measures of ``containment`` read off Python sets of word tuples (what
    the hashed, tagged keys of one search stand for), for spaced scripts."""
    from newstrace.text import term

    copy, source = _side(copy_text), _side(source_text)
    cw, sw = list(copy.forms), list(source.forms)

    def grams(words: list[str], n: int) -> set[tuple[str, ...]]:
        return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}

    def share(x: set[tuple[str, ...]], y: set[tuple[str, ...]]) -> float:
        return len(x & y) / len(x) if x else 0.0

    def tiled(k: int) -> list[bool]:
        theirs, mask = grams(sw, k), [False] * len(cw)
        for i in range(len(cw) - k + 1):
            if tuple(cw[i : i + k]) in theirs:
                mask[i : i + k] = [True] * k
        return mask

    content = [[w for w in ws if term(w) is not None] for ws in (cw, sw)]
    out = {f"word{n}": share(grams(cw, n), grams(sw, n)) for n in (1, 2, 3, 4, 5)}
    out |= {f"content{n}": share(grams(content[0], n), grams(content[1], n)) for n in (1, 2, 3)}
    out |= {f"reverse_word{n}": share(grams(sw, n), grams(cw, n)) for n in (1, 3)}
    out |= {f"tile{k}": sum(tiled(k)) / max(1, len(cw)) for k in (3, 6)}
    out["passage"] = float(len(cw) and sum(tiled(PASSAGE_RUN)))  # no quotes in these texts
    return out


@pytest.mark.parametrize("kind", textgen.KINDS)
def test_containment_measures_equal_a_count_of_word_tuples(kind: str) -> None:
    rng = random.Random(11 + textgen.KINDS.index(kind))
    for _ in range(3):
        source, copy = textgen.make_pair(kind, rng, 300)
        plain = [
            t.replace('"', "").replace("“", "").replace("”", "") for t in (copy.text, source.text)
        ]
        want = _reference_containment(*plain)
        c = containment(_side(plain[1]), _side(plain[0]), "b", characters=False)
        for name, value in want.items():
            got = float(c.passage_words) if name == "passage" else c.get(name)
            assert got == pytest.approx(value, abs=1e-12), (kind, name)


@pytest.mark.parametrize(
    ("probs", "expected"),
    [
        ({"WD": 0.3, "PD": 0.3, "ND": 0.4}, "WD"),  # derivation likelier than not
        ({"WD": 0.2, "PD": 0.35, "ND": 0.45}, "PD"),
        ({"WD": 0.25, "PD": 0.25, "ND": 0.5}, "ND"),  # as likely as not: not derived
        ({"WD": 0.45, "PD": 0.0, "ND": 0.55}, "ND"),
    ],
)
def test_a_pair_is_derived_when_derivation_is_likelier_than_not(
    probs: dict[str, float], expected: str
) -> None:
    """Not the likeliest of three classes: the likeliest of derived and not derived, so
    that the relation agrees with the score (1 - P(not derived)) beside it."""
    from newstrace.verdict import _derivation

    assert _derivation(probs) == expected


def test_every_pair_scored_above_one_half_is_reuse() -> None:
    """The score is the model's P(derived): above 0.5 the relation is reuse (below it a
    pair may still be partial when a passage was taken), over generated pairs of every
    kind, read in both orders."""
    from newstrace.model import REUSE
    from newstrace.verdict import NOT_DERIVED_AT

    rng = random.Random(11)
    seen = 0
    for kind in ("verbatim", "spun", "partial", "unrelated"):
        for _ in range(6):
            a, b = textgen.make_pair(kind, rng)
            for x, y in ((a, b), (b, a)):
                c = compare(Article(id="x", text=x.text), Article(id="y", text=y.text))
                if c.score > NOT_DERIVED_AT:
                    seen += 1
                    assert c.relation in REUSE, (kind, c.score, c.relation)
    assert seen >= 30
