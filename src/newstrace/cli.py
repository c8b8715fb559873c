"""Command-line shell over the library: parses arguments, prints results, maps errors
to one-line messages and exit codes (0 ok, 1 some inputs failed, 2 bad input/usage)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from . import __version__
from .compare import compare as compare_articles
from .errors import InputError, NewstraceError
from .ingest import read_article, read_stdin_article
from .model import Article
from .options import Options
from .report.json_report import comparison_dict
from .report.terminal import render_comparison

EXIT_INTERNAL = 70


def _fail(message: str, code: int) -> None:
    click.echo(f"newstrace: error: {message}", err=True)
    sys.exit(code)


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into one-line messages; never show a traceback to users."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(kwargs.pop("debug", False))
        try:
            return fn(*args, **kwargs)
        except NewstraceError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(0)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for users
            if debug:
                raise
            _fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
                  EXIT_INTERNAL)

    return click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks.")(wrapper)


def _read(path: str, options: Options) -> Article:
    """One article from a file, or from stdin for "-"."""
    if path == "-":
        return read_stdin_article(options=options)
    return read_article(Path(path), options=options)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newstrace")
def main() -> None:
    """newstrace: find copied and rewritten news.

    \b
    Examples:
      newstrace compare original.txt copy.html
      newstrace compare a.txt b.txt --format json | jq .drifts
      curl -s https://... | newstrace compare archive/wire.txt -
    """


@main.command()
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Terminal view or one JSON object on stdout.")
@click.option("--keep-boilerplate", is_flag=True,
              help="Do not remove scraper/CMS boilerplate before matching.")
@click.option("--max-chars", type=int, default=Options().max_chars, show_default=True,
              help="Largest article accepted, in characters.")
@guarded
def compare(a: str, b: str, fmt: str, keep_boilerplate: bool, max_chars: int) -> None:
    """Compare two articles: reused passages, relation, likely source, what changed.

    A and B are plain-text or HTML files (.html, .html.gz); "-" reads one of them
    from stdin. Offsets in the JSON output are character offsets into each file's
    text as read (HTML: into the extracted text, included in the output).

    \b
    Examples:
      newstrace compare demo/corpus/01-wire.txt demo/corpus/04-spin.txt
      newstrace compare wire.txt copy.txt --format json > result.json
    """
    options = Options(strip_boilerplate=not keep_boilerplate, max_chars=max_chars)
    if a == "-" and b == "-":
        raise InputError("<stdin>", "only one of A and B can be read from stdin")
    result = compare_articles(_read(a, options), _read(b, options), options=options)
    if fmt == "json":
        click.echo(json.dumps(comparison_dict(result), ensure_ascii=False, indent=2))
    else:
        render_comparison(result, Console())
