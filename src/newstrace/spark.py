"""Spark engine: the scan of ``scan.py`` as Spark transformations, for corpora that outgrow
one machine.

Spark only moves records; every decision is made by the functions the local engine runs
(``ingest.article_from_record``; from the ``corpus`` layer ``batches``, ``article_parts``,
``TermCounts``, ``common_skeleton_terms``, ``common_slot_values``, ``signed``,
``band_keys_of``, ``screen_stored``, ``screen_stored_scored``, ``PreparedCache`` and
``verify_pair``; ``cluster.pick_original``),
so both engines give the same answers:

    read JSONL/Parquet lines, article files, WARC records (one task per WARC)
      -> first article of each id (input order, like the local scan)
      -> per partition, in batches: undensified shingle signatures, skeleton terms,
         frequencies, content words
      -> corpus-common skeleton terms and shingle slot values (summed by key, broadcast)
         -> signatures
      -> band keys
      -> band keys grouped by key (buckets over ``max_bucket`` skipped) -> distinct pairs
      -> screened on their signatures -> at most ``max_candidates`` per article (window)
      -> with the short-copy pairs (content words counted as joins: ``RARE_DOCUMENTS``
         and ``MIN_RARE_TERMS`` of ``corpus.short_copies``)
      -> articles joined onto pairs -> verified per partition (no corpus statistics)
      -> connected components (large-star / small-star joins) -> original per family

PySpark is an optional extra (``pip install 'newstrace[spark]'``) and needs Java 17+.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any, cast
from urllib.parse import unquote

import numpy as np

from .cluster import pick_original
from .corpus import (
    PreparedCache,
    TermCounts,
    article_parts,
    band_keys_of,
    batches,
    common_skeleton_terms,
    common_slot_values,
    one_blas_thread,
    screen_stored,
    screen_stored_scored,
    signed,
    verify_pair,
)
from .corpus.short_copies import MIN_RARE_TERMS, RARE_DOCUMENTS
from .errors import (
    InputError,
    InputWarning,
    MissingExtraError,
    NewstraceError,
    SparkSetupError,
)
from .ingest import (
    ARTICLE_SUFFIXES,
    JSONL_SUFFIXES,
    WARC_SUFFIXES,
    article_from_file_bytes,
    article_from_record,
    duplicate_id_error,
    glob_fixed_parts,
    jsonl_line_value,
    with_id_prefix,
)
from .lineage import with_tree
from .model import Article, CopyTree, Family, PairResult, ScanResult
from .options import DEFAULT_OPTIONS, Options
from .report.json_report import tree_dict, tree_from_dict
from .report.safe import json_text
from .warc import counts_note, read_warc

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = [
    "SparkScan",
    "SparkSetupError",
    "connected_components",
    "list_inputs",
    "read_articles",
    "run_scan",
    "scan_spark",
    "spark_session",
    "write_spark",
]

ARTICLE_FIELDS = (
    "id",
    "text",
    "title",
    "url",
    "site",
    "published",
    "author",
    "origin",
    "format",
    "modified",
)
PAIR_FIELDS = ("a", "b", "relation", "coverage_a", "coverage_b", "source", "score")
_RECORD_FIELDS = ("id", "text", "html", "url", "title", "published", "modified", "site", "author")
PARQUET_SUFFIXES = (".parquet",)
JSONL_LIMIT = 1_000_000
"""Up to this many pairs, results are also collected and written as JSONL like the local
engine (pairs.jsonl, families.jsonl, summary.json); beyond it only Parquet is written."""


def _require_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise MissingExtraError("the Spark engine", "spark") from None


def _launched_by_spark_submit() -> bool:
    """spark-submit starts the JVM first and hands Python its gateway."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def _local_cores(master: str | None) -> int:
    """Cores of a ``local``, ``local[N]`` or ``local[*]`` master; 0 for a cluster."""
    match = re.fullmatch(r"local(?:\[(\d+|\*)(?:,\d+)?\])?", master or "")
    if match is None:
        return 0
    cores = match.group(1) or "1"
    return os.cpu_count() or 1 if cores == "*" else int(cores)


def spark_session(
    master: str | None = None,
    *,
    partitions: int | None = None,
    conf: Mapping[str, str] | None = None,
) -> SparkSession:
    """A SparkSession for the scan: the running one under spark-submit (its master and
    settings win), else a new one on ``master`` (default ``local[*]``) whose Python
    workers run this interpreter, so they import the same newstrace and numpy."""
    _require_pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.appName("newstrace scan")
    if _launched_by_spark_submit():
        if master:
            builder = builder.master(master)
    else:
        if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
            raise SparkSetupError(
                "the Spark engine needs Java 17 or later: install a JRE "
                "(e.g. apt-get install openjdk-17-jre-headless) or set "
                "JAVA_HOME"
            )
        master = master or "local[*]"
        builder = builder.master(master).config("spark.ui.showConsoleProgress", "false")
        if master.startswith("local"):
            builder = builder.config("spark.pyspark.python", sys.executable)
    local = _local_cores(master)
    if partitions or local:
        # Spark's default of 200 shuffle partitions costs seconds per stage on one machine.
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions or 4 * local))
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    if not _launched_by_spark_submit():
        spark.sparkContext.setLogLevel("ERROR")
    return spark


# --- input --------------------------------------------------------------------------------


def _path_key(uri: str) -> tuple[str, ...]:
    """Sort key of a path: by components, as ``sorted(Path.rglob(...))`` orders them."""
    return tuple(part for part in unquote(uri).split("/") if part)


