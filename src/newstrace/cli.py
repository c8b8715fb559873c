"""Command-line shell over the library: parses arguments, prints results, maps errors
to one-line messages and exit codes (:data:`EXIT_CODES`)."""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, Self

import click
from rich.console import Console

from . import __version__, compiled_modules
from .compare import compare as compare_articles
from .errors import InputError, InputWarning, NewstraceError, SkippedInput
from .ingest import read_article, read_stdin_article
from .model import Article
from .options import Options
from .report.json_report import comparison_dict
from .report.labels import label
from .report.output import check_dir, check_file, write_atomic
from .report.safe import json_text, plain, visible
from .report.terminal import render_comparison
from .server import defaults as server_defaults

EXIT_INTERNAL = 70

#: Every exit code the CLI returns (the README and ``newstrace --help`` list them).
EXIT_CODES = {
    0: "done",
    1: "some inputs failed (each reported on stderr; the rest was done)",
    2: "bad input, option or usage, or an output path that cannot be written",
    3: "archive error, or doctor found problems",
    4: "serve cannot listen where asked (port busy, address not usable)",
    70: "internal error: a bug in newstrace, please report it",
    130: "interrupted (Ctrl-C)",
}


def _fail(message: str, code: int) -> None:
    click.echo(f"newstrace: error: {visible(message)}", err=True)
    sys.exit(code)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """An input read not quite as written is a one-line note, like a skipped input."""
    if issubclass(category, InputWarning):
        click.echo(f"newstrace: note: {visible(str(message))}", err=True)
    else:
        _DEFAULT_SHOWWARNING(message, category, filename, lineno, file, line)


_DEFAULT_SHOWWARNING = warnings.showwarning


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into one-line messages; never show a traceback to users."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(kwargs.pop("debug", False))
        try:
            with warnings.catch_warnings():
                warnings.showwarning = _show_warning
                return fn(*args, **kwargs)
        except NewstraceError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(0)
        except Exception as exc:  # the last line of defence for users
            if debug:
                raise
            _fail(
                f"internal error (a bug, please report it): {type(exc).__name__}: {exc} "
                "(run with --debug for details)",
                EXIT_INTERNAL,
            )

    return click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks.")(wrapper)


def _read(path: str, options: Options) -> Article:
    """One article from a file, or from stdin for "-"."""
    if path == "-":
        return read_stdin_article(options=options)
    return read_article(Path(path), options=options)


def _exit_code_epilog() -> str:
    rows = "\n".join(f"  {code:<4} {meaning}" for code, meaning in EXIT_CODES.items())
    return f"\b\nExit codes:\n{rows}"


def _show_version(ctx: click.Context, _param: click.Parameter, asked: bool) -> None:
    if not asked or ctx.resilient_parsing:
        return
    compiled = compiled_modules()
    build = f"{len(compiled)} modules compiled" if compiled else "pure Python"
    click.echo(f"newstrace, version {__version__} ({build})")
    ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=_exit_code_epilog())
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version and which stages run compiled, then exit.",
)
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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Terminal view or one JSON object on stdout.",
)
@click.option(
    "--keep-boilerplate",
    is_flag=True,
    help="Do not remove scraper/CMS boilerplate before matching.",
)
@click.option(
    "--max-chars",
    type=int,
    default=Options().max_chars,
    show_default=True,
    help="Largest article accepted, in characters.",
)
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write a self-contained side-by-side HTML report to this file.",
)
@guarded
def compare(
    a: str, b: str, fmt: str, keep_boilerplate: bool, max_chars: int, html_out: str | None
) -> None:
    """Compare two articles: reused passages, relation, likely source, what changed.

    A and B are plain-text or HTML files (.html, .html.gz); "-" reads one of them
    from stdin. Offsets in the JSON output are character offsets into each file's
    text as read (HTML: into the extracted text, included in the output).

    \b
    Examples:
      newstrace compare demo/corpus/01-wire.txt demo/corpus/04-spin.txt
      newstrace compare wire.txt copy.txt --format json > result.json
      newstrace compare wire.txt copy.html --html report.html
    """
    options = Options(strip_boilerplate=not keep_boilerplate, max_chars=max_chars)
    if a == "-" and b == "-":
        raise InputError("<stdin>", "only one of A and B can be read from stdin")
    if html_out:
        check_file(html_out)
    result = compare_articles(_read(a, options), _read(b, options), options=options)
    if html_out:
        from .report.html import comparison_html

        write_atomic(html_out, comparison_html(result))
    if fmt == "json":
        click.echo(json_text(comparison_dict(result), indent=2))
    else:
        render_comparison(result, Console())


# --- corpus commands: scan, add, check, doctor ----------------------------------------


def _stderr() -> Console:
    return Console(stderr=True)


class _Bar:
    """A rich progress bar on stderr (rate and ETA), fed by the library's callbacks."""

    def __init__(self, console: Console) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.speed} /s"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
            disable=not console.is_terminal,
        )
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> Self:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(None, None, None)

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        task = self._tasks.get(stage)
        if task is None:
            task = self._tasks[stage] = self._progress.add_task(stage, total=total)
        self._progress.update(task, completed=done, total=total)


def _collect_errors(console: Console, errors: list[InputError]) -> Callable[[InputError], None]:
    """Report each bad input on one line; inputs that failed count for the exit code,
    things in a folder that are not articles (``SkippedInput``) are said but not."""

    def on_error(exc: InputError) -> None:
        if isinstance(exc, SkippedInput):
            console.print(plain(f"newstrace: not read: {exc}"), highlight=False, soft_wrap=True)
            return
        errors.append(exc)
        # one line per input, whatever the width
        console.print(plain(f"newstrace: skipped {exc}"), highlight=False, soft_wrap=True)

    return on_error


def _corpus_options(max_chars: int, max_line_bytes: int = Options().max_line_bytes) -> Options:
    return Options(max_chars=max_chars, max_line_bytes=max_line_bytes)


def _default_jobs() -> int:
    """A scan's processes by default: the CPUs this process may use (at most 8)."""
    import os

    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 8))


_follow_symlinks = click.option(
    "--follow-symlinks",
    is_flag=True,
    help="Follow symbolic links that lead out of a scanned folder (by default they are "
    "reported and not followed).",
)

_id_prefix = click.option(
    "--id-prefix",
    default="",
    metavar="TEXT",
    help="Put TEXT before the id of every article read from PATHs (e.g. 'crawl2/'), "
    "to keep runs apart in one archive.",
)

_feeds = click.option(
    "--feed",
    "feeds",
    multiple=True,
    metavar="URL|FILE",
    help="Read the pages an RSS or Atom feed links to (fetched politely; repeatable).",
)

_sitemaps = click.option(
    "--sitemap",
    "sitemaps",
    multiple=True,
    metavar="URL|FILE",
    help="Read the pages a sitemap (or sitemap index) lists (fetched politely; repeatable).",
)

