"""PAN text alignment: the evaluator on hand-made cases with known answers, PAN XML,
the detector on invented documents, the ``newstrace pan`` command, and one check on the
shared PAN 2013 sample (skipped when ../shared is absent).

All document text in this file was written for these tests.
"""

from __future__ import annotations

import math
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from newstrace.align import Passage, passages
from newstrace.cli import main
from newstrace.errors import InputError, OptionsError
from newstrace.model import Alignment, Span
from newstrace.pan import (
    DETECTION_NAME,
    Detection,
    Feature,
    PanOptions,
    PanResult,
    analyse,
    detect,
    detection,
    detection_rate,
    evaluate,
    granularity,
    macro_precision,
    macro_recall,
    pair_file_name,
    plagdet,
    read_pairs,
    read_xml,
    refine,
    result_from_alignments,
    run_pairs,
    threshold_at_fpr,
    write_xml,
)

SUSP, SRC = "suspicious-document00001.txt", "source-document00001.txt"


def case(to: int, tl: int, so: int, sl: int, susp: str = SUSP, src: str = SRC) -> Feature:
    return Feature(susp, to, tl, src, so, sl, "plagiarism")


def det(to: int, tl: int, so: int, sl: int, susp: str = SUSP, src: str = SRC) -> Feature:
    return Feature(susp, to, tl, src, so, sl)


# --- evaluator: hand-made cases -------------------------------------------------------


def test_perfect_detection_scores_one() -> None:
    cases = [case(100, 400, 50, 400), case(1000, 200, 900, 200, src="source-document00002.txt")]
    s = evaluate(
        cases, [det(100, 400, 50, 400), det(1000, 200, 900, 200, src="source-document00002.txt")]
    )
    assert (s.precision, s.recall, s.granularity, s.plagdet) == (1.0, 1.0, 1.0, 1.0)
    assert (s.cases, s.detections) == (2, 2)


def test_half_length_detection_has_recall_half() -> None:
    s = evaluate([case(100, 400, 50, 400)], [det(100, 200, 50, 200)])
    assert s.recall == pytest.approx(0.5)
    assert s.precision == pytest.approx(1.0)
    assert s.granularity == 1.0
    assert s.plagdet == pytest.approx(2 * 0.5 / 1.5)


def test_half_on_one_side_counts_characters_of_both_documents() -> None:
    # all 400 suspicious characters, 100 of 300 source characters: 500 of 700
    s = evaluate([case(0, 400, 0, 300)], [det(0, 400, 0, 100)])
    assert s.recall == pytest.approx(500 / 700)
    assert s.precision == pytest.approx(1.0)


def test_two_detections_for_one_case_give_granularity_two() -> None:
    s = evaluate([case(100, 400, 50, 400)], [det(100, 200, 50, 200), det(300, 200, 250, 200)])
    assert s.granularity == pytest.approx(2.0)
    assert s.recall == pytest.approx(1.0)
    assert s.precision == pytest.approx(1.0)
    assert s.plagdet == pytest.approx(1 / math.log2(3))


def test_detection_twice_as_long_has_precision_half() -> None:
    s = evaluate([case(100, 200, 100, 200)], [det(0, 400, 0, 400)])
    assert s.precision == pytest.approx(0.5)
    assert s.recall == pytest.approx(1.0)


def test_detection_must_overlap_on_both_sides_and_name_the_pair() -> None:
    cases = [case(100, 200, 100, 200)]
    assert macro_recall(cases, [det(100, 200, 5000, 200)]) == 0.0  # source side misses
    assert macro_recall(cases, [det(100, 200, 100, 200, src="source-document00009.txt")]) == 0.0
    other = "suspicious-document00009.txt"
    assert macro_recall(cases, [det(100, 200, 100, 200, susp=other)]) == 0.0
    s = evaluate(cases, [det(100, 200, 5000, 200)])
    assert (s.precision, s.recall, s.granularity, s.plagdet) == (0.0, 0.0, 1.0, 0.0)


def test_macro_averages_over_cases_and_detections() -> None:
    cases = [case(0, 100, 0, 100), case(1000, 900, 1000, 900)]
    dets = [det(0, 100, 0, 100), det(5000, 10, 5000, 10)]  # one exact, one false
    assert macro_recall(cases, dets) == pytest.approx(0.5)  # not 200/2000 (micro)
    assert macro_precision(cases, dets) == pytest.approx(0.5)