def _display(item: str, folder: str, uri: str) -> str:
    """How the local engine names a file found in a folder: the folder as given, then
    the path inside it."""
    inside = unquote(uri)[len(unquote(folder)) :].lstrip("/")
    return str(Path(item) / inside) if "://" not in item else f"{item.rstrip('/')}/{inside}"


def _inside(folder: str, uri: str) -> str:
    """The path of ``uri`` inside ``folder`` (POSIX, unquoted): an article file's id as
    the local engine gives it (``ingest.iter_named_paths``)."""
    return unquote(uri)[len(unquote(folder).rstrip("/")) :].lstrip("/")


def _glob_root(uri: str, item: str) -> str:
    """The folder of a glob match that its id is relative to: the pattern's folders
    before its first wildcard, as the local engine counts them, found in the match's
    uri by its depth."""
    pattern = [part for part in item.split("/") if part and part != "."]
    fixed = len(glob_fixed_parts(PurePosixPath(*pattern))) if pattern else 0
    parts = unquote(uri).split("/")
    return "/".join(parts[: len(parts) - (len(pattern) - fixed)])


def list_inputs(
    spark: SparkSession, inputs: Sequence[str]
) -> tuple[list[tuple[str, str, str, str]], list[InputError]]:
    """The JSONL, Parquet, WARC and article files of the inputs, in the order the local
    engine reads them: ``(uri, name for messages, "jsonl" | "parquet" | "warc" | "file",
    name for the id)``, and inputs that failed. The id name of an article file is its
    path inside the folder argument (or the glob's folder), or the file's name, as the
    local engine names it.

    Inputs are files, folders (searched recursively) and globs, on any Hadoop filesystem.
    """
    jvm = spark.sparkContext._jvm
    if jvm is None:  # only once the session has been stopped
        raise SparkSetupError("the Spark session has been stopped")
    hconf = spark.sparkContext._jsc.hadoopConfiguration()
    files: list[tuple[str, str, str, str]] = []
    failed: list[InputError] = []
    seen: set[str] = set()

    def add(uri: str, name: str, *, named: bool, id_name: str) -> None:
        lower = uri.lower()
        if lower.endswith(JSONL_SUFFIXES):
            kind = "jsonl"
        elif lower.endswith(PARQUET_SUFFIXES):
            kind = "parquet"
        elif lower.endswith(WARC_SUFFIXES):
            kind = "warc"  # read whole by one task, record by record (``_warc_rows``)
        elif named or lower.endswith(ARTICLE_SUFFIXES):
            kind = "file"  # one text or HTML article, read as the local engine reads it
        else:
            return
        if uri not in seen:
            seen.add(uri)
            files.append((uri, name, kind, id_name))

    for item in inputs:
        path = jvm.org.apache.hadoop.fs.Path(item)
        fs = path.getFileSystem(hconf)
        statuses = fs.globStatus(path)
        if statuses is None:
            failed.append(InputError(item, "no such file or folder"))
            continue
        glob = any(c in item for c in "*?[")
        for status in sorted(statuses, key=lambda s: _path_key(s.getPath().toString())):
            uri = status.getPath().toString()
            if status.isDirectory():
                found = []
                it = fs.listFiles(status.getPath(), True)
                while it.hasNext():
                    found.append(it.next().getPath().toString())
                for sub in sorted(found, key=_path_key):
                    add(sub, _display(item, uri, sub), named=False, id_name=_inside(uri, sub))
            elif glob:
                root = _glob_root(uri, item)
                add(uri, unquote(uri.removeprefix("file:")), named=True, id_name=_inside(root, uri))
            else:
                add(uri, item, named=True, id_name=_basename(uri))
    return files, failed


_POSITION_SCHEMA = ("file int", "block long", "row long")
_LINE_SCHEMA = ", ".join(
    (
        "ok boolean",
        *(f"{f} string" for f in ARTICLE_FIELDS),
        "error string",
        "note string",
        *_POSITION_SCHEMA,
    )
)
"""One row per article read (``ok``), failed input (``error``) or note on an input read
(``note``, e.g. a WARC's record counts), with its place in the input order; a failed
input's or a note's name is in ``origin``."""

_ROW_KINDS = ("jsonl", "parquet", "file")
"""Input kinds read by Spark's own readers and parsed a row at a time (a WARC is not)."""

Position = tuple[int, int, int]
"""(input index, byte where its block starts, row in the block): the input order."""


def _basename(uri: str) -> str:
    return unquote(uri).rstrip("/").rsplit("/", 1)[-1]


def _article_row(art: Article, position: Position) -> tuple[Any, ...]:
    """An article read, as a ``_LINE_SCHEMA`` row."""
    return (True, *(getattr(art, f) for f in ARTICLE_FIELDS), None, None, *position)


def _problem_row(
    source: str, position: Position, *, error: str | None = None, note: str | None = None
) -> tuple[Any, ...]:
    """A failed input (``error``) or a note (``note``) as a ``_LINE_SCHEMA`` row, the
    input's name in ``origin``: executors cannot warn or raise to the driver, so both
    travel as rows and are said there in input order."""
    fields = (source if f == "origin" else None for f in ARTICLE_FIELDS)
    return (False, *fields, error, note, *position)


