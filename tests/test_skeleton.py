"""Skeleton stage: the names a passage keeps (all text invented for these tests)."""

from __future__ import annotations

from newstrace.skeleton import facts


def _names(text: str) -> list[str]:
    return [f.text for f in facts(text) if f.kind == "name"]


def test_a_name_ends_where_its_sentence_ends() -> None:
    """A copy that splits a sentence after a place name must not grow a name the
    original lacks ("Pellmoor. Engineers"), which the source stage would count as a
    fact only the copy holds."""
    assert _names("Crews worked across Pellmoor. Engineers reopened the road.") == ["Pellmoor"]
    assert _names("The depot on Lethorpe Row\nCouncil Budget") == ["Lethorpe Row", "Council Budget"]


def test_initials_and_abbreviations_stay_inside_a_name() -> None:
    assert _names("She met J. K. Doe and the U.S. Army at St. Anne's.") == [
        "J. K. Doe",
        "U.S. Army",
        "St. Anne's",
    ]


def test_taken_ranges_answer_overlap_as_a_scan_of_all_of_them() -> None:
    """``_Taken`` (bisection over the disjoint ranges values hold) says what testing
    every range says, touching ranges not overlapping: a paragraph of many numbers no
    longer costs its names a pass over all of them each (a 1,500-row results table:
    5.3 s -> 0.09 s)."""
    import random

    from newstrace.skeleton import _Taken

    rng = random.Random(7)
    for _ in range(200):
        taken, held = _Taken(), []
        for _ in range(rng.randrange(12)):
            s = rng.randrange(60)
            e = s + rng.randrange(1, 6)
            if not any(s < te and ts < e for ts, te in held):
                taken.add(s, e)
                held.append((s, e))
        for s in range(60):
            for e in range(s + 1, s + 8):
                assert taken.overlaps(s, e) == any(s < te and ts < e for ts, te in held)


def _date_keys(text: str) -> list[str]:
    return [f.key for f in facts(text) if f.kind == "date"]


def test_one_calendar_day_has_one_key_however_it_is_written() -> None:
    keys = _date_keys(
        "The ferry sailed on December 10, again on 10 December and on Dec. 10th, "
        "then on the 10th of December."
    )
    assert keys == ["10 december"] * 4, keys
    assert _date_keys("Talks resume in Sept 2024.") == ["september 2024"]


def test_numeric_dates_are_found_with_and_without_month_words() -> None:
    """A passage with digits but no month or weekday word is read with the date
    pattern's numeric forms alone: the same dates as the whole pattern finds."""
    numeric = "Filed 2024-08-11, amended 12/05/2021, first heard in 1998 by 14 judges."
    assert _date_keys(numeric) == ["2024-08-11", "12/05/2021", "1998"]
    worded = numeric + " Heard again on Monday."
    assert _date_keys(worded) == ["2024-08-11", "12/05/2021", "1998", "monday"]


def test_a_less_precise_date_lies_inside_a_fuller_one_as_words() -> None:
    """Drift reads "June 2021" and "4 June" as the day "June 4, 2021" told with less:
    each key lies inside the fuller key as whole words."""
    (full,) = _date_keys("The vote was held on June 4, 2021.")
    for shorter in ("The vote was held in June 2021.", "The vote was held on 4 June."):
        (key,) = _date_keys(shorter)
        assert f" {key} " in f" {full} ", (key, full)


def _number_keys(text: str) -> list[str]:
    return [f.key for f in facts(text) if f.kind == "number"]


def test_one_number_has_one_key_however_its_scale_is_written() -> None:
    """Per cent as a sign or words, millions and billions in full or in the short form of
    financial copy: one key each. A short scale counts only after a currency sign."""
    assert _number_keys("Fares rose 5 per cent, then 5 percent, then 5%.") == ["5%"] * 3
    assert _number_keys("The port claims £8m, or £8 million, and £3.2m more.") == [
        "£8million",
        "£8million",
        "£3.2million",
    ]
    assert _number_keys("The yard cost $2bn, some $2 billion.") == ["$2billion"] * 2
    assert _number_keys("She ran the 100m and climbed a 10m wall.") == ["100", "10"]


def test_the_digits_of_a_code_are_no_number() -> None:
    assert _number_keys("The M25 was shut before the G7 summit, for 3 hours.") == ["3"]


def test_one_time_has_one_key_with_a_colon_or_a_full_stop() -> None:
    keys = [
        f.key for f in facts("The vote was at 7.14pm, or 7:14 pm by the clock.") if f.kind == "time"
    ]
    assert keys == ["7:14pm", "7:14pm"], keys