_host_delay = click.option(
    "--host-delay",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="Seconds between two requests to one web site [default: 1; a longer "
    "robots.txt Crawl-delay wins].",
)


def _engine(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--engine, --master, --partitions: where a corpus command runs."""
    fn = click.option(
        "--partitions",
        type=click.IntRange(min=1),
        default=None,
        help="Spark partitions of the fingerprint and verify stages and of each "
        "shuffle [default: 4 x local cores, or the cluster's parallelism].",
    )(fn)
    fn = click.option(
        "--master",
        default=None,
        help="Spark master URL [default: local[*], or the one spark-submit sets].",
    )(fn)
    return click.option(
        "--engine",
        type=click.Choice(["local", "spark"]),
        default="local",
        show_default=True,
        help="Run on this machine, or on Spark (JSONL, Parquet, WARC and article "
        "files, on any Hadoop filesystem; pip install 'newstrace[spark]').",
    )(fn)


_jobs = click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=_default_jobs(),
    show_default=True,
    help="Processes of a scan's stages (same answer for any number).",
)

_max_chars_skip = click.option(
    "--max-chars",
    type=click.IntRange(min=1),
    default=Options().max_chars,
    show_default=True,
    help="Skip articles longer than this.",
)


_max_line_bytes = click.option(
    "--max-line-bytes",
    type=click.IntRange(min=1),
    default=Options().max_line_bytes,
    show_default=True,
    help="Skip JSONL lines longer than this (reported as FILE:LINE).",
)


def _corpus_inputs(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options of every command that reads a corpus (``scan``, ``dedup``): input
    limits, folder walk, ids, web sources, workers and the engine."""
    for option in reversed(
        (
            _max_chars_skip,
            _max_line_bytes,
            _follow_symlinks,
            _id_prefix,
            _feeds,
            _sitemaps,
            _host_delay,
            _jobs,
            _engine,
        )
    ):
        fn = option(fn)
    return fn


@main.command()
@click.argument("inputs", nargs=-1, metavar="PATH...")
@click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False),
    default=None,
    help="Scan the articles of this archive (with or instead of PATHs).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    default=None,
    help="Write pairs.jsonl, families.jsonl and summary.json here.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "jsonl"]),
    default="text",
    show_default=True,
    help="Summary tables, or the pairs as JSONL on stdout.",
)
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write an HTML overview (families, pairs side by side).",
)
@_corpus_inputs
@click.option(
    "--trees/--no-trees",
    default=True,
    show_default=True,
    help="Order each family into a copy tree (parent, edges, credit in families.jsonl). "
    "--no-trees keeps the voted original only and saves the trees' comparisons (about "
    "a third of a scan's CPU on generated news).",
)
@click.option(
    "--keep-one",
    type=click.Choice(["duplicate", "rewrite", "partial"]),
    is_flag=False,
    flag_value="rewrite",
    default=None,
    help="Also write kept.jsonl (one article per family: its original) and removed.jsonl "
    "(each removed id and the id kept for it) into --out. =duplicate drops reprints "
    "only, =partial any reuse [default level: rewrite].",
)
@guarded
def scan(
    inputs: tuple[str, ...],
    db: str | None,
    out: str | None,
    fmt: str,
    max_chars: int,
    html_out: str | None,
    max_line_bytes: int,
    follow_symlinks: bool,
    id_prefix: str,
    feeds: tuple[str, ...],
    sitemaps: tuple[str, ...],
    host_delay: float | None,
    jobs: int,
    engine: str,
    master: str | None,
    partitions: int | None,
    trees: bool,
    keep_one: str | None,
) -> None:
    """Find every copy in a collection: reuse pairs and families.

    PATH is a file, a folder (searched recursively for .txt, .html, .jsonl, .warc.gz,
    ...), a glob, a web archive (.warc, .warc.gz), the URL of a page, or "-" for JSONL
    on stdin. A file's id is its path inside the folder (or glob) without the suffix;
    a JSONL record's, its "id"; a web page's, its URL. Broken inputs are reported and
    skipped; the exit code is 1 when some inputs failed.

    \b
    Examples:
      newstrace scan demo/corpus.jsonl
      newstrace scan scraped/ 'feeds/*.jsonl' --out results/
      newstrace scan crawl/pages.warc.gz --html scan.html
      newstrace scan --feed https://example.com/rss.xml --sitemap sitemap.xml
      newstrace scan --db archive.db --out results/
      cat corpus.jsonl | newstrace scan - --format jsonl > pairs.jsonl
      newstrace scan demo/corpus.jsonl --html scan.html
      newstrace scan demo/corpus.jsonl --out results/ --keep-one=duplicate
    """
    from .corpus import ArticleSpool
    from .report.scan_report import write_scan

    web = _Web(feeds, sitemaps, host_delay, keep=html_out is not None)
    if not inputs and not db and not web.sources:
        raise InputError("scan", "give at least one PATH, --feed, --sitemap, or --db FILE")
    options = _corpus_options(max_chars, max_line_bytes).with_(jobs=jobs)
    if not trees:
        options = options.with_(tree_max_members=0)
    _check_outputs(out, html_out)
    if keep_one and not out:
        raise InputError("scan", "--keep-one writes kept.jsonl into --out: give --out DIR")
    if engine == "spark":
        if web.sources or any(_is_url(p) for p in inputs):
            raise InputError("scan", "--engine spark reads files; web pages need --engine local")
        _scan_on_spark(
            inputs, db, out, fmt, html_out, options, master, partitions, keep_one, id_prefix
        )
        return
    with contextlib.ExitStack() as stack:
        # The articles scanned (not those of an archive scanned alone), for the labels
        # of the families shown and for --keep-one: read back, not read again.
        archive_only = bool(db) and not inputs
        spool = None if archive_only else stack.enter_context(ArticleSpool(indexed=True))
        result = _local_scan(inputs, db, options, follow_symlinks, id_prefix, web, spool)
        if out:
            write_scan(result, Path(out))
        if keep_one and out:
            _write_dedup(result, spool, db, keep_one, Path(out) / KEPT, Path(out) / REMOVED)
        _show_scan(
            result, inputs, db, fmt, html_out, options, follow_symlinks, id_prefix, web.kept, spool
        )
    if result.failed:
        sys.exit(1)