def test_one_detection_over_two_cases() -> None:
    cases = [case(0, 100, 0, 100), case(200, 100, 200, 100)]
    s = evaluate(cases, [det(0, 300, 0, 300)])
    assert s.recall == pytest.approx(1.0)
    assert s.precision == pytest.approx(400 / 600)  # the gap between the cases is wrong
    assert s.granularity == 1.0


def test_overlapping_detections_are_not_counted_twice() -> None:
    s = evaluate([case(0, 100, 0, 100)], [det(0, 80, 0, 80), det(20, 80, 20, 80)])
    assert s.recall == pytest.approx(1.0)
    assert s.granularity == pytest.approx(2.0)


def test_empty_sides() -> None:
    assert evaluate([], []).plagdet == 1.0
    s = evaluate([case(0, 100, 0, 100)], [])
    assert (s.precision, s.recall, s.granularity, s.plagdet) == (0.0, 0.0, 1.0, 0.0)
    s = evaluate([], [det(0, 100, 0, 100)])
    assert (s.precision, s.recall, s.plagdet) == (0.0, 0.0, 0.0)
    assert granularity([case(0, 10, 0, 10)], []) == 1.0


def test_plagdet_formula() -> None:
    assert plagdet(1.0, 1.0, 1.0) == 1.0
    assert plagdet(0.0, 0.0, 1.0) == 0.0
    assert plagdet(0.8, 0.6, 1.5) == pytest.approx((2 * 0.48 / 1.4) / math.log2(2.5))


# --- pair level -----------------------------------------------------------------------


def _scored(*scores: float) -> list[PanResult]:
    return [PanResult((), x) for x in scores]


def test_threshold_at_fpr() -> None:
    negatives = [i / 100 for i in range(100)]  # 0.00 .. 0.99
    t = threshold_at_fpr(negatives, 0.02)
    assert detection_rate(_scored(*negatives), t) <= 0.02
    assert detection_rate(_scored(*negatives), t) == pytest.approx(0.02)  # the lowest such
    assert t == pytest.approx(0.97)
    assert detection_rate(_scored(0.5, 0.98, 0.99, 2.0), t) == pytest.approx(0.75)
    assert threshold_at_fpr([0.3, 0.3, 0.3], 0.0) == 0.3  # ties: none above
    assert detection_rate([], 0.5) == 0.0


def test_rare_shared_names_count_whatever_the_score() -> None:
    weak = [PanResult((), 0.2, 2), PanResult((), 0.2, 1), PanResult((), 3.0, 0)]
    assert detection_rate(weak, 1.0) == pytest.approx(2 / 3)
    assert detection_rate(weak, 1.0, PanOptions(min_shared_names=0)) == pytest.approx(1 / 3)
    assert detection_rate(weak, 1.0, PanOptions(min_shared_names=1)) == pytest.approx(1.0)


# --- XML ------------------------------------------------------------------------------


def test_pair_file_name() -> None:
    assert pair_file_name(SUSP, SRC) == "suspicious-document00001-source-document00001.xml"
    assert pair_file_name("dir/a.txt", "b.txt") == "a-b.xml"


def test_xml_round_trip(tmp_path: Path) -> None:
    dets = [Detection(10, 300, 2000, 310), Detection(5000, 120, 0, 118)]
    path = write_xml(tmp_path / pair_file_name(SUSP, SRC), SUSP, SRC, dets)
    root = ElementTree.parse(path).getroot()
    assert root.tag == "document" and root.get("reference") == SUSP
    features = root.findall("feature")
    assert [list(f.attrib) for f in features] == [
        ["name", "this_offset", "this_length", "source_reference", "source_offset", "source_length"]
    ] * 2
    assert features[0].attrib == {
        "name": DETECTION_NAME,
        "this_offset": "10",
        "this_length": "300",
        "source_reference": SRC,
        "source_offset": "2000",
        "source_length": "310",
    }
    back = read_xml(path)
    assert back == [det(10, 300, 2000, 310), det(5000, 120, 0, 118)]
    assert read_xml(path, names=("plagiarism",)) == []


def test_empty_pair_writes_a_document_without_features(tmp_path: Path) -> None:
    path = write_xml(tmp_path / "x.xml", SUSP, SRC, [])
    assert ElementTree.parse(path).getroot().get("reference") == SUSP
    assert read_xml(path) == []


