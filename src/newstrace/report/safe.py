"""Article data made safe to show: the one helper every terminal view and output uses.

Articles, their ids and file names are hostile input. Printed to a terminal they must
never be read as rich markup (``[/quote]`` crashes a view, ``[sic]`` vanishes,
``[link=...]`` becomes a hyperlink) nor reach the terminal as control sequences (OSC 8
hyperlinks, ``ESC [2K`` erasing a line, OSC 0 setting the window title). And a file name
that is not valid UTF-8 reaches Python as lone surrogates (``caf\\udce9.txt``), which no
UTF-8 stream or file accepts.

* :func:`visible` shows control characters and lone surrogates as backslash escapes
  (``\\x1b``, ``\\x07``, ``\\n``; the undecodable byte of a file name as ``\\xe9``);
* :func:`plain` is a rich :class:`~rich.text.Text` of that (never parsed as markup);
* :func:`markup` is that text escaped for a rich markup string;
* :func:`json_text` is JSON whose lone surrogates are ``\\udce9`` escapes, so it can be
  written anywhere and reads back as the same string in Python;
* :data:`ERRORS` names a codec error handler with :func:`visible`'s escapes for
  surrogates, for text files written in UTF-8.
"""

from __future__ import annotations

import codecs
import json
from typing import Any

from rich.markup import escape as _escape_markup
from rich.text import Text

__all__ = ["ERRORS", "json_text", "markup", "plain", "visible"]

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if ch in _NAMED:
        return _NAMED[ch]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


# C0 controls, DEL, C1 controls (0x9b is a one-byte CSI), and every surrogate.
_UNSAFE = [*range(0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000)]
_TABLE = {code: _escape_char(chr(code)) for code in _UNSAFE}


def visible(value: object) -> str:
    """``str(value)`` with control characters and lone surrogates as backslash escapes:
    inert on any terminal and encodable as UTF-8. Everything else is kept."""
    return str(value).translate(_TABLE)


def plain(value: object, style: str = "") -> Text:
    """Article data as a rich Text: shown literally, never parsed as markup."""
    return Text(visible(value), style=style)


def markup(value: object) -> str:
    """Article data for a place inside a rich markup string."""
    return _escape_markup(visible(value))


def json_text(obj: Any, *, indent: int | None = None) -> str:
    """``json.dumps`` (not ASCII-escaped) that stays valid UTF-8: lone surrogates (from
    file names that are not UTF-8) become ``\\udXXX`` escapes."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _replace_unencodable(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    return visible(exc.object[exc.start : exc.end]), exc.end


ERRORS = "newstrace.visible"
codecs.register_error(ERRORS, _replace_unencodable)
