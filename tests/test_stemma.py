"""Stemma stage: copy trees of families built from the project's own generated text."""

from __future__ import annotations

import random
from collections.abc import Sequence
from itertools import combinations

from newstrace.compare import compare_prepared, prepare
from newstrace.model import Article, Comparison
from newstrace.stemma import copy_tree
from newstrace_synth import textgen as tg
from newstrace_synth.chains import chain_families
from newstrace_synth.corpus import grammar_story
from newstrace_synth.textgen import Story


def compare_all(members: Sequence[Article]) -> list[Comparison]:
    prepared = {m.id: prepare(m) for m in members}
    return [compare_prepared(prepared[x], prepared[y]) for x, y in combinations(prepared, 2)]


def article(id: str, story: Story, published: str | None = None) -> Article:
    return Article(id=id, text=story.text, site=story.site, published=published)


def original(seed: int) -> tuple[random.Random, Story]:
    rng = random.Random(seed)
    story, _ = grammar_story(rng, words=450, stock=0)
    return rng, story


def test_copy_of_a_copy_hangs_from_the_copy_it_carries_changes_of() -> None:
    """A -> B -> C: C carries B's dropped sentences, changed figure and wording, so
    its parent is B, not the original, whatever the order of the ids."""
    rng, a = original(11)
    b = tg.spin(a, rng, rate=0.3, drop=0.15, alter_numbers=2)
    c = tg.spin(b, rng, rate=0.15, drop=0.05, alter_numbers=1)
    members = [article("z-a", a), article("m-b", b), article("a-c", c)]
    tree = copy_tree(members, compare_all(members))
    assert tree.root == "z-a"
    assert tree.parents() == {"z-a": None, "m-b": "z-a", "a-c": "m-b"}
    assert any("m-b" in r for r in tree.edge("a-c").reasons)
    assert 0 < tree.edge("a-c").confidence <= 1


def test_two_rewrites_of_one_original_are_siblings() -> None:
    rng, a = original(12)
    b = tg.spin(a, rng, rate=0.4, drop=0.12)
    c = tg.spin(a, rng, rate=0.4, drop=0.12)
    members = [
        article("b", b, "2024-05-01T11:00+00:00"),
        article("c", c, "2024-05-01T10:00+00:00"),
        article("a", a, "2024-05-01T08:00+00:00"),
    ]
    tree = copy_tree(members, compare_all(members))
    assert tree.root == "a"
    assert tree.parents() == {"a": None, "b": "a", "c": "a"}
    assert set(tree.children("a")) == {"b", "c"}


def test_a_copy_is_never_the_parent_of_an_earlier_one() -> None:
    rng, a = original(11)
    b = tg.spin(a, rng, rate=0.3, drop=0.15, alter_numbers=2)
    c = tg.spin(b, rng, rate=0.15, drop=0.05, alter_numbers=1)
    members = [
        article("a", a, "2024-05-01T08:00+00:00"),
        article("b", b, "2024-05-01T12:00+00:00"),
        article("c", c, "2024-05-01T10:00+00:00"),  # "earlier" than its true parent
    ]
    tree = copy_tree(members, compare_all(members))
    assert tree.edge("c").parent != "b"
    assert any("published after it" in r for r in tree.edge("c").reasons)


def test_identical_texts_without_metadata_leave_the_original_undecided() -> None:
    """A verbatim reprint with no time and no credit cannot be told from its original:
    the tree says so instead of guessing."""
    rng, a = original(13)
    b = tg.reprint(a, rng)
    members = [article("x", a), article("y", b)]
    tree = copy_tree(members, compare_all(members))
    other = "y" if tree.root == "x" else "x"
    assert tree.root_confidence == 0.0
    assert tree.edge(other).parent is None
    assert tree.edge(other).undecided == (tree.root,)
    assert any("nothing tells" in r for r in tree.edge(other).reasons)


def test_where_nothing_else_tells_the_agency_s_own_copy_is_the_original() -> None:
    """Two members that no reuse link joins (a rewrite too deep for the verdict): the
    one carrying a news agency's byline, with the writer's title, is taken as the
    original before the longer one, and the other hangs from it for want of evidence."""
    _, a = original(21)
    b, _ = grammar_story(random.Random(22), words=900, stock=0)
    wire = Article(id="z-wire", text="By Jane Doe, Harbour Correspondent, Reuters\n\n" + a.text)
    paper = Article(id="a-paper", text=b.text)
    assert len(paper.text) > len(wire.text)
    tree = copy_tree([wire, paper], compare_all([wire, paper]))
    assert tree.root == "z-wire"
    assert any("news agency's own copy" in r for r in tree.root_reasons)
    edge = tree.edge("a-paper")  # told apart from the root, so not left undecided
    assert edge.parent == "z-wire" and not edge.undecided and edge.confidence == 0.0