def _row_article(
    row: Any, kind: str, where: str, id_name: str, name: str, options: Options
) -> Article | None:
    """The article of one input row, made by the local engine's own functions (None: a
    blank JSONL line)."""
    if kind == "file":
        return article_from_file_bytes(bytes(row["content"]), id_name, name, options=options)
    if kind == "jsonl":
        record = jsonl_line_value(bytes(row["raw"]), where, options)
        if record is None:
            return None
    else:
        record = {k: row[k] for k in _RECORD_FIELDS if row[k] is not None}
    return article_from_record(record, where, options=options)


def _parse_rows(
    rows: Iterable[Any],
    names: Mapping[str, tuple[int, str, str]],
    kind: str,
    options: Options,
    id_prefix: str = "",
) -> Iterator[tuple[Any, ...]]:
    """Articles (or errors) of JSONL lines, Parquet rows or article files, with their
    input position.

    JSONL lines arrive as raw bytes and go through the local engine's own decoding and
    ``article_from_record``, so ids, texts and errors are those of a local scan.
    """
    lines: Counter[tuple[str, int]] = Counter()
    for row in rows:
        index, name, id_name = names.get(
            unquote(row["path"]), (-1, row["path"], _basename(row["path"]))
        )
        block = row["block"]
        lines[row["path"], block] += 1
        k = lines[row["path"], block]
        where = f"{name}:{k}" if block == 0 else f"{name}:{k} after byte {block}"
        position = (index, block, row["row"])
        try:
            art = _row_article(row, kind, where, id_name, name, options)
            if art is not None:
                yield _article_row(_prefixed(art, id_prefix), position)
        except InputError as exc:
            yield _problem_row(exc.source, position, error=exc.message)


def _prefixed(art: Article, id_prefix: str) -> Article:
    """``art`` with ``--id-prefix`` put before its id by the local engine's own
    ``with_id_prefix`` (an id grown past the limit is its InputError)."""
    failed: list[InputError] = []
    for out in with_id_prefix([art], id_prefix, failed.append):
        return out
    raise failed[0]


# --- web archives -------------------------------------------------------------------------

_ARROW_SCHEMES = {"s3a": "s3", "s3n": "s3"}
"""Hadoop's names of filesystems that pyarrow knows under another name."""


def _local_path(uri: str) -> str | None:
    """The local path of a ``file:`` URI or plain path, else None."""
    if uri.startswith("file:"):
        return uri.removeprefix("file:")
    return None if "://" in uri else uri


def _remote_stream(uri: str, name: str) -> IO[bytes]:
    """A byte stream of a file on a Hadoop filesystem (HDFS through libhdfs, S3, GCS),
    opened with pyarrow on the executor: Spark hands a Python worker a file only whole,
    and a WARC may be gigabytes. Compression is left to the WARC reader."""
    try:
        from pyarrow import fs
    except ImportError:
        raise InputError(
            name,
            "a WARC outside the local filesystem is read with pyarrow on the executors "
            "(pip install 'newstrace[parquet]')",
        ) from None
    scheme, rest = uri.split("://", 1)
    try:
        filesystem, path = fs.FileSystem.from_uri(f"{_ARROW_SCHEMES.get(scheme, scheme)}://{rest}")
    except ValueError as exc:  # pyarrow's ArrowInvalid: a filesystem it does not know
        raise InputError(name, f"cannot open ({exc})") from None
    return cast(IO[bytes], filesystem.open_input_stream(path, compression=None))


def _opener(uri: str, name: str) -> Callable[[], IO[bytes]]:
    """Opens the WARC at ``uri`` for ``warc.read_warc`` (which may open it twice),
    streamed: a local path with ``open``, any other filesystem with pyarrow."""
    local = _local_path(uri)

    def open_stream() -> IO[bytes]:
        if local is not None:
            return open(local, "rb")
        return _remote_stream(uri, name)

    return open_stream


def _positions(index: int) -> Iterator[Position]:
    """Positions of a WARC's rows: one block (the file is one task's stream), rows
    numbered in the order the local engine meets them."""
    number = 0
    while True:
        yield index, 0, number
        number += 1


def _warc_rows(
    item: tuple[int, str, str], options: Options, id_prefix: str
) -> Iterator[tuple[Any, ...]]:
    """Articles, errors and the record-count note of one WARC (``(input index, uri,
    name)``), in the local engine's order: ``warc.read_warc`` reads it on this executor
    a record at a time (bounded memory), and ``with_id_prefix`` names its articles."""
    index, uri, name = item
    positions = _positions(index)
    pending: list[InputError] = []
    counts: Counter[str] = Counter()
    read = read_warc(_opener(uri, name), name, options, pending.append, counts)
    finished = False
    try:
        for art in with_id_prefix(read, id_prefix, pending.append):
            yield from _error_rows(pending, positions)
            yield _article_row(art, next(positions))
        finished = True
    except InputError as exc:  # the file itself cannot be opened or read: no note
        pending.append(exc)
    yield from _error_rows(pending, positions)
    if finished:
        yield _problem_row(name, next(positions), note=counts_note(name, counts).message)


def _error_rows(pending: list[InputError], positions: Iterator[Position]) -> list[tuple[Any, ...]]:
    """The errors met so far as rows (``pending`` emptied), placed before what follows."""
    rows = [_problem_row(e.source, next(positions), error=e.message) for e in pending]
    pending.clear()
    return rows