def _local_scan(
    inputs: tuple[str, ...],
    db: str | None,
    options: Options,
    follow_symlinks: bool,
    id_prefix: str,
    web: _Web,
    spool: Any = None,
) -> Any:
    """The local engine over the inputs (and archive); with ``spool`` (an
    ``ArticleSpool``), the articles scanned are kept there for the caller to read after
    the scan."""
    from .archive import Archive
    from .ingest import distinct_ids
    from .scan import scan as scan_articles

    err = _stderr()
    errors: list[InputError] = []
    on_error = _collect_errors(err, errors)
    with _Bar(err) as bar:
        if db and not inputs:
            with Archive(db, options=options, create=False) as archive:
                result = archive.scan(progress=bar)
        else:
            stream = _input_articles(inputs, options, on_error, follow_symlinks, id_prefix, web)
            with contextlib.ExitStack() as stack:
                if db:
                    archive = stack.enter_context(Archive(db, options=options, create=False))
                    stream = _chain(archive.articles(), stream)
                stream = distinct_ids(stream, on_error)
                result = scan_articles(stream, options=options, progress=bar, kept=spool)
    result.failed = errors + result.failed
    return result


KEPT, REMOVED = "kept.jsonl", "removed.jsonl"
"""What ``scan --keep-one`` writes into ``--out``."""


def _write_dedup(
    result: Any, spool: Any, db: str | None, level: str, kept: Path, mapping: Path
) -> Any:
    """One article per family of ``level`` from a local scan: the kept articles (from
    the spool, or the archive for ``scan --db`` alone) and the removed ids' mapping."""
    from .archive import Archive
    from .dedup import article_record, deduplicate, write_dedup

    with contextlib.ExitStack() as stack:
        if db and spool is None:
            archive = stack.enter_context(Archive(db, create=False))

            def records() -> Any:
                return (article_record(a) for a in archive.articles())
        else:

            def records() -> Any:
                return (article_record(a) for a in spool.articles())

        ids, published = [], {}
        for r in records():  # a first pass for ids and times: texts stay on disk
            ids.append(r["id"])
            published[r["id"]] = r.get("published")
        originals = [f.original for f in result.families]
        dedup = deduplicate(ids, result.pairs, published, level, originals)
        write_dedup(records(), dedup, kept, mapping)
    return dedup