def test_credited_copy_reports_its_credit_on_the_edge() -> None:
    rng, a = original(14)
    b = tg.spin(a, rng, rate=0.3)
    b = tg.replace(b, footer=(*b.footer, f"The post {b.headline} appeared first on {a.site}."))
    members = [article("a", a, "2024-05-01"), article("b", b, "2024-05-02")]
    tree = copy_tree(members, compare_all(members))
    credit = tree.edge("b").credit
    assert credit is not None and credit.credited is True
    assert credit.text == f"The post {b.headline} appeared first on {a.site}."
    assert tree.edge("a").credit is None  # the root has no source to credit
    summary = tree.credit_summary()
    assert (summary.copies, summary.credited, summary.uncredited) == (1, 1, 0)


def test_generated_families_mostly_right() -> None:
    """A handful of generated families: the original is found and most parents are
    right (the benchmark measures the rates on 200 families)."""
    right = total = roots = 0
    families = chain_families(6, seed=5)
    for fam in families:
        members = fam.articles()
        tree = copy_tree(members, compare_all(members))
        roots += tree.root == fam.root
        truth = fam.parents()
        for e in tree.edges:
            if truth[e.child] is not None:
                total += 1
                right += e.parent == truth[e.child]
    assert roots >= len(families) - 1
    assert right >= 0.75 * total


def test_empty_and_single_member_families() -> None:
    assert copy_tree([], []).root is None
    _, a = original(15)
    tree = copy_tree([article("solo", a)], [])
    assert tree.root == "solo"
    assert tree.parents() == {"solo": None}


def test_a_reprint_that_credits_the_original_is_not_the_root() -> None:
    """A verbatim reprint without times is told from its original by its credit line:
    a copy names its source, never its copies."""
    rng, a = original(13)
    b = tg.reprint(a, rng)
    b = tg.replace(b, footer=(*b.footer, f"{a.site} first reported the story."))
    members = [article("y", b), article("x", a)]
    tree = copy_tree(members, compare_all(members))
    assert tree.root == "x"
    assert tree.edge("y").parent == "x"


def test_a_member_no_comparison_links_hangs_from_the_root_without_confidence() -> None:
    rng, a = original(12)
    b = tg.spin(a, rng, rate=0.3, drop=0.1)
    _, unrelated = original(99)
    members = [
        article("a", a, "2024-05-01T08:00+00:00"),
        article("b", b, "2024-05-01T10:00+00:00"),
        article("u", unrelated, "2024-05-01T12:00+00:00"),
    ]
    tree = copy_tree(members, compare_all(members))
    assert tree.root == "a"
    assert tree.edge("u").parent == "a"
    assert tree.edge("u").confidence == 0.0
    assert any("no reuse comparison" in r for r in tree.edge("u").reasons)


_LINES = (
    "The harbour board approved a new ferry timetable on Tuesday after a long meeting.",
    "A report from the council found that 412 passengers missed connections last winter.",
    "Union leaders said the talks with the operator had been difficult but useful.",
    "The operator will add two early sailings from the north pier in March.",
    "Residents of the island had asked for the change for more than three years.",
    "The plan also moves the last evening sailing forward by twenty minutes.",
    "Councillor Mara Tellis said the board had listened to families and workers.",
    "The new timetable is due to start on the first Monday of April.",
)
_EDITS = (("report", "study"), ("talks", "negotiations"), ("plan", "proposal"))


def _text(lines: Sequence[str]) -> str:
    return "Ferry timetable changed\n\n" + "\n\n".join(lines)


