"""Shared fixtures: paths to the project's own demo corpus and to ../shared (optional)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo" / "corpus"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture()
def demo_dir() -> Path:
    return DEMO


@pytest.fixture()
def seeds() -> tuple[Path, Path]:
    """The two seed copies (lightly reworded 000, deep spin 003); skips when absent."""
    a = SEEDS / "000_59e6accab57bc82d.txt"
    b = SEEDS / "003_5bde65eb5c9cc6ce.txt"
    if not (a.exists() and b.exists()):
        pytest.skip("../shared/seeds is not present")
    return a, b


@pytest.fixture()
def shared_data() -> Path:
    path = SHARED / "data"
    if not path.is_dir():
        pytest.skip("../shared/data is not present")
    return path


def name_maker(rng: random.Random) -> Callable[[], str]:
    """Invented names of three syllables ("Kabotu"), drawn from ``rng``: a skeleton of
    names that no two tests share by chance."""

    def name() -> str:
        return "".join(
            rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3)
        ).capitalize()

    return name


def met_sentence(names: list[str]) -> str:
    """A sentence of four names and the same few words (so only its names tell it apart)."""
    return f"{names[0]} met {names[1]} and {names[2]} in {names[3]} on the day."