def _warc_frame(
    spark: SparkSession, warcs: list[tuple[int, str, str]], options: Options, id_prefix: str
) -> DataFrame:
    """The rows of the WARCs, one task each: a WARC is a stream of (often gzipped)
    records that cannot be split at a byte offset, so each is read whole, in order, at
    bounded memory, by the task that holds it."""
    tasks = spark.sparkContext.parallelize(warcs, len(warcs))
    rows = tasks.flatMap(partial(_warc_rows, options=options, id_prefix=id_prefix))
    return spark.createDataFrame(rows, _LINE_SCHEMA)


# --- reading ------------------------------------------------------------------------------


def _kind_frame(
    spark: SparkSession,
    kind: str,
    uris: list[str],
    names: Mapping[str, tuple[int, str, str]],
    options: Options,
    id_prefix: str,
) -> DataFrame:
    """The ``_LINE_SCHEMA`` rows of the inputs of one kind (not WARC)."""
    from pyspark.sql import functions as F

    parse = partial(_parse_rows, names=names, kind=kind, options=options, id_prefix=id_prefix)
    if kind == "file":
        df = (
            spark.read.format("binaryFile")
            .load(uris)
            .select("path", "content")
            .withColumn("block", F.lit(0).cast("long"))
            .withColumn("row", F.lit(0).cast("long"))
        )
        return spark.createDataFrame(df.rdd.mapPartitions(parse), _LINE_SCHEMA)
    if kind == "jsonl":
        df = spark.read.text(uris).select(F.col("value").cast("binary").alias("raw"))
    else:
        df = spark.read.parquet(*uris)
        present = set(df.columns)
        df = df.select(
            *[
                (F.col(c).cast("string") if c in present else F.lit(None).cast("string")).alias(c)
                for c in _RECORD_FIELDS
            ]
        )
    df = df.select(
        "*",
        F.col("_metadata.file_path").alias("path"),
        F.col("_metadata.file_block_start").alias("block"),
        F.monotonically_increasing_id().alias("row"),
    )
    return spark.createDataFrame(df.rdd.mapPartitions(parse), _LINE_SCHEMA)


def _say_problems(rows: Iterable[Any], failed: list[InputError]) -> None:
    """The executors' errors into ``failed`` and their notes said as the local engine
    says them (an :class:`InputWarning` each), in input order."""
    for r in rows:
        if r["note"] is not None:
            warnings.warn(InputWarning(r["origin"], r["note"]), stacklevel=3)
        else:
            failed.append(InputError(r["origin"], r["error"]))


def read_articles(
    spark: SparkSession,
    inputs: Sequence[str],
    *,
    options: Options = DEFAULT_OPTIONS,
    partitions: int,
    id_prefix: str = "",
) -> tuple[DataFrame, int, list[InputError]]:
    """Every article of the inputs, the first of each id only (later ones are reported,
    as the local scan does): a cached DataFrame over ``partitions`` partitions, its size,
    and the failed inputs in input order. ``id_prefix`` goes before every id
    (``--id-prefix``); notes on inputs (a WARC's record counts) are warnings, as locally."""
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    files, failed = list_inputs(spark, inputs)
    names = {
        unquote(uri): (index, name, id_name) for index, (uri, name, _, id_name) in enumerate(files)
    }
    frames = []
    for kind in _ROW_KINDS:
        uris = [uri for uri, _, k, _ in files if k == kind]
        if uris:
            frames.append(_kind_frame(spark, kind, uris, names, options, id_prefix))
    warcs = [(i, uri, name) for i, (uri, name, kind, _) in enumerate(files) if kind == "warc"]
    if warcs:
        frames.append(_warc_frame(spark, warcs, options, id_prefix))
    if not frames:
        empty = spark.createDataFrame([], ", ".join(f"{f} string" for f in ARTICLE_FIELDS))
        return empty, 0, failed
    parsed = frames[0]
    for frame in frames[1:]:
        parsed = parsed.unionByName(frame)
    parsed = parsed.persist(StorageLevel.MEMORY_AND_DISK)
    position = ["file", "block", "row"]
    _say_problems(parsed.where(~F.col("ok")).orderBy(*position).collect(), failed)

    # Later articles of an id are found on a narrow projection; only they are dropped.
    ok = parsed.where(F.col("ok"))
    first = Window.partitionBy("id").orderBy(*position)
    dupes = (
        ok.select("id", "origin", *position)
        .withColumn("rank", F.row_number().over(first))
        .withColumn("first", F.first("origin").over(first))
        .where(F.col("rank") > 1)
        .orderBy(*position)
        .collect()
    )
    failed.extend(
        duplicate_id_error(r["origin"] or r["id"], r["id"], r["first"] or r["id"]) for r in dupes
    )
    if dupes:
        drop = spark.createDataFrame(
            [tuple(r[c] for c in position) for r in dupes], ", ".join(_POSITION_SCHEMA)
        )
        ok = ok.join(F.broadcast(drop), position, "left_anti")
    articles = ok.select(*ARTICLE_FIELDS).repartition(partitions)
    articles = articles.persist(StorageLevel.MEMORY_AND_DISK)
    count = articles.count()
    parsed.unpersist()
    return articles, count, failed


# --- fingerprint and candidates -----------------------------------------------------------


def _article(row: Any, prefix: str = "") -> Article:
    return Article(**{f: row[prefix + f] for f in ARTICLE_FIELDS})


def _fingerprint_partition(rows: Iterable[Any], options: Options) -> Iterator[Any]:
    """Undensified shingle signatures and skeleton terms of a partition's articles, a
    batch at a time (the vectorised code of the local engine), then the partition's
    skeleton-term and shingle slot-value frequencies as one ``(None, ((hashes, counts),
    (codes, counts)))``."""
    terms = TermCounts(slots=True)
    for batch in batches((_article(row) for row in rows), options.batch_size):
        parts = article_parts(
            batch,
            options,
            frequencies=False,
            content=bool(options.short_copy_share),
            dense=False,
        )
        terms.add(parts)
        yield [a.id for a in batch], parts
    yield None, (terms.skeleton(), terms.slots())