def test_read_truth_style_xml(tmp_path: Path) -> None:
    path = tmp_path / "truth.xml"
    path.write_text(
        f'<document reference="{SUSP}">\n'
        f'<feature name="plagiarism" obfuscation="none" source_length="319" '
        f'source_offset="3815" source_reference="{SRC}" this_length="319" '
        f'this_offset="1489" type="artificial" />\n'
        '<feature name="about" authors="someone" />\n'
        "</document>\n",
        encoding="utf-8",
    )
    assert read_xml(path) == [case(1489, 319, 3815, 319)]
    assert read_xml(path, names=("plagiarism",)) == [case(1489, 319, 3815, 319)]


@pytest.mark.parametrize(
    "text",
    [
        "<document",
        "<other/>",
        (
            '<document reference="a.txt"><feature name="x" '
            'source_reference="b.txt" this_offset="z"/></document>'
        ),
    ],
)
def test_read_bad_xml_raises_input_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError):
        read_xml(path)


# --- detection on invented documents --------------------------------------------------

SOURCE_TEXT = """Lighthouse keepers on the Varnholm coast kept logbooks for two centuries.
The oldest surviving logbook, dated 1791, records a storm that flattened the sheds at Kessby.
Keeper Aurelia Stenmark wrote that the lamp burned whale oil until the switch to kerosene in 1868.
Her daughter Ingrid took over the station after a fall left Aurelia unable to climb the stairs.
Ingrid measured rainfall with a copper gauge and mailed the figures to Tallmark every month.
The observatory printed them in a yellow pamphlet that fishermen used to plan the spring season.
A fire in 1903 destroyed most of the pamphlets, but nine copies survive in the parish archive.
Today the tower is automated and the keeper's cottage rents rooms to birdwatchers in the autumn.
"""

SUSPICIOUS_HEAD = """Community gardens have spread across the eastern districts since 2010.
Volunteers plant beans, squash and marigolds on plots leased from the railway company.
A seed library in the old post office lends packets that borrowers return after the harvest.
The district council pays for water, while a bakery donates compost from its flour sacks.
"""

SUSPICIOUS_TAIL = """Schoolchildren visit on Thursdays to weigh the pumpkins and label the herbs.
The gardeners hold a soup supper each October and invite the neighbours who lent tools.
Plans for next year include a greenhouse built from salvaged window frames.
"""

COPIED = SOURCE_TEXT.splitlines(keepends=True)[2:6]


def invented_pair() -> tuple[str, str, str]:
    passage = "".join(COPIED)
    return SUSPICIOUS_HEAD + passage + SUSPICIOUS_TAIL, SOURCE_TEXT, passage.strip()


def test_detect_finds_the_copied_passage_exactly() -> None:
    susp, src, passage = invented_pair()
    found = detect(susp, src)
    assert found == [Detection(susp.index(passage), len(passage), src.index(passage), len(passage))]


def test_detect_on_unrelated_texts_finds_nothing() -> None:
    result = analyse(SUSPICIOUS_HEAD + SUSPICIOUS_TAIL, SOURCE_TEXT)
    assert result.detections == ()
    susp, src, _ = invented_pair()
    assert analyse(susp, src).score > result.score + 1.0


def test_detect_handles_empty_text() -> None:
    assert detect("", SOURCE_TEXT) == []
    assert analyse("   \n", SOURCE_TEXT).score == 0.0


def test_neighbouring_alignments_merge_into_one_passage() -> None:
    def al(a0: int, a1: int, b0: int, b1: int) -> Alignment:
        return Alignment(Span(a0, a1), Span(b0, b1), 0.9, "verbatim", (0,), (0,), ((0, 0),))

    alignments = [al(0, 100, 500, 600), al(110, 200, 605, 700), al(5000, 5100, 5000, 5100)]
    merged = passages(alignments, max_gap=50)
    assert [(p.a_start, p.a_end, p.b_start, p.b_end, p.alignments) for p in merged] == [
        (0, 200, 500, 700, 2),
        (5000, 5100, 5000, 5100, 1),
    ]
    assert len(passages(alignments, max_gap=5)) == 3
    assert len(passages([al(0, 100, 0, 100), al(110, 200, 3000, 3100)], max_gap=50)) == 2


def test_refine_trims_unshared_sentence_parts() -> None:
    susp = "Menu Home Contact Shop. The copper gauge was mailed to Tallmark each month. Fin"
    src = "Other opening words here. The copper gauge was mailed to Tallmark each month. X"
    shared = "The copper gauge was mailed to Tallmark each month."
    p = refine(Passage(0, len(susp), 0, len(src), 3.0, 2), susp, src)
    assert susp[p.a_start : p.a_end] == shared
    assert src[p.b_start : p.b_end] == shared
    assert refine(p, susp, src, PanOptions(min_block_words=0)) == p