@main.command()
@click.argument("inputs", nargs=-1, metavar="INPUT...")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False),
    required=True,
    help="Write the kept articles here (JSONL: id, text, title, url, published, modified, site, "
    "author).",
)
@click.option(
    "--mapping",
    "mapping",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write each removed id and the id kept for it here (JSONL) [default: next to "
    "--out, kept.jsonl -> kept.removed.jsonl].",
)
@click.option(
    "--level",
    type=click.Choice(["duplicate", "rewrite", "partial"]),
    default="rewrite",
    show_default=True,
    help="What counts as a copy to remove: duplicate (reprints only), rewrite (also "
    "rewrites of one story), partial (any reuse, also articles that took a passage).",
)
@_corpus_inputs
@guarded
def dedup(
    inputs: tuple[str, ...],
    out: str,
    mapping: str | None,
    level: str,
    max_chars: int,
    max_line_bytes: int,
    follow_symlinks: bool,
    id_prefix: str,
    feeds: tuple[str, ...],
    sitemaps: tuple[str, ...],
    host_delay: float | None,
    jobs: int,
    engine: str,
    master: str | None,
    partitions: int | None,
) -> None:
    """Deduplicate a collection: one article per reuse family, and where the rest went.

    INPUT is as for scan (files, folders, globs, JSONL, WARC, page URLs, "-"). The
    collection is scanned; in every family of articles joined by pairs of the --level
    relations the original is kept (the member the pairs most often name as source,
    then the earliest published, then the smallest id) and the others are removed.
    Articles in no family are kept. The kept articles keep their input order (Spark:
    sorted by id).

    \b
    Examples:
      newstrace dedup demo/corpus.jsonl --out kept.jsonl
      newstrace dedup crawl/ --out kept.jsonl --mapping removed.jsonl --level duplicate
      newstrace dedup 'news/*.jsonl' --out kept.jsonl --level partial --engine spark
    """
    from .corpus import ArticleSpool
    from .dedup import mapping_path

    web = _Web(feeds, sitemaps, host_delay)
    if not inputs and not web.sources:
        raise InputError("dedup", "give at least one INPUT, --feed or --sitemap")
    mapping = mapping or str(mapping_path(out))
    for path in (out, mapping):
        _check_outputs(None, path if local_dir_of(path) else None)
    options = _corpus_options(max_chars, max_line_bytes).with_(jobs=jobs)
    failed: list[Any]
    if engine == "spark":
        if web.sources or any(_is_url(p) for p in inputs) or "-" in inputs:
            raise InputError("dedup", "--engine spark reads files; use --engine local")
        from .spark import run_scan, spark_session

        spark = spark_session(master, partitions=partitions)
        scanned = run_scan(
            spark, list(inputs), options=options, partitions=partitions, id_prefix=id_prefix
        )
        removed, families = _spark_dedup(scanned, level, out, mapping)
        failed, articles = scanned.failed, scanned.articles
    else:
        with ArticleSpool() as spool:
            result = _local_scan(inputs, None, options, follow_symlinks, id_prefix, web, spool)
            done = _write_dedup(result, spool, None, level, Path(out), Path(mapping))
        failed, articles = result.failed, result.articles
        removed, families = len(done.removed), len(set(done.removed.values()))
    click.echo(
        f"kept {articles - removed:,} of {articles:,} articles; "
        f"{removed:,} copies ({level} or closer) removed from {families:,} "
        f"families: {visible(out)}, {visible(mapping)}",
        err=True,
    )
    if failed:
        sys.exit(1)


def local_dir_of(path: str) -> bool:
    """Whether an output path is on this machine (else a Hadoop filesystem's)."""
    return path.startswith("file:") or "://" not in path


def _check_outputs(out: str | None, html_out: str | None) -> None:
    """Fail before the work when an output cannot be written (``out`` on a Hadoop
    filesystem is Spark's to check)."""
    from urllib.parse import unquote

    if out and out.startswith("file:"):
        check_dir(unquote(out.removeprefix("file:")))
    elif out and "://" not in out:
        check_dir(out)
    if html_out:
        check_file(html_out)


def _show_scan(
    result: Any,
    inputs: tuple[str, ...],
    db: str | None,
    fmt: str,
    html_out: str | None,
    options: Options,
    follow_symlinks: bool = False,
    id_prefix: str = "",
    fetched: dict[str, Article] | None = None,
    spool: Any = None,
) -> None:
    """The HTML overview, the pairs as JSONL on stdout, and the summary tables (on
    stderr when stdout carries JSONL). The articles that the tables and the overview
    label are read back from the scan's ``spool`` (else read again), once for both (a
    scan keeps only ids and verdicts)."""
    from .report.html import overview_pairs
    from .report.scan_report import listed_ids, pair_dict, render_scan

    shown = overview_pairs(result.pairs, result.families) if html_out else []
    wanted = listed_ids(result.families)
    if html_out:
        wanted |= {x for p in shown for x in p} | {m for f in result.families for m in f.members}
    found = _known_articles(wanted, inputs, db, options, follow_symlinks, id_prefix, fetched, spool)
    if html_out:
        from .compare import compare_pairs
        from .report.html import scan_html

        views = compare_pairs(shown, found, options)
        page = scan_html(
            result.pairs, result.families, views, articles=result.articles, known=found
        )
        write_atomic(html_out, page)
    if fmt == "jsonl":
        for p in result.pairs:
            click.echo(json_text(pair_dict(p)))
    render_scan(result, _stderr() if fmt == "jsonl" else Console(), known=found)


def _scan_on_spark(
    inputs: tuple[str, ...],
    db: str | None,
    out: str | None,
    fmt: str,
    html_out: str | None,
    options: Options,
    master: str | None,
    partitions: int | None,
    keep_one: str | None = None,
    id_prefix: str = "",
) -> None:
    """scan --engine spark: the same stages as Spark jobs; Parquet under --out, plus the
    local engine's files and views when the result is small enough to collect."""
    from .spark import JSONL_LIMIT, run_scan, spark_session, summary_line, write_spark

    if db or "-" in inputs:
        raise InputError(
            "scan",
            "--engine spark reads JSONL and Parquet files and folders; "
            "--db and '-' need --engine local",
        )
    spark = spark_session(master, partitions=partitions)
    scanned = run_scan(
        spark, list(inputs), options=options, partitions=partitions, id_prefix=id_prefix
    )
    if out:
        result = write_spark(scanned, out)
    else:
        result = scanned.collect() if scanned.pair_count <= JSONL_LIMIT else None
    if keep_one and out:
        _spark_dedup(scanned, keep_one, f"{out.rstrip('/')}/{KEPT}", f"{out.rstrip('/')}/{REMOVED}")
    if result is None:
        click.echo(summary_line(scanned, out), err=True)
    else:
        _show_scan(result, inputs, None, fmt, html_out, options, id_prefix=id_prefix)
    if scanned.failed:
        sys.exit(1)


def _spark_dedup(scanned: Any, level: str, kept: str, mapping: str) -> tuple[int, int]:
    """``dedup`` from a Spark scan: the kept articles streamed to the driver (sorted by
    id) into a local file, or written by Spark as JSON under a Hadoop path."""
    from .dedup import Dedup, write_dedup
    from .spark import dedup_spark, local_dir

    kept_df, removed_df = dedup_spark(scanned, level)
    local_kept, local_map = local_dir(kept), local_dir(mapping)
    if local_kept is None or local_map is None:
        kept_df.write.mode("overwrite").json(kept)
        removed_df.write.mode("overwrite").json(mapping)
        return removed_df.count(), removed_df.select("kept").distinct().count()
    removed = {r["id"]: r["kept"] for r in removed_df.collect()}
    records = (
        {k: v for k, v in r.asDict().items() if v is not None and k not in ("origin", "format")}
        for r in kept_df.orderBy("id").toLocalIterator()
    )
    write_dedup(records, Dedup((), removed), local_kept, local_map)
    return len(removed), len(set(removed.values()))


def _known_articles(
    wanted: set[str],
    inputs: tuple[str, ...],
    db: str | None,
    options: Options,
    follow_symlinks: bool = False,
    id_prefix: str = "",
    fetched: dict[str, Article] | None = None,
    spool: Any = None,
) -> dict[str, Article]:
    """The ``wanted`` articles of a scan by id: the web pages kept while fetched, then
    the scan's ``spool`` (an indexed ``ArticleSpool``: every article it scanned), then
    the archive, then the inputs read again (stdin cannot be: those stay unknown)."""
    from .archive import Archive

    found = {i: a for i, a in (fetched or {}).items() if i in wanted}
    if spool is not None:
        for i in wanted - found.keys():
            spooled = spool.find(i)
            if spooled is not None:
                found[i] = spooled
    if db and wanted - found.keys():
        with Archive(db, options=options, create=False) as archive:
            for i in wanted - found.keys():
                with contextlib.suppress(InputError):  # an input's, not the archive's
                    found[i] = archive.get(i)
    if wanted - found.keys():
        with warnings.catch_warnings():  # the inputs were reported on while scanned
            warnings.simplefilter("ignore", InputWarning)
            found.update(
                _wanted_articles(inputs, options, follow_symlinks, id_prefix, wanted, found)
            )
    return found


def _wanted_articles(
    inputs: tuple[str, ...],
    options: Options,
    follow_symlinks: bool,
    id_prefix: str,
    wanted: set[str],
    found: dict[str, Article],
) -> dict[str, Article]:
    """The articles of ``wanted`` ids not in ``found``, read again from the inputs."""
    from .ingest import iter_articles, with_id_prefix

    out: dict[str, Article] = {}
    stream = iter_articles(
        [p for p in inputs if p != "-" and not _is_url(p)],
        options=options,
        on_error=lambda exc: None,
        follow_symlinks=follow_symlinks,
    )
    missing = wanted - found.keys()
    for art in with_id_prefix(stream, id_prefix, lambda exc: None):
        if art.id in missing and art.id not in out:
            out[art.id] = art
            if len(out) == len(missing):
                break  # the rest of the inputs holds nothing wanted
    return out


def _input_articles(
    inputs: tuple[str, ...],
    options: Options,
    on_error: Callable[[InputError], None],
    follow_symlinks: bool,
    id_prefix: str,
    web: _Web | None = None,
) -> Any:
    """The articles of the inputs, ids prefixed: JSONL on stdin ("-") first, then
    files, folders and globs, then web pages (URL arguments, feeds, sitemaps)."""
    from .ingest import iter_articles, iter_stdin_jsonl, with_id_prefix

    paths = [p for p in inputs if p != "-" and not _is_url(p)]
    stream = iter_articles(
        paths, options=options, on_error=on_error, follow_symlinks=follow_symlinks
    )
    if "-" in inputs:
        stream = _chain(iter_stdin_jsonl(options=options, on_error=on_error), stream)
    if web is not None:
        urls = tuple(p for p in inputs if _is_url(p))
        stream = _chain(stream, web.articles(urls, options, on_error))
    return with_id_prefix(stream, id_prefix, on_error)


def _is_url(value: str) -> bool:
    return value.strip().lower().startswith(("http://", "https://"))


class _Web:
    """The web inputs of one run (URL arguments, feeds, sitemaps) and one polite
    fetcher for them all; with ``keep``, the pages read are kept for the HTML view
    (fetched once, at the rate a site allows)."""

    def __init__(
        self,
        feeds: tuple[str, ...],
        sitemaps: tuple[str, ...],
        host_delay: float | None,
        keep: bool = False,
    ) -> None:
        self.feeds, self.sitemaps, self.host_delay = feeds, sitemaps, host_delay
        self.sources = feeds + sitemaps
        self.kept: dict[str, Article] | None = {} if keep else None

    def fetcher(self, options: Options) -> Any:
        from .fetch import HOST_DELAY, Fetcher
        from .ingest import input_byte_limit

        delay = HOST_DELAY if self.host_delay is None else self.host_delay
        return Fetcher(host_delay=delay, max_bytes=input_byte_limit(options))

    def articles(
        self, urls: tuple[str, ...], options: Options, on_error: Callable[[InputError], None]
    ) -> Any:
        """The pages of URL arguments, then of each feed, then of each sitemap."""
        if not urls and not self.sources:
            return
        from .fetch import article_from_url, iter_feed, iter_sitemap

        fetcher = self.fetcher(options)
        for url in urls:
            try:
                yield self._keep(article_from_url(url, fetcher, options=options))
            except InputError as exc:
                on_error(exc)
        for feed in self.feeds:
            for art in iter_feed(feed, fetcher, options=options, on_error=on_error):
                yield self._keep(art)
        for sitemap in self.sitemaps:
            for art in iter_sitemap(sitemap, fetcher, options=options, on_error=on_error):
                yield self._keep(art)

    def _keep(self, art: Article) -> Article:
        if self.kept is not None:
            self.kept[art.id] = art
        return art


def _chain(*streams: Any) -> Any:
    for stream in streams:
        yield from stream


def _on_batch(bar: _Bar, progress_log: str | None) -> Callable[[Any], None]:
    """Progress after each committed batch: the bar, and for kill tests a line in
    ``progress_log`` with the inputs committed so far (written after the commit)."""

    def on_batch(report: Any) -> None:
        bar("add", report.added + report.present, None)
        if progress_log:
            with open(progress_log, "a", encoding="utf-8") as fh:
                fh.write(f"{report.added + report.present + report.failed}\n")

    return on_batch


@main.command()
@click.argument("inputs", nargs=-1, metavar="PATH...")
@click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False),
    required=True,
    help="Archive file (created when missing).",
)
@_max_chars_skip
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=Options().batch_size,
    show_default=True,
    help="Articles per transaction.",
)
@_max_line_bytes
@_follow_symlinks
@_id_prefix
@_feeds
@_sitemaps
@_host_delay
@click.option(
    "--progress-log",
    type=click.Path(dir_okay=False),
    default=None,
    hidden=True,
    help="Append the number of inputs committed after each batch (kill tests).",
)
@guarded
def add(
    inputs: tuple[str, ...],
    db: str,
    max_chars: int,
    batch_size: int,
    max_line_bytes: int,
    follow_symlinks: bool,
    id_prefix: str,
    feeds: tuple[str, ...],
    sitemaps: tuple[str, ...],
    host_delay: float | None,
    progress_log: str | None,
) -> None:
    """Add articles to an archive (incremental; re-adding is recognised and skipped).

    PATH is as for scan (files, folders, globs, .warc/.warc.gz, page URLs, "-"). Each
    batch is one transaction: an interrupted add leaves the archive consistent, and
    running it again resumes without duplicates. Two inputs with one id are reported,
    never merged: --id-prefix keeps runs apart.

    \b
    Examples:
      newstrace add demo/corpus.jsonl --db archive.db
      newstrace add scraped/ --db archive.db
      newstrace add demo/corpus/ --db archive.db --id-prefix demo/
      newstrace add crawl/*.warc.gz --db archive.db
      newstrace add --feed https://example.com/rss.xml --db archive.db
    """
    from .archive import Archive
    from .ingest import distinct_ids

    web = _Web(feeds, sitemaps, host_delay)
    if not inputs and not web.sources:
        raise InputError("add", "give at least one PATH, --feed or --sitemap")
    options = Options(max_chars=max_chars, batch_size=batch_size, max_line_bytes=max_line_bytes)
    err = _stderr()
    errors: list[InputError] = []
    on_error = _collect_errors(err, errors)
    stream = _input_articles(inputs, options, on_error, follow_symlinks, id_prefix, web)
    stream = distinct_ids(stream, on_error)
    with Archive(db, options=options) as archive, _Bar(err) as bar:
        report = archive.add(stream, on_batch=_on_batch(bar, progress_log))
        for exc in archive.errors:
            on_error(exc)
        total = len(archive)
    click.echo(
        f"added {report.added:,}, already archived {report.present:,}, "
        f"failed {len(errors):,}; archive holds {total:,} articles "
        f"({report.seconds:.2f} s)"
    )
    if errors:
        sys.exit(1)