def _print_rows(
    record: tuple[list[str] | None, Any], options: Options, common: Any, slots: Any
) -> Iterator[tuple[str, list[int], bytes, bytes, list[int]]]:
    """``(id, band keys, shingle signature, skeleton signature, content words)`` of a
    batch record, the corpus-common skeleton terms (``common``) and shingle slot values
    (``slots``; both broadcast) left out, as the local ``CorpusFingerprinter`` does (the
    partition's frequencies give none)."""
    ids, parts = record
    if ids is None:
        return
    fp = signed(parts, options, common.value, slots.value)
    keys = band_keys_of(fp, options)
    words = parts.content
    cuts = np.searchsorted(words.rows, np.arange(len(ids) + 1)).tolist()
    for k, art_id in enumerate(ids):
        yield (
            art_id,
            keys[k].tolist(),
            fp.shingles[k].tobytes(),
            fp.skeleton[k].tobytes(),
            words.hashes[cuts[k] : cuts[k + 1]].tolist(),
        )


def _common_skeleton(stats: Any, documents: int, options: Options) -> np.ndarray:
    """The corpus-common skeleton terms from the partitions' skeleton-term frequencies:
    summed by key, and only terms over the floor reach the driver."""
    # A record of ``stats`` is (None, ((hashes, counts), slots)).
    hashes, counts = _summed(stats, 0, options.common_skeleton_min)
    return common_skeleton_terms(hashes, counts, documents, options)


def _common_slots(stats: Any, options: Options) -> np.ndarray:
    """The corpus-common shingle slot values (``fingerprint.common_slots``) from the
    partitions' slot-value frequencies, summed by key as the skeleton terms are."""
    limit = options.common_slot_articles
    if limit <= 0:
        return np.empty(0, np.uint64)
    return common_slot_values(*_summed(stats, 1, limit), options)


def _summed(stats: Any, which: int, floor: int) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies ``which`` of the partitions' stats summed by key; only keys over the
    floor reach the driver."""
    summed = (
        stats.flatMap(
            lambda st: zip(st[1][which][0].tolist(), st[1][which][1].tolist(), strict=True)
        )
        .reduceByKey(lambda x, y: x + y)
        .filter(lambda kv: kv[1] > floor)
        .collect()
    )
    keys = np.array([h for h, _ in summed], dtype=np.uint64)
    counts = np.array([c for _, c in summed], dtype=np.int64)
    return keys, counts


_SCREEN_BATCH = 4096
"""Candidate pairs screened at once."""


def _screen_partition(rows: Iterable[Any], options: Options) -> Iterator[tuple[str, str, float]]:
    """The candidates of a partition that the corpus screen keeps, in batches, with the
    pre-verdict's probability that ``_bounded`` ranks them by (0 when there is no bound)."""
    for batch in batches(rows, _SCREEN_BATCH):
        a = [(r["a_sh"], r["a_sk"]) for r in batch]
        b = [(r["b_sh"], r["b_sk"]) for r in batch]
        kept = (
            screen_stored_scored(a, b, options)
            if options.max_candidates
            else [(k, 0.0) for k in screen_stored(a, b, options)]
        )
        for k, p in kept:
            yield batch[k]["a"], batch[k]["b"], p


def _bounded(candidates: DataFrame, limit: int) -> DataFrame:
    """The candidates ``(a, b, p)`` among the ``limit`` most promising of both their
    articles: ``corpus.bound_candidates``'s order (probability, highest first, then the
    partner's id) as a window over each article's candidates."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    directed = candidates.select(F.col("a").alias("x"), F.col("b").alias("y"), "p").union(
        candidates.select(F.col("b").alias("x"), F.col("a").alias("y"), "p")
    )
    place = F.row_number().over(Window.partitionBy("x").orderBy(F.desc("p"), F.asc("y")))
    over = directed.withColumn("place", place).where(F.col("place") > limit)
    dropped = over.select(F.least("x", "y").alias("a"), F.greatest("x", "y").alias("b"))
    return candidates.join(dropped.distinct(), ["a", "b"], "left_anti")


def short_copy_pairs_df(prints: DataFrame, options: Options) -> DataFrame:
    """Distinct ``(a, b)`` id pairs, ``a < b``, of a short article and a longer one that
    holds ``options.short_copy_share`` of its rarer content words:
    ``corpus.short_copy_pairs`` as joins (``prints``: ``id`` and ``terms``)."""
    from pyspark.sql import functions as F

    words = prints.select("id", F.size("terms").alias("size"), F.explode("terms").alias("term"))
    df = words.groupBy("term").count()
    rarer = df.where((F.col("count") >= 2) & (F.col("count") <= RARE_DOCUMENTS))
    rare = words.join(rarer.select("term"), "term")
    counts = rare.groupBy("id").agg(F.count("*").alias("rare"))
    shorts = (
        rare.join(counts, "id")
        .where((F.col("size") <= options.short_copy_terms) & (F.col("rare") >= MIN_RARE_TERMS))
        .select(F.col("id").alias("s"), F.col("size").alias("s_size"), "rare", "term")
    )
    longers = rare.select(F.col("id").alias("l"), F.col("size").alias("l_size"), "term")
    shared = (
        shorts.join(longers, "term")
        .where(F.col("l_size") > F.col("s_size"))
        .groupBy("s", "l", "rare")
        .count()
    )
    kept = shared.where(F.col("count") >= F.lit(options.short_copy_share) * F.col("rare"))
    return kept.select(F.least("s", "l").alias("a"), F.greatest("s", "l").alias("b")).distinct()


def candidate_pairs_df(keys: DataFrame, max_bucket: int) -> DataFrame:
    """Distinct ``(a, b)`` id pairs, ``a < b``, sharing a band key, skipping buckets of
    more than ``max_bucket`` articles: ``lsh.candidate_pairs`` as a shuffle."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    bucket = Window.partitionBy("key")
    kept = (
        keys.distinct()
        .withColumn("n", F.count("*").over(bucket))
        .where((F.col("n") >= 2) & (F.col("n") <= max_bucket))
        .select("key", "id")
    )
    x, y = kept.alias("x"), kept.alias("y")
    return (
        x.join(y, F.col("x.key") == F.col("y.key"))
        .where(F.col("x.id") < F.col("y.id"))
        .select(F.col("x.id").alias("a"), F.col("y.id").alias("b"))
        .distinct()
    )


