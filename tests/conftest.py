"""Shared fixtures: paths to the project's own demo corpus and to ../shared (optional)."""

from __future__ import annotations

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