@main.command()
@click.argument("article", metavar="FILE|URL")
@click.option("--db", "db", type=click.Path(dir_okay=False), required=True, help="Archive file.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=Options().check_candidates,
    show_default=True,
    help="Candidates to verify.",
)
@_host_delay
@guarded
def check(article: str, db: str, fmt: str, top: int, host_delay: float | None) -> None:
    """Check one article against the archive: matches, relation, source, drifts.

    FILE|URL is a text or HTML file, "-" for standard input, the URL of a web page
    (fetched politely: robots.txt, timeouts, retries), or a web archive (.warc,
    .warc.gz), whose HTML pages are each checked (with --format json: one JSON object
    per page and line).

    \b
    Examples:
      newstrace check incoming.html --db archive.db
      newstrace check https://example.com/news/story.html --db archive.db
      newstrace check today.warc.gz --db archive.db --format json > matches.jsonl
      newstrace check - --db archive.db --format json < story.txt
    """
    from .archive import Archive
    from .ingest import WARC_SUFFIXES

    options = Options(check_candidates=top)
    if article.lower().endswith(WARC_SUFFIXES) and not _is_url(article):
        _check_warc(article, db, fmt, options)
        return
    if _is_url(article):
        from .fetch import article_from_url

        fetcher = _Web((), (), host_delay).fetcher(options)
        art = article_from_url(article.strip(), fetcher, options=options)
    else:
        art = _read(article, options)
    with Archive(db, options=options, create=False) as archive:
        _check_one(archive, art, fmt, indent=2)


def _check_one(archive: Any, art: Article, fmt: str, indent: int | None = None) -> None:
    """One article checked against the archive, shown as text or one JSON object."""
    import time

    from .report.scan_report import check_dict, render_matches

    t0 = time.perf_counter()
    matches = archive.check(art)
    ms = (time.perf_counter() - t0) * 1000
    size = len(archive)
    if fmt == "json":
        found = check_dict(art, matches, size, ms, archive.options)
        click.echo(json_text(found, indent=indent))
    else:
        render_matches(matches, Console(), art, ms, size)


def _check_warc(path: str, db: str, fmt: str, options: Options) -> None:
    """Each HTML page of a web archive checked; bad records reported, exit 1 if any."""
    from .archive import Archive
    from .ingest import iter_articles

    errors: list[InputError] = []
    on_error = _collect_errors(_stderr(), errors)
    with Archive(db, options=options, create=False) as archive:
        for art in iter_articles([path], options=options, on_error=on_error):
            _check_one(archive, art, fmt)
    if errors:
        sys.exit(1)