# --- verification -------------------------------------------------------------------------


_TASK_PREPARED = 4096
"""Prepared articles a verification task holds at most (least recently used go first)."""


def _verify_partition(
    rows: Iterable[Any], options: Options
) -> Iterator[tuple[str, str, str, float, float, str | None, float]]:
    """Verified reuse pairs of a partition's candidates. The rows carry their articles,
    so the store never loads one."""
    cache: PreparedCache[str] = PreparedCache(None, options, size=_TASK_PREPARED)
    with one_blas_thread():  # the executor's parallelism is its tasks
        for row in rows:
            a, b = _article(row, "a_"), _article(row, "b_")
            p = verify_pair(cache.get(a.id, a), cache.get(b.id, b), options)
            if p is not None:
                yield p.a, p.b, p.relation, p.coverage_a, p.coverage_b, p.source, p.score


_PAIR_SCHEMA = (
    "a string, b string, relation string, coverage_a double, coverage_b double, "
    "source string, score double"
)


# --- families -----------------------------------------------------------------------------


def _large_star(edges: DataFrame) -> DataFrame:
    """Every node links its larger neighbours to the smallest of its neighbourhood."""
    from pyspark.sql import functions as F

    both = edges.select(F.col("u").alias("x"), F.col("v").alias("y")).union(
        edges.select(F.col("v").alias("x"), F.col("u").alias("y"))
    )
    low = both.groupBy("x").agg(F.least(F.min("y"), F.col("x")).alias("m"))
    return (
        both.where(F.col("y") > F.col("x"))
        .join(low, "x")
        .select(F.col("y").alias("u"), F.col("m").alias("v"))
        .distinct()
    )


def _small_star(edges: DataFrame) -> DataFrame:
    """Every node links itself and its smaller neighbours to the smallest of them."""
    from pyspark.sql import functions as F

    low = edges.groupBy("u").agg(F.min("v").alias("m"))
    moved = (
        edges.join(low, "u")
        .where(F.col("v") != F.col("m"))
        .select(F.col("v").alias("u"), F.col("m").alias("v"))
    )
    return moved.union(low.select("u", F.col("m").alias("v"))).distinct()


def _is_star_forest(edges: DataFrame) -> bool:
    """Each node has at most one link, to a node without links of its own: the links are
    then stars around each component's smallest id."""
    from pyspark.sql import functions as F

    n = edges.count()
    if edges.select("u").distinct().count() != n:
        return False
    centres = edges.select(F.col("v").alias("u")).distinct()
    return centres.join(edges.select("u"), "u").limit(1).count() == 0


def connected_components(pairs: DataFrame, *, max_rounds: int = 100) -> DataFrame:
    """``(id, root)`` for every id in a pair, ``root`` the smallest id of its component:
    alternating large-star and small-star joins (Kiveris et al. 2014) until the links
    are stars; no step collects the edges to the driver."""
    from pyspark.sql import functions as F

    edges = (
        pairs.select(F.greatest("a", "b").alias("u"), F.least("a", "b").alias("v"))
        .where(F.col("u") != F.col("v"))
        .distinct()
    )
    for _ in range(max_rounds):
        edges = _small_star(_large_star(edges)).localCheckpoint()
        if _is_star_forest(edges):
            break
    else:
        raise NewstraceError(f"connected components did not converge in {max_rounds} rounds")
    roots = edges.select(F.col("v").alias("id")).distinct().withColumn("root", F.col("id"))
    return edges.select(F.col("u").alias("id"), F.col("v").alias("root")).union(roots)


def _family(row: Any, options: Options) -> tuple[str, list[str], str, str | None]:
    """(first member, members, original, copy tree as ``tree_dict`` JSON) of one
    component: ``lineage.with_tree`` as in the local engine, on the component's own
    articles (their texts are absent when the family is too large to order)."""
    rows = {m["id"]: m for m in row["members"]}
    members = sorted(rows)
    published = {i: m["published"] for i, m in rows.items()}
    pairs = [PairResult(*(p[f] for f in PAIR_FIELDS)) for p in row["pairs"]]
    fam = Family(tuple(members), pick_original(members, pairs, published))
    with one_blas_thread():
        fam = with_tree(fam, lambda i: _article(rows[i]), pairs, options)
    tree = None if fam.tree is None else json_text(tree_dict(fam.tree))
    return members[0], members, fam.original, tree