def test_options_are_checked() -> None:
    with pytest.raises(OptionsError):
        PanOptions(min_alignment_score=1.5)
    with pytest.raises(OptionsError):
        PanOptions(max_gap=-1)
    with pytest.raises(OptionsError):
        PanOptions(min_pair_score=-0.5)
    with pytest.raises(OptionsError):
        PanOptions(min_pair_score=float("nan"))
    with pytest.raises(OptionsError, match="min_shared_names"):
        PanOptions(min_shared_names=-1)
    with pytest.raises(OptionsError, match="max_name_share"):
        PanOptions(max_name_share=1.5)


# --- the pair-level operating point ---------------------------------------------------


def test_pair_at_or_below_min_pair_score_reports_nothing_above_reports_its_passage() -> None:
    susp, src, passage = invented_pair()
    found = analyse(susp, src)
    assert found.score > PanOptions().min_pair_score and found.detections  # default: reported
    at = analyse(susp, src, PanOptions(min_pair_score=found.score))
    assert at.detections == () and at.score == found.score  # the score is still given
    above = analyse(susp, src, PanOptions(min_pair_score=found.score - 0.01))
    assert above.detections == found.detections
    assert [susp[d.this_offset : d.this_offset + d.this_length] for d in above.detections] == [
        passage
    ]


REWORDED = [  # the four COPIED sentences, each said again in other words
    "Stenmark, the keeper, said whale oil fed the lamp up to 1868, then kerosene.\n",
    "Once a fall kept Aurelia off the stairs, Ingrid, her daughter, took charge.\n",
    "Each month the copper gauge readings went by mail from Ingrid to Tallmark.\n",
    "The observatory put them in a yellow booklet fishing crews used each spring.\n",
]


def weak_alignments(score: float) -> tuple[str, str, list[Alignment]]:
    """The invented pair with REWORDED in place of COPIED, and one alignment per
    reworded sentence to its original, each scoring ``score``."""
    susp = SUSPICIOUS_HEAD + "".join(REWORDED) + SUSPICIOUS_TAIL
    out = []
    for k, (mine, theirs) in enumerate(zip(REWORDED, COPIED, strict=True)):
        a0, b0 = susp.index(mine), SOURCE_TEXT.index(theirs)
        out.append(
            Alignment(
                Span(a0, a0 + len(mine) - 1),
                Span(b0, b0 + len(theirs) - 1),
                score,
                "paraphrase",
                (k,),
                (k,),
                ((k, k),),
            )
        )
    return susp, SOURCE_TEXT, out


def test_weak_pair_above_min_pair_score_reports_its_strongest_passage() -> None:
    # Alignments below min_alignment_score make no passage of their own, but together
    # (4 x 0.4 = 1.6 of evidence) they put the pair above the default operating point:
    # the pair then reports its strongest passage, all four sentences merged, refined
    # (its ends moved to the first and last run of shared words).
    susp, src, alignments = weak_alignments(0.4)
    options = PanOptions()
    assert options.min_alignment_score > 0.4 and options.min_pair_score < 1.6
    result = result_from_alignments(alignments, susp, src)
    assert result.score == pytest.approx(1.6)
    first, last = alignments[0], alignments[-1]
    merged = Passage(first.a.start, last.a.end, first.b.start, last.b.end, 1.6, 4)
    (found,) = result.detections
    assert found == detection(refine(merged, susp, src))
    assert (
        merged.a_start <= found.this_offset < found.this_offset + found.this_length <= merged.a_end
    )
    # the same pair at or below the operating point: nothing, whatever its passages
    assert (
        result_from_alignments(alignments, susp, src, PanOptions(min_pair_score=1.6)).detections
        == ()
    )
    assert result_from_alignments(alignments[:2], susp, src).detections == ()  # 0.8
    assert result_from_alignments([], susp, src) == result_from_alignments(
        [], susp, src, PanOptions(min_pair_score=0.0)
    )


# --- files and the command ------------------------------------------------------------