# --- watch: folders and feeds, alert on new copies --------------------------------------


@main.command()
@click.argument("targets", nargs=-1, metavar="DIR|FEED...")
@click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False),
    required=True,
    help="Archive to check new articles against and add them to (created when missing).",
)
@click.option(
    "--alerts",
    "alerts",
    type=click.Path(dir_okay=False),
    default=None,
    help="Append alerts (JSON lines) to this file [default: stdout].",
)
@click.option(
    "--webhook",
    default=None,
    metavar="URL",
    help="Also POST each alert (the same JSON) to this URL; a failed post is one line "
    "on stderr and the watch goes on.",
)
@click.option(
    "--poll",
    type=click.FloatRange(min=0, min_open=True),
    default=Options().watch_poll,
    show_default=True,
    metavar="SECONDS",
    help="Seconds between two reads of each feed.",
)
@click.option(
    "--settle",
    type=click.FloatRange(min=0, min_open=True),
    default=Options().watch_settle,
    show_default=True,
    metavar="SECONDS",
    help="A file is read once its size and time have not changed for this long "
    "(*.part, *.tmp, *~ and hidden files are never read: write, then rename).",
)
@click.option(
    "--once",
    is_flag=True,
    help="Read what is there now (files once settled, feeds once), then stop.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=Options().check_candidates,
    show_default=True,
    help="Archive candidates verified per new article.",
)
@_id_prefix
@_host_delay
@guarded
def watch(
    targets: tuple[str, ...],
    db: str,
    alerts: str | None,
    webhook: str | None,
    poll: float,
    settle: float,
    once: bool,
    top: int,
    id_prefix: str,
    host_delay: float | None,
) -> None:
    """Watch folders and feeds; alert on every new article that reuses an archived one.

    DIR is a folder whose new files (text, HTML, JSONL, WARC) are read as they arrive;
    FEED is the URL (or file) of an RSS or Atom feed, polled every --poll seconds. Each
    new article is checked against the archive, then added to it; each one that
    reuses (or is reused by) archived articles gives one alert line: the article, the
    best match, relation, likely source, family, its parent in the family's copy
    tree, changes (drifts), and whether it credits its source. What was
    processed is in the archive, so a restart does not alert twice. Stop with Ctrl-C
    or SIGTERM (exit 0, or 1 when some inputs failed).

    \b
    Examples:
      newstrace watch incoming/ --db archive.db --alerts alerts.jsonl
      newstrace watch https://example.com/rss.xml --db archive.db --poll 600
      newstrace watch drop/ feeds/wire.xml --db archive.db --webhook http://127.0.0.1:9000/hook
      newstrace watch incoming/ --db archive.db --once | jq .relation
    """
    folders, feeds = _watch_targets(targets)
    if alerts:
        check_file(alerts)
    options = Options(check_candidates=top, watch_poll=poll, watch_settle=settle)
    err = _stderr()
    errors: list[InputError] = []
    on_error = _collect_errors(err, errors)
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(_alerts_file(alerts)) if alerts else sys.stdout
        watcher = _watcher(stack, db, folders, feeds, out, webhook, on_error, options, id_prefix)
        watcher.fetcher = _Web((), (), host_delay).fetcher(options) if feeds else None
        _run_watch(watcher, once, settle)
    click.echo(
        f"newstrace: watch stopped: {watcher.added:,} new articles, {watcher.alerts:,} alerts, "
        f"{len(errors):,} failed",
        err=True,
    )
    if errors:
        sys.exit(1)


def _watch_targets(targets: tuple[str, ...]) -> tuple[list[Path], list[str]]:
    """Folders to watch and feeds to poll (URLs, or files that are not folders)."""
    if not targets:
        raise InputError("watch", "give at least one folder or feed")
    folders, feeds = [], []
    for t in targets:
        if _is_url(t):
            feeds.append(t.strip())
        elif Path(t).is_dir():
            folders.append(Path(t))
        elif Path(t).is_file():
            feeds.append(t)
        else:
            raise InputError(t, "no such folder or feed file")
    return folders, feeds


def _alerts_file(path: str) -> Any:
    """The alerts file, opened to append (each alert is a line; earlier runs' stay)."""
    try:
        return open(path, "a", encoding="utf-8")
    except OSError as exc:
        raise InputError(path, f"cannot write ({exc.strerror or exc})") from None


def _watcher(
    stack: contextlib.ExitStack,
    db: str,
    folders: list[Path],
    feeds: list[str],
    out: Any,
    webhook: str | None,
    on_error: Callable[[InputError], None],
    options: Options,
    id_prefix: str,
) -> Any:
    from .archive import Archive
    from .watch import AlertSink, Watcher, stderr_log

    archive = stack.enter_context(Archive(db, options=options))
    sink = AlertSink(out, webhook, log=stderr_log)
    return Watcher(
        archive, folders, feeds, sink, on_error, options, id_prefix=id_prefix, log=stderr_log
    )


def _run_watch(watcher: Any, once: bool, settle: float) -> None:
    """Until Ctrl-C or SIGTERM (each lets the article at hand finish), or one pass."""
    import signal

    from .watch import file_events, ticks

    stop = watcher.stop
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in handlers:
        signal.signal(sig, lambda *_: stop.set())
    try:
        if once:
            watcher.start()
            if not stop.wait(settle):
                watcher.look(())
            return
        folders = watcher.folders
        wakes = file_events(folders, settle, stop) if folders else ticks(settle, stop)
        watcher.run(wakes)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


@main.command()
@click.option("--db", "db", type=click.Path(dir_okay=False), required=True, help="Archive file.")
@guarded
def doctor(db: str) -> None:
    """Check an archive's integrity (SQLite and newstrace's own invariants).

    Exit code 0 when healthy, 3 when problems were found.

    \b
    Example:
      newstrace doctor --db archive.db
    """
    from .archive import Archive

    with Archive(db, create=False) as archive:
        problems = archive.doctor()
        size = len(archive)
    if problems:
        for p in problems:
            click.echo(f"problem: {visible(p)}", err=True)
        sys.exit(3)
    click.echo(f"{visible(db)}: ok ({size:,} articles)")


@main.command()
@click.argument("out", metavar="OUT", type=click.Path(dir_okay=False))
@click.option("--db", "db", type=click.Path(dir_okay=False), required=True, help="Archive file.")
@guarded
def backup(out: str, db: str) -> None:
    """Copy an archive to the new file OUT, safely while `add` or `serve` use it.

    SQLite's online backup: one consistent snapshot holding every committed article,
    also those still in the archive's -wal file (a plain copy of the archive file
    alone can miss them). OUT is a single self-contained file.

    \b
    Example:
      newstrace backup --db archive.db archive-copy.db
    """
    from .archive import Archive

    with Archive(db, create=False) as archive:
        size = archive.backup(out)
    click.echo(f"{visible(out)}: {size:,} articles copied from {visible(db)}")