def families_df(
    pairs: DataFrame, articles: DataFrame, options: Options = DEFAULT_OPTIONS
) -> DataFrame:
    """``(family, original, size, members, tree)``: components of the reuse pairs,
    numbered in the order of their smallest id, each with its copy tree (``tree``: the
    families.jsonl tree fields as JSON, null when trees are off) and the tree's root as
    its original, per component after the components are found."""
    from pyspark.sql import functions as F

    spark = pairs.sparkSession
    comp = connected_components(pairs)
    sizes = comp.groupBy("root").agg(F.count("*").alias("n"))
    small = F.col("n") <= F.lit(options.tree_max_members)
    fields = [F.when(small, F.col(f)).alias(f) if f == "text" else F.col(f) for f in ARTICLE_FIELDS]
    members = (
        comp.join(sizes, "root")
        .join(articles.select(*ARTICLE_FIELDS), "id")
        .groupBy("root")
        .agg(F.collect_list(F.struct(*fields)).alias("members"))
    )
    inner = (
        pairs.join(comp.withColumnRenamed("id", "a"), "a")
        .groupBy("root")
        .agg(F.collect_list(F.struct(*PAIR_FIELDS)).alias("pairs"))
    )
    picked = members.join(inner, "root").rdd.map(partial(_family, options=options))
    numbered = (
        picked.sortBy(lambda f: f[0])
        .zipWithIndex()
        .map(lambda x: (x[1] + 1, x[0][2], len(x[0][1]), x[0][1], x[0][3]))
    )
    return spark.createDataFrame(
        numbered, "family long, original string, size int, members array<string>, tree string"
    )


# --- the scan -----------------------------------------------------------------------------


@dataclass
class SparkScan:
    """A scan on Spark: pairs and families as DataFrames (sorted like the local engine's
    lists), the counts of the local ``ScanResult``, and the failed inputs."""

    pairs: DataFrame
    families: DataFrame
    articles: int
    candidates: int
    pair_count: int
    failed: list[InputError] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    frame: DataFrame | None = None
    """The articles read (``ARTICLE_FIELDS``), for a deduplication after the scan."""

    def collect(self) -> ScanResult:
        """The whole result on the driver, as the local engine returns it."""
        pairs = [PairResult(*(r[f] for f in PAIR_FIELDS)) for r in self.pairs.collect()]
        families = [
            Family(tuple(r["members"]), r["original"], _tree(r["tree"], r["original"]))
            for r in self.families.orderBy("family").collect()
        ]
        return ScanResult(
            pairs, families, self.articles, list(self.failed), self.candidates, dict(self.seconds)
        )


def _tree(text: str | None, root: str) -> CopyTree | None:
    return None if text is None else tree_from_dict(json.loads(text), root)


def _grid_size(partitions: int) -> int:
    """Groups G of the verification grid: pairs go to cell (group of a, group of b), so a
    task prepares the articles of two groups, not of the whole corpus (``prepare`` costs
    several comparisons); G(G + 1) / 2 cells >= ``partitions``."""
    g = 1
    while g * (g + 1) // 2 < partitions:
        g += 1
    return g


def _default_partitions(spark: SparkSession) -> int:
    return 4 * spark.sparkContext.defaultParallelism