def write_invented_corpus(root: Path) -> tuple[Path, Path, Path]:
    susp_dir, src_dir = root / "susp", root / "src"
    susp_dir.mkdir()
    src_dir.mkdir()
    susp, src, _ = invented_pair()
    (susp_dir / "s1.txt").write_text(susp, encoding="utf-8")
    (susp_dir / "s2.txt").write_text(SUSPICIOUS_HEAD + SUSPICIOUS_TAIL, encoding="utf-8")
    (src_dir / "r1.txt").write_text(src, encoding="utf-8")
    pairs = root / "pairs"
    pairs.write_text("# suspicious source\ns1.txt r1.txt\n\ns2.txt r1.txt\n", encoding="utf-8")
    return pairs, susp_dir, src_dir


def test_read_pairs(tmp_path: Path) -> None:
    pairs, _, _ = write_invented_corpus(tmp_path)
    assert read_pairs(pairs) == [("s1.txt", "r1.txt"), ("s2.txt", "r1.txt")]
    bad = tmp_path / "bad"
    bad.write_text("s1.txt r1.txt\nonly-one-name\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad:2"):
        read_pairs(bad)


# A retelling that keeps only the names of its source (what a summary cannot reword),
# a source, and documents of other stories: no sentence of the two shares its wording.
NAMED_SOURCE = (
    "Engineers from the Lowmoor Water Board spent the night pumping the flooded cellars "
    "of the old mill. The work was led by Harriet Quarrendon, who has run the depot for "
    "eleven years. Residents were told the supply would be restored by the weekend.\n"
)
NAMED_RETELLING = (
    "A long night for the crews. Harriet Quarrendon and her team at the Lowmoor Water "
    "Board kept the pumps going until dawn, and people nearby expect their taps to work "
    "again soon.\n"
)
OTHER_STORIES = (
    "The village fete raised money for the church roof. Stalls sold cakes and plants.\n",
    "A cyclist was treated in hospital after a fall on the hill road near the quarry.\n",
    "The council agreed a budget for repairs to the bridge over the canal next spring.\n",
    "Pupils of the primary school planted trees along the playing field this week.\n",
)


def write_named_corpus(root: Path) -> tuple[list[tuple[str, str]], Path, Path]:
    susp_dir, src_dir = root / "susp", root / "src"
    susp_dir.mkdir()
    src_dir.mkdir()
    (susp_dir / "retold.txt").write_text(NAMED_RETELLING, encoding="utf-8")
    (src_dir / "named.txt").write_text(NAMED_SOURCE, encoding="utf-8")
    pairs = [("retold.txt", "named.txt")]
    for k, text in enumerate(OTHER_STORIES):
        folder, name = (susp_dir, f"s{k}.txt") if k % 2 == 0 else (src_dir, f"r{k}.txt")
        (folder / name).write_text(text, encoding="utf-8")
    pairs += [("s0.txt", "r1.txt"), ("s2.txt", "r3.txt"), ("retold.txt", "r1.txt")]
    return pairs, susp_dir, src_dir


def test_rare_names_shared_make_a_detection_without_shared_wording(tmp_path: Path) -> None:
    pairs, susp_dir, src_dir = write_named_corpus(tmp_path)
    options = PanOptions(max_name_share=0.4)  # 6 documents: a name in at most 2 is rare
    results = run_pairs(pairs, susp_dir, src_dir, options=options)
    found = results[("retold.txt", "named.txt")]
    assert found.score <= options.min_pair_score  # the wording alone finds nothing
    assert found.shared_names == 2
    (det,) = found.detections
    susp = NAMED_RETELLING[det.this_offset : det.this_offset + det.this_length]
    src = NAMED_SOURCE[det.source_offset : det.source_offset + det.source_length]
    assert susp.startswith("Harriet Quarrendon") and susp.endswith("Lowmoor Water Board")
    assert src.startswith("Lowmoor Water Board") and src.endswith("Harriet Quarrendon")
    for other in pairs[1:]:
        assert results[other] == PanResult((), 0.0)


def test_names_are_not_rare_in_a_handful_of_documents_or_when_common(tmp_path: Path) -> None:
    pairs, susp_dir, src_dir = write_named_corpus(tmp_path)
    # The default: one document in 500; six documents cannot tell a rare name.
    assert run_pairs(pairs, susp_dir, src_dir)[pairs[0]] == PanResult((), 0.0)
    # A name in three of the six documents is common here.
    (susp_dir / "s2.txt").write_text(
        "Harriet Quarrendon and the Lowmoor Water Board opened the fete.\n", encoding="utf-8"
    )
    options = PanOptions(max_name_share=0.4)
    assert run_pairs(pairs, susp_dir, src_dir, options=options)[pairs[0]].shared_names == 0
    off = PanOptions(max_name_share=0.4, min_shared_names=0)
    assert run_pairs(pairs[:1], susp_dir, src_dir, options=off)[pairs[0]] == PanResult((), 0.0)


