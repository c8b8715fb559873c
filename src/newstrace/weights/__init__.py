"""The learned weights shipped with newstrace: small JSON model files, each rebuilt by a
script under bench/ (``model.py`` holds the data model, the result types)."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..errors import OptionsError

__all__ = ["read_model"]


def read_model(name: str, path: str | None, option: str) -> dict[str, Any]:
    """The JSON of the shipped model file ``name`` (``path`` None) or of the file
    ``path`` that the option ``option`` names; an unreadable file is an OptionsError."""
    if path is None:
        text = files(__name__).joinpath(name).read_text("utf-8")
    else:
        try:
            text = Path(path).read_text("utf-8")
        except OSError as e:
            raise OptionsError(f"{option}: cannot read {path}: {e.strerror}") from None
    data: dict[str, Any] = json.loads(text)
    return data