def run_scan(
    spark: SparkSession,
    inputs: Sequence[str],
    *,
    options: Options = DEFAULT_OPTIONS,
    partitions: int | None = None,
    id_prefix: str = "",
) -> SparkScan:
    """Read, fingerprint, band, verify and cluster on Spark; each stage is materialised
    (cached) once, which also times it. ``id_prefix`` goes before every id read."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    parts = partitions or _default_partitions(spark)
    sc = spark.sparkContext
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    articles, n_articles, failed = read_articles(
        spark, inputs, options=options, partitions=parts, id_prefix=id_prefix
    )

    fps = articles.rdd.mapPartitions(partial(_fingerprint_partition, options=options))
    fps = fps.persist(StorageLevel.MEMORY_AND_DISK)
    stats = fps.filter(lambda r: r[0] is None)
    common = sc.broadcast(_common_skeleton(stats, n_articles, options))
    slots = sc.broadcast(_common_slots(stats, options))
    rows = fps.flatMap(partial(_print_rows, options=options, common=common, slots=slots))
    prints = spark.createDataFrame(
        rows, "id string, keys array<long>, sh binary, sk binary, terms array<long>"
    ).persist(StorageLevel.MEMORY_AND_DISK)
    prints.count()
    fps.unpersist()
    seconds["fingerprint"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    keys = prints.select(F.explode("keys").alias("key"), "id").where(F.col("key") != -1)
    pairs_ab = candidate_pairs_df(keys, options.max_bucket)
    sig_a = prints.select(
        F.col("id").alias("a"), F.col("sh").alias("a_sh"), F.col("sk").alias("a_sk")
    )
    sig_b = prints.select(
        F.col("id").alias("b"), F.col("sh").alias("b_sh"), F.col("sk").alias("b_sk")
    )
    screened = (
        pairs_ab.join(sig_a, "a")
        .join(sig_b, "b")
        .rdd.mapPartitions(partial(_screen_partition, options=options))
    )
    candidates = spark.createDataFrame(screened, "a string, b string, p double")
    if options.max_candidates:
        candidates = _bounded(candidates, options.max_candidates)
    candidates = candidates.select("a", "b")
    if options.short_copy_share:  # past the screen and the bound, as in the local scan
        short = short_copy_pairs_df(prints, options)
        candidates = candidates.union(short).distinct()
    candidates = candidates.persist(StorageLevel.MEMORY_AND_DISK)
    n_candidates = candidates.count()
    prints.unpersist()
    seconds["candidates"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    cols_a = [F.col(f).alias("a_" + f) for f in ARTICLE_FIELDS]
    cols_b = [F.col(f).alias("b_" + f) for f in ARTICLE_FIELDS]
    grid = _grid_size(parts)
    group_a, group_b = (F.pmod(F.hash(c), F.lit(grid)) for c in ("a", "b"))
    cell = F.least(group_a, group_b) * grid + F.greatest(group_a, group_b)
    joined = (
        candidates.withColumn("cell", cell)
        .join(articles.select(*cols_a), F.col("a") == F.col("a_id"))
        .join(articles.select(*cols_b), F.col("b") == F.col("b_id"))
        .repartition(grid * (grid + 1) // 2, "cell")
        .sortWithinPartitions("a", "b")
    )
    verified = joined.rdd.mapPartitions(partial(_verify_partition, options=options))
    pairs = (
        spark.createDataFrame(verified, _PAIR_SCHEMA)
        .orderBy("a", "b")
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    n_pairs = pairs.count()
    candidates.unpersist()
    seconds["verify"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    families = families_df(pairs, articles, options).persist(StorageLevel.MEMORY_AND_DISK)
    families.count()
    seconds["cluster"] = time.perf_counter() - t3
    seconds["total"] = time.perf_counter() - t0
    return SparkScan(pairs, families, n_articles, n_candidates, n_pairs, failed, seconds, articles)


def dedup_spark(result: SparkScan, level: str = "rewrite") -> tuple[DataFrame, DataFrame]:
    """``dedup.deduplicate`` on Spark: the kept articles (``ARTICLE_FIELDS``) and the
    removed ids with the id kept for each (``id``, ``kept``), from the families of the
    pairs of ``level``'s relations (the same originals as the local engine's)."""
    from pyspark.sql import functions as F

    from .dedup import check_level

    relations = sorted(check_level(level))
    assert result.frame is not None, "a SparkScan from run_scan keeps its articles"
    pairs = result.pairs.where(F.col("relation").isin(relations))
    # The kept member as dedup.deduplicate keeps it: the scan family's original when it is
    # in the family, else cluster.pick_original's (no copy trees for these families: they
    # would cost a full comparison of their members again).
    families = families_df(pairs, result.frame, DEFAULT_OPTIONS.with_(tree_max_members=0))
    roots = result.families.select(F.col("original").alias("id"), F.lit(True).alias("root"))
    members = families.select("family", "original", F.explode("members").alias("id"))
    chosen = members.join(roots, "id").groupBy("family").agg(F.min("id").alias("scan_original"))
    removed = (
        members.join(chosen, "family", "left")
        .select("id", F.coalesce("scan_original", "original").alias("kept"))
        .where(F.col("id") != F.col("kept"))
    )
    kept = result.frame.join(removed.select("id"), "id", "left_anti").select(*ARTICLE_FIELDS)
    return kept, removed


def scan_spark(
    inputs: Sequence[str],
    *,
    options: Options = DEFAULT_OPTIONS,
    master: str | None = None,
    partitions: int | None = None,
    spark: SparkSession | None = None,
    conf: Mapping[str, str] | None = None,
    id_prefix: str = "",
) -> ScanResult:
    """``scan.scan`` on Spark: the same pairs and families, collected on the driver.

    ``inputs`` are JSONL/Parquet files, WARCs, article files, folders or globs (any
    Hadoop filesystem URI). ``master`` defaults to ``local[*]``, or to what spark-submit
    set. ``id_prefix`` goes before every id, as ``--id-prefix`` does locally.
    """
    spark = spark or spark_session(master, partitions=partitions, conf=conf)
    result = run_scan(spark, inputs, options=options, partitions=partitions, id_prefix=id_prefix)
    return result.collect()


def local_dir(out: str) -> Path | None:
    """A local folder for ``out`` (plain path or ``file:`` URI), else None."""
    if out.startswith("file:"):
        return Path(unquote(out[5:]))
    return None if "://" in out else Path(out)


def write_spark(
    result: SparkScan, out: str, *, jsonl_limit: int = JSONL_LIMIT
) -> ScanResult | None:
    """Write ``pairs`` and ``families`` as Parquet under ``out``; with at most
    ``jsonl_limit`` pairs, also the local engine's layout (pairs.jsonl, families.jsonl,
    summary.json, errors.txt) when ``out`` is local, and return the collected result."""
    from .report.scan_report import write_scan

    base = out.rstrip("/")
    result.pairs.write.mode("overwrite").parquet(f"{base}/pairs")
    result.families.orderBy("family").write.mode("overwrite").parquet(f"{base}/families")
    if result.pair_count > jsonl_limit:
        return None
    collected = result.collect()
    local = local_dir(base)
    if local is not None:
        write_scan(collected, local)
    return collected


def summary_line(result: SparkScan, out: str | None) -> str:
    """One line for scans too large to collect."""
    where = f"; Parquet under {out}" if out else ""
    return (
        f"{result.articles:,} articles, {result.candidates:,} candidate pairs, "
        f"{result.pair_count:,} reuse pairs, {len(result.failed):,} failed inputs{where}"
    )