def test_the_original_is_the_member_whose_readings_the_other_copies_keep() -> None:
    """A light edit replaced three words of the original; two other copies keep the
    original's words in those places (and reword elsewhere). Nothing else tells the
    original from the edit (no times, no credit, nothing dropped), and the edit is the
    longer text, which the last tie-break would prefer: the readings decide, each read in
    its place (the copies use the edit's new words elsewhere too)."""
    edited = list(_LINES)
    for k, (old, new) in zip((1, 2, 5), _EDITS, strict=True):
        edited[k] = edited[k].replace(old, new)
    sibling_1 = list(_LINES)
    sibling_1[0] = sibling_1[0].replace("long meeting", "lengthy session")
    sibling_1[6] = sibling_1[6].replace("listened to", "heard")
    # The copies use the edit's new words elsewhere: a word counts only in its place.
    sibling_1[4] = sibling_1[4].replace("the change", "a study and negotiations on the change")
    sibling_2 = list(_LINES)
    sibling_2[4] = sibling_2[4].replace("the change", "a proposal and a study of the change")
    sibling_2[3] = sibling_2[3].replace("early sailings", "morning crossings")
    sibling_2[7] = sibling_2[7].replace("is due to start", "begins")
    members = [
        Article(id="a-edit", text=_text(edited)),
        Article(id="b-copy", text=_text(sibling_1)),
        Article(id="c-copy", text=_text(sibling_2)),
        Article(id="z-original", text=_text(_LINES)),
    ]
    tree = copy_tree(members, compare_all(members))
    assert tree.root == "z-original"


def test_a_quote_left_out_is_no_reading_a_changed_one_is() -> None:
    """Newspapers cut quotes alike, so two copies that both leave one out share an
    omission, not a reading that shows descent; a quote changed is a reading."""
    from newstrace.stemma import _changes, _Link

    a = Article(
        id="a",
        text="The harbour board met in Tarnby on Monday.\n\n"
        "Board chairman Ines Calloway called the storm damage “the worst in forty years” "
        "and promised a full review of the sea wall.",
    )
    b = Article(
        id="b",
        text="The harbour board met in Tarnby on Monday.\n\n"
        "Board chairman Ines Calloway promised a full review of the sea wall.",
    )
    c = Article(
        id="c",
        text="The harbour board met in Tarnby on Monday.\n\n"
        "Board chairman Ines Calloway called the storm damage “the worst in fifty years” "
        "and promised a full review of the sea wall.",
    )
    (left_out,) = compare_all([a, b])
    (changed,) = compare_all([a, c])
    assert "quote_dropped" in [d.kind for d in left_out.drifts]
    assert "quote_changed" in [d.kind for d in changed.drifts]
    assert not [r for r in _changes(_Link(left_out, True)).readings if r[0] == "quote"]
    assert [r for r in _changes(_Link(changed, True)).readings if r[0] == "quote"]


def _runs_brute(words: Sequence[str], reading: tuple[str, ...]) -> bool:
    n = len(reading)
    return any(tuple(words[k : k + n]) == reading for k in range(len(words) - n + 1))


def test_a_member_has_a_reading_exactly_when_its_words_hold_it_in_a_row() -> None:
    """``_Words.has`` searches the member's joined words; a text holding the separator
    is looked up in its runs instead. Both answer as a word-by-word search does
    (partial words never match: "cat" is not in "concat")."""
    from newstrace.stemma import _Words

    rng = random.Random(3)
    vocab = ["a", "cat", "concat", "sat", "on", "the", "mat", "at", "ca", "t"]
    for glue in (" ", " \x00 "):  # the second text holds the separator itself
        text = glue.join(rng.choice(vocab) for _ in range(300))
        words = _Words()
        member = Article(id="z", text=text)
        forms = words.forms(member)
        for _ in range(400):
            n = rng.randint(1, 5)
            k = rng.randrange(len(forms) - n)
            reading = tuple(forms[k : k + n])
            if rng.random() < 0.5:  # a reading that may or may not be there
                reading = tuple(rng.choice(vocab) for _ in range(n))
            assert words.has(member, reading) == _runs_brute(forms, reading), reading


def test_merged_passages_and_their_overlaps() -> None:
    """Spans that overlap or touch are merged; a passage overlaps another link's
    passages when it shares a character with their merged spans (touching is not
    sharing)."""
    import numpy as np

    from newstrace.stemma import _merged, _Reused

    starts, ends = np.array([30, 0, 10, 50]), np.array([40, 10, 20, 60])
    m_starts, m_ends = _merged(starts, ends)
    assert m_starts.tolist() == [0, 30, 50] and m_ends.tolist() == [20, 40, 60]
    mask = np.zeros(4, dtype=bool)
    other = _Reused(starts, ends, [frozenset()] * 4, mask, m_starts, m_ends)
    mine = _Reused(
        np.array([20, 25, 39, 60]),
        np.array([30, 28, 45, 70]),
        [frozenset({"w"}), frozenset({"x"}), frozenset({"y"}), frozenset({"z"})],
        mask,
        *_merged(np.array([20, 25, 39, 60]), np.array([30, 28, 45, 70])),
    )
    assert mine.words_overlapping(other) == {"y"}
