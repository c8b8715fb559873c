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