def test_run_pairs_checks_files_first(tmp_path: Path) -> None:
    _, susp_dir, src_dir = write_invented_corpus(tmp_path)
    with pytest.raises(InputError, match=r"missing\.txt"):
        run_pairs([("s1.txt", "r1.txt"), ("s1.txt", "missing.txt")], susp_dir, src_dir)


def test_cli_pan_writes_pan_xml(tmp_path: Path) -> None:
    pairs, susp_dir, src_dir = write_invented_corpus(tmp_path)
    out = tmp_path / "out"
    scores = tmp_path / "scores.tsv"
    result = CliRunner().invoke(
        main,
        [
            "pan",
            "--pairs",
            str(pairs),
            "--susp",
            str(susp_dir),
            "--src",
            str(src_dir),
            "--out",
            str(out),
            "--scores",
            str(scores),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2 pairs, 1 with detections" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["s1-r1.xml", "s2-r1.xml"]
    root = ElementTree.parse(out / "s1-r1.xml").getroot()
    assert root.get("reference") == "s1.txt"
    (feature,) = root.findall("feature")
    assert feature.get("name") == "detected-plagiarism"
    assert feature.get("source_reference") == "r1.txt"
    susp = (susp_dir / "s1.txt").read_text(encoding="utf-8")
    src = (src_dir / "r1.txt").read_text(encoding="utf-8")
    to, tl, so, sl = (
        int(feature.get(k))
        for k in ("this_offset", "this_length", "source_offset", "source_length")
    )
    assert susp[to : to + tl] == src[so : so + sl] == invented_pair()[2]
    assert ElementTree.parse(out / "s2-r1.xml").getroot().findall("feature") == []
    rows = scores.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "suspicious\tsource\tscore\tdetections\tshared_names"
    assert [r.split("\t")[3:] for r in rows[1:]] == [["1", "0"], ["0", "0"]]


def test_cli_pan_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    pairs, susp_dir, src_dir = write_invented_corpus(tmp_path)
    pairs.write_text("s1.txt nowhere.txt\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "pan",
            "--pairs",
            str(pairs),
            "--susp",
            str(susp_dir),
            "--src",
            str(src_dir),
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 2
    assert "nowhere.txt" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --- the shared PAN 2013 sample -------------------------------------------------------


def test_pan13_verbatim_pairs(shared_data: Path) -> None:
    """The first 20 no-obfuscation and 20 no-plagiarism pairs of the sample. Measured:
    plagdet 0.921 (P 0.931, R 0.911, granularity 1.0); no detection in the negatives.
    The published offsets of this copy are a few characters off the texts (see
    bench/eval_pan.py), which caps plagdet near 0.94."""
    data = shared_data / "pan13-subset"
    if not data.is_dir():
        pytest.skip("../shared/data/pan13-subset is not present")
    by_cat = {
        c: read_pairs(data / "pairs-by-category" / f"pairs-{c}")[:20]
        for c in ("no-obfuscation", "no-plagiarism")
    }
    pos = run_pairs(by_cat["no-obfuscation"], data / "susp", data / "final_txt_files", jobs=2)
    neg = run_pairs(by_cat["no-plagiarism"], data / "susp", data / "final_txt_files", jobs=2)
    cases = []
    for susp, src in by_cat["no-obfuscation"]:
        cases += read_xml(
            data / "02-no-obfuscation" / pair_file_name(susp, src), names=("plagiarism",)
        )
    dets = [
        Feature(s, d.this_offset, d.this_length, r, d.source_offset, d.source_length)
        for (s, r), res in pos.items()
        for d in res.detections
    ]
    scores = evaluate(cases, dets)
    assert scores.plagdet >= 0.88, scores
    assert scores.granularity <= 1.05, scores
    assert sum(1 for res in neg.values() if res.detections) <= 1
    assert sum(1 for res in pos.values() if res.detections) >= 19


def test_read_pan_text_keeps_offsets(tmp_path: Path) -> None:
    from newstrace.pan import read_pan_text

    path = tmp_path / "d.txt"
    path.write_bytes(b"\xef\xbb\xbfline one\r\nline two\n")
    assert read_pan_text(path) == "\ufeffline one\r\nline two\n"  # nothing dropped or folded
