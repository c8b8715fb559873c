"""``newstrace.__all__`` is the public API the README documents, no more and no less."""

from __future__ import annotations

import re
from pathlib import Path

import newstrace

README = Path(__file__).resolve().parents[1] / "README.md"
_LIST_INTRO = "Everything `import newstrace` offers"
_NAME = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)`")


def documented_names() -> list[str]:
    """The plain names in backticks of the README's bullet list of the public API
    (dotted paths such as ``newstrace.compare.compare_prepared`` are pointers, not names)."""
    text = README.read_text(encoding="utf-8")
    assert _LIST_INTRO in text, f"README.md lost its public API list ({_LIST_INTRO!r})"
    after = text.split(_LIST_INTRO, 1)[1]
    items: list[str] = []
    in_list = False
    for line in after.splitlines()[1:]:
        if line.startswith("* "):
            in_list = True
            items.append(line[2:])
        elif in_list and line.startswith("  ") and line.strip():
            items[-1] += " " + line.strip()  # a bullet wrapped over more lines
        elif in_list:
            break
    assert items, "the README's public API list has no bullets"
    return [name for item in items for name in _NAME.findall(item)]


def test_all_is_sorted_and_unique() -> None:
    assert list(newstrace.__all__) == sorted(set(newstrace.__all__))


def test_all_matches_the_readme() -> None:
    documented = documented_names()
    assert len(documented) == len(set(documented)), "a name is listed twice in the README"
    assert set(newstrace.__all__) == set(documented), (
        f"only in __all__: {sorted(set(newstrace.__all__) - set(documented))}; "
        f"only in the README: {sorted(set(documented) - set(newstrace.__all__))}"
    )


def test_every_public_name_exists_and_nothing_else_is_starred() -> None:
    for name in newstrace.__all__:
        assert hasattr(newstrace, name), name
    namespace: dict[str, object] = {}
    exec("from newstrace import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(newstrace.__all__)