# --- archive management: list, show, remove, export, upgrade --------------------------


def _db_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db", "db", type=click.Path(dir_okay=False), required=True, help="Archive file."
    )(fn)


def _format_option(choices: tuple[str, ...], help_text: str) -> Callable[..., Any]:
    """``--format`` of the archive commands: the first choice is the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help_text,
    )


@main.command("list")
@_db_option
@click.option("--site", default="", help="Only articles of this site (any letter case).")
@click.option("--since", default="", help="Only articles published at or after this time.")
@click.option(
    "--until", default="", help="Only articles published up to this time (a date: that day too)."
)
@click.option(
    "--q", "q", default="", help="Only articles whose headline or text holds these words."
)
@_format_option(("jsonl", "table"), "One JSON object per article, or a table for reading.")
@guarded
def list_(db: str, site: str, since: str, until: str, q: str, fmt: str) -> None:
    """List archived articles (headline, site, time, id), oldest first (undated first).

    Times compare as written (ISO 8601: 2024-03-01, 2024-03-01T08:15:00Z).

    \b
    Examples:
      newstrace list --db archive.db --site "Northgate Wire" --since 2024-03-01
      newstrace list --db archive.db --q "ferry collision" --format table
    """
    from .archive import Archive
    from .archive_store import ArticleQuery

    query = ArticleQuery(site=site, since=since, until=until, q=q)
    with Archive(db, create=False) as archive:
        rows = archive.list_articles(query)
        if fmt == "jsonl":
            for row in rows:
                click.echo(json_text(row.as_dict()))
            return
        _article_table(list(rows))


def _article_table(rows: list[Any]) -> None:
    from rich.table import Table

    table = Table("published", "site", "headline", "id")
    for row in rows:
        table.add_row(*(plain(v or "") for v in (row.published, row.site, row.title, row.id)))
    Console().print(table)
    Console(stderr=True).print(f"{len(rows):,} articles")


@main.command()
@click.argument("article_id", metavar="ID")
@_db_option
@_format_option(
    ("text", "json"), "For reading, or one JSON object (the article, its family and reuse pairs)."
)
@guarded
def show(article_id: str, db: str, fmt: str) -> None:
    """Show one archived article and the reuse family it belongs to.

    \b
    Example:
      newstrace show 04-spin --db archive.db
    """
    from .archive import Archive

    with Archive(db, create=False) as archive:
        art = archive.get(article_id)
        family = archive.family_of(article_id)
    if fmt == "json":
        from .archive_export import record

        click.echo(json_text({**record(art), "family": family.as_dict() if family else None}))
        return
    console = Console()
    console.print(plain(art.title or "(no headline)"), style="bold")
    console.print(plain(" · ".join(v for v in (art.site, art.published, art.url) if v)))
    console.print(plain(art.text))
    if family is None:
        console.print("\nIn no reuse family.")
        return
    console.print(f"\nReuse family of {family.size} articles (original first):")
    for m in sorted(family.members, key=lambda m: m.id != family.original.id):
        console.print(plain(f"  {label(m)}  (id {m.id})"))


@main.command()
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@_db_option
@guarded
def remove(ids: tuple[str, ...], db: str) -> None:
    """Remove articles from an archive, with their band keys, term counts, text index
    entries and reuse pairs; the families they were in are regrouped. All or nothing:
    an unknown ID is an error (exit code 2) and nothing is removed.

    \b
    Example:
      newstrace remove 04-spin 05-summary --db archive.db
    """
    from .archive import Archive

    with Archive(db) as archive:
        gone = archive.remove(ids)
        left = len(archive)
    click.echo(f"{visible(db)}: {len(gone):,} articles removed, {left:,} left")


@main.command()
@_db_option
@_format_option(("jsonl", "parquet"), "JSONL, or Parquet (pip install 'newstrace[parquet]').")
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True, help="File to write.")
@guarded
def export(db: str, fmt: str, out: str) -> None:
    """Export every archived article (id, title, url, site, published, modified, author, text),
    the input format of `scan`; OUT is replaced only when complete.

    \b
    Examples:
      newstrace export --db archive.db --out articles.jsonl
      newstrace export --db archive.db --format parquet --out articles.parquet
    """
    from .archive import Archive
    from .archive_export import export_articles

    with Archive(db, create=False) as archive:
        n = export_articles(archive.articles(), out, fmt)
    click.echo(f"{visible(out)}: {n:,} articles exported from {visible(db)}")


@main.command()
@_db_option
@guarded
def upgrade(db: str) -> None:
    """Upgrade an archive made by an older newstrace to the current schema, in one
    transaction (schema 4: the table of stored preparations added; schema 3: also the
    modified-time column; schema 2: also its reuse families found by one scan of the
    archive; `add` upgrades it too), then store the preparation of every article that
    has none (what `check` unpacks instead of preparing an archived article again), a
    batch per transaction: stopping it keeps what was stored, and running it again goes
    on.

    \b
    Example:
      newstrace upgrade --db archive.db
    """
    from .archive import Archive

    if not Path(db).is_file():
        raise InputError(db, "no such archive")
    with Archive(db) as archive, _Bar(_stderr()) as bar:
        size = len(archive)
        stored = archive.fill_packs(progress=bar)
    click.echo(
        f"{visible(db)}: archive schema up to date ({size:,} articles; "
        f"{stored:,} preparations stored now)"
    )


# --- serve: local web UI and JSON API ---------------------------------------------------


@main.command()
@click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False),
    required=True,
    help="Archive file (build one with `newstrace add`).",
)
@click.option(
    "--host",
    default=server_defaults.HOST,
    show_default=True,
    help="Address to listen on (the default is reachable from this machine only).",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=server_defaults.PORT,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--max-chars",
    type=click.IntRange(min=1),
    default=server_defaults.MAX_CHARS,
    show_default=True,
    help="Longest article (submitted or archived) the server compares; longer ones get a 413.",
)
@click.option(
    "--max-sentences",
    type=click.IntRange(min=1),
    default=server_defaults.MAX_SENTENCES,
    show_default=True,
    help="Most sentences per article the server compares (cost grows with the "
    "product of both articles' counts).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=server_defaults.TIMEOUT,
    show_default=True,
    help="Seconds a check or compare may run; then it gets a 503 and its worker "
    "process is replaced.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=server_defaults.WORKERS,
    show_default=True,
    help="Worker processes that run checks and compares (one request each at a time).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME[:PORT]",
    help="Also answer requests for this Host name (a proxy's, this machine's "
    "network name); repeatable. Others than the bound address and loopback "
    "names get a 400 (DNS rebinding).",
)
@click.option(
    "--allow-writes",
    is_flag=True,
    help="Answer DELETE /api/articles/ID (remove an article); without it the server "
    "only reads the archive (403).",
)
@guarded
def serve(
    db: str,
    host: str,
    port: int,
    max_chars: int,
    max_sentences: int,
    timeout: float,
    workers: int,
    allow_hosts: tuple[str, ...],
    allow_writes: bool,
) -> None:
    """Web UI and JSON API over an archive: check articles, compare, browse families.

    Pages: / (paste or upload an article, see its matches), /families, /compare?a=ID&b=ID,
    /articles/ID. API: POST /api/check, POST /api/compare, GET /api/articles/ID,
    GET /api/articles?site=&q=&page=, GET /api/families?sort=&q=&site=&page=,
    DELETE /api/articles/ID (with --allow-writes); OpenAPI docs at /docs. Needs pip install 'newstrace[serve]'.
    Exit code 4 when the port is busy or the address cannot be used.

    \b
    Examples:
      newstrace serve --db archive.db
      newstrace serve --db archive.db --port 8080
      newstrace serve --db archive.db --max-chars 300000 --timeout 60 --workers 4
      newstrace serve --db archive.db --allow-writes   # curl -X DELETE .../api/articles/ID
      curl -s localhost:8000/api/check -H 'content-type: application/json' \\
           -d '{"text": "..."}' | jq .matches
    """
    from .server import serve as run_server

    run_server(
        db,
        host=host,
        port=port,
        max_chars=max_chars,
        max_sentences=max_sentences,
        timeout=timeout,
        workers=workers,
        allow_hosts=allow_hosts,
        allow_writes=allow_writes,
    )


# --- paraphrase: sentence pairs ---------------------------------------------------------


@main.command()
@click.argument("pairs_file", metavar="FILE")
@click.option(
    "--semantic",
    is_flag=True,
    help="Rescore pairs the lexical model is unsure of with MiniLM sentence "
    "embeddings (needs pip install 'newstrace[semantic]').",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Score at which a pair counts as a paraphrase [default: the model's, 0.5].",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=256,
    show_default=True,
    help="Pairs scored (and embedded) together.",
)
@guarded
def pairs(pairs_file: str, semantic: bool, threshold: float | None, batch_size: int) -> None:
    """Score sentence pairs: is the second a paraphrase of the first?

    FILE is MRPC TSV (Quality, #1 ID, #2 ID, #1 String, #2 String; header optional),
    TSV with columns "a<TAB>b" or "id<TAB>a<TAB>b", or JSONL objects {"a", "b", "id"?};
    "-" reads stdin. Writes one JSON object per pair to stdout: id (when given), score
    (0-1), paraphrase (true/false), and label when the input has one. Bad lines are
    reported as FILE:LINE and skipped; the exit code is then 1.

    \b
    Examples:
      newstrace pairs ../shared/data/mrpc/msr_paraphrase_train.txt > scores.jsonl
      echo '{"a": "Prices rose 5%.", "b": "Prices went up 5%."}' | newstrace pairs -
      newstrace pairs pairs.jsonl --semantic --threshold 0.6
    """
    from .corpus import batches
    from .paraphrase import Embedder, iter_pairs, load_model, score_pairs

    model = load_model("semantic" if semantic else "lexical")
    embedder = Embedder() if semantic else None
    if embedder is not None:
        embedder.load()  # MissingExtraError before any input is read
    cut = model.threshold if threshold is None else threshold
    err = _stderr()
    errors: list[InputError] = []
    on_error = _collect_errors(err, errors)
    for batch in batches(iter_pairs(pairs_file, on_error=on_error), batch_size):
        scores = score_pairs([(p.a, p.b) for p in batch], semantic=semantic, embedder=embedder)
        for p, s in zip(batch, scores, strict=True):
            row: dict[str, Any] = {} if p.id is None else {"id": p.id}
            row.update(score=round(float(s), 4), paraphrase=bool(s >= cut))
            if p.label is not None:
                row["label"] = p.label
            click.echo(json_text(row))
    if errors:
        sys.exit(1)


# --- pan: PAN text alignment -------------------------------------------------------------


@main.command()
@click.option(
    "--pairs",
    "pairs_file",
    type=click.Path(dir_okay=False),
    required=True,
    help='Pairs file: one "SUSPICIOUS SOURCE" pair of file names per line.',
)
@click.option(
    "--susp",
    "susp_dir",
    type=click.Path(file_okay=False),
    required=True,
    help="Folder of the suspicious documents.",
)
@click.option(
    "--src",
    "src_dir",
    type=click.Path(file_okay=False),
    required=True,
    help="Folder of the source documents.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    required=True,
    help="Write one PAN XML file per pair here (created when missing).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes to spread the pairs over.",
)
@click.option(
    "--scores",
    "scores_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write each pair's score, detection count and rare names shared here (TSV).",
)
@guarded
def pan(
    pairs_file: str, susp_dir: str, src_dir: str, out_dir: str, jobs: int, scores_file: str | None
) -> None:
    """PAN text alignment: reused passages of each source in its suspicious document.

    Writes OUT/<susp-basename>-<src-basename>.xml per pair: <document
    reference="SUSP.txt"> with one <feature name="detected-plagiarism" this_offset
    this_length source_reference source_offset source_length/> per detected passage.
    Offsets are character offsets into each file's text (UTF-8). A pair without
    detections gets a file with no features. The pair score (--scores) says how sure
    newstrace is that the pair shares text at all, including reworded reuse too weak
    to report as passages; shared_names counts the names of several words that both
    documents hold and at most one in 500 documents of the run do (two make a
    detection: a summary keeps names it cannot reword).

    \b
    Examples:
      newstrace pan --pairs pan13/pairs --susp pan13/susp --src pan13/src --out det/
      newstrace pan --pairs pairs --susp susp --src src --out det --jobs 4 --scores s.tsv
    """
    import time

    from .pan import read_pairs, run_pairs

    pairs_list = read_pairs(pairs_file)
    check_dir(out_dir)
    if scores_file:
        check_file(scores_file)
    t0 = time.perf_counter()
    with _Bar(_stderr()) as bar:
        results = run_pairs(
            pairs_list,
            susp_dir,
            src_dir,
            out_dir,
            jobs=jobs,
            progress=lambda done, total: bar("pan", done, total),
        )
    seconds = time.perf_counter() - t0
    if scores_file:
        rows = ["suspicious\tsource\tscore\tdetections\tshared_names"]
        rows += [
            f"{s}\t{r}\t{res.score:.4f}\t{len(res.detections)}\t{res.shared_names}"
            for (s, r), res in results.items()
        ]
        write_atomic(scores_file, "\n".join(rows) + "\n")
    found = sum(1 for res in results.values() if res.detections)
    passages = sum(len(res.detections) for res in results.values())
    click.echo(
        f"{len(results):,} pairs, {found:,} with detections, {passages:,} passages; "
        f"XML in {visible(out_dir)} ({seconds:.1f} s)"
    )
