"""PAN text alignment: detect reused passages between a suspicious and a source document,
write and read PAN XML, and score detections with the PAN measures.

PAN (the plagiarism detection shared tasks, PAN 2009-2015) describes a document pair by
its reused passages ("cases"): character ranges in the suspicious document
(``this_offset``/``this_length``) and in the source document
(``source_offset``/``source_length``). Offsets count characters (code points) of the
file's text after UTF-8 decoding, exactly as ``newstrace`` offsets do.

Detection runs the compare pipeline's align stage on the two whole texts (PAN documents
are plain text, not scraped pages: nothing is removed as boilerplate) and keeps its raw
alignments: compare's verdict may call a pair "same-story" and drop them, which is not
what a passage detector wants. Then, PAN-specific:

* PAN cases are long contiguous passages, while alignments are runs of sentences that
  break wherever one sentence pair matches weakly: alignments close on both sides
  (``max_gap``) are merged into one passage, so one case gives one detection.
* Alignments are whole sentences, and web text has long "sentences" (menus, lists,
  lines without stops) of which only a part was reused: each passage's ends move to its
  first and last run of shared words (``refine``).
* Only alignments scoring at least ``min_alignment_score`` make detections (a weak
  alignment beside a case would stretch it), and short or weak passages are dropped.
* The pair-level score (did this pair reuse text at all?) is the evidence of the
  strongest passage merged from *all* alignments, weak ones included, since obfuscated
  reuse aligns weakly sentence by sentence. It decides whether the pair reports anything:
  a pair scoring at or below ``min_pair_score`` reports no detection, whatever its
  passages; a pair scoring above it reports its strong passages, or, when the filters
  above leave none (reworded reuse aligns weakly), its strongest passage, refined. So a
  pair has a detection when its score is above ``min_pair_score``, the operating
  point fitted on pairs known to share nothing (``threshold_at_fpr``, see ``PanOptions``).
* Names survive where wording does not: a summary or a heavy paraphrase rewords every
  sentence but keeps the names of people, places and bodies. A pair whose documents
  share ``min_shared_names`` names of several words that are rare in the run (held by at
  most ``max_name_share`` of the documents its pairs name) has a detection too, whatever
  its score (``detected``); without a passage to report, the stretch of each text
  between its first and last shared name.

The evaluator follows the published definitions (Potthast, Stein, Barron-Cedeno, Rosso:
"An Evaluation Framework for Plagiarism Detection", COLING 2010) as the PAN organisers'
``perfmeasures.py`` computes them: a detection *detects* a case when both name the same
document pair and overlap in the suspicious and in the source document; macro precision
and recall average, over detections and over cases, the share of characters (suspicious
and source characters together) covered by detected cases / detecting detections;
granularity is the mean number of detections per detected case; and
``plagdet = F1 / log2(1 + granularity)``.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from xml.etree import ElementTree

from rapidfuzz.distance import LCSseq

from .align import PASSAGE_GAP_CHARS, Passage, align, passages
from .compare import Prepared, prepare
from .errors import InputError, OptionsError
from .ingest import decode
from .model import Alignment, Article
from .options import Options
from .skeleton import facts

__all__ = [
    "DEFAULT_PAN_OPTIONS",
    "DETECTION_NAME",
    "Detection",
    "Feature",
    "PanOptions",
    "PanResult",
    "Passage",
    "Scores",
    "analyse",
    "detect",
    "detected",
    "detection_rate",
    "document_names",
    "evaluate",
    "granularity",
    "macro_precision",
    "macro_recall",
    "pair_file_name",
    "passages",
    "plagdet",
    "rare_names",
    "read_pairs",
    "read_pan_text",
    "read_xml",
    "refine",
    "result_from_alignments",
    "run_pairs",
    "shared_name_span",
    "threshold_at_fpr",
    "write_xml",
]

DETECTION_NAME = "detected-plagiarism"
"""The feature name PAN expects for detections (truth files use ``plagiarism``)."""

Pair = tuple[str, str]
"""(suspicious file name, source file name), as a PAN pairs file lists them."""

_T = TypeVar("_T")
_R = TypeVar("_R")


# --- detection ------------------------------------------------------------------------


def _align_options() -> Options:
    return Options(strip_boilerplate=False, min_link_score=0.35, min_context_score=0.2)


@dataclass(frozen=True, slots=True)
class PanOptions:
    """Knobs of the PAN detector; the defaults were set on the PAN 2013 sample in
    ``../shared/data/pan13-subset`` (see ``bench/eval_pan.py``)."""

    align: Options = field(default_factory=_align_options)
    """Options of the align stage: no boilerplate removal (PAN texts are not pages), and
    weaker sentence links than for news (obfuscated reuse shares fewer words)."""
    min_alignment_score: float = 0.5
    """Alignments scoring below this make no detection (they still count for the pair)."""
    max_gap: int = PASSAGE_GAP_CHARS
    """Alignments (and passages) at most this many characters apart on both sides merge."""
    min_chars: int = 150
    """Passages shorter than this (on the shorter side) are not reported."""
    min_evidence: float = 1.5
    """Passages whose evidence (link scores summed) is below this are not reported."""
    min_block_words: int = 3
    """A passage's ends move to its first and last run of this many shared words
    (0: keep the sentence boundaries)."""
    min_pair_score: float = 1.4083
    """A pair whose score (``PanResult.score``) is at or below this reports no
    detection; one above it reports at least its strongest passage (0: every pair with
    an alignment). Fitted on the development half of PAN 2013
    (``../shared/data/pan13-subset``, all 1,295 pairs): the lowest value at which at most
    1% of its no-plagiarism pairs score above it (``threshold_at_fpr(negatives, 0.01)``:
    2 of 250 above), printed by ``python bench/eval_pan.py --out bench/out/pan`` as
    "threshold FITTED ON ALL THESE PAIRS". Half the 2% that may be flagged: fitted at
    2% (1.1917), 5-fold cross-validation by suspicious document flagged 2.5% of the
    held-out negatives on average over 10 shuffles (up to 4%), so a threshold set at the
    limit would break it on new pairs about half the time; fitted at 1% it flagged 1.2%
    (0.8-2.4%), detecting none / random / translation / summary pairs 0.999 / 0.968 /
    0.983 / 0.175 (at 2%: 1.000 / 0.976 / 0.989 / 0.193). On the dev pairs themselves
    (in-sample) it detects 1.000 / 0.976 / 0.988 / 0.179, the 1.1917 of before 1.000 /
    0.976 / 0.992 / 0.203."""

    min_shared_names: int = 2
    """A pair whose documents share at least this many rare names (``max_name_share``)
    reports a detection whatever its score (0: names are not read). Names of several
    words ("Boise Interagency Fire Center") are what a summary or a heavy paraphrase
    cannot reword, so they are evidence where the wording is gone: on the development
    half of PAN 2013 (all 1,295 pairs in one run, 1,856 documents) two such names lift
    summary-obfuscation pairs detected from 0.179 to 0.443 and flag no further
    no-plagiarism pair (0.008); one name would flag 3.6% of them."""
    max_name_share: float = 0.002
    """A name is rare when at most this share of the run's documents (every suspicious
    and source document its pairs name) hold it: one in 500, so 3 of PAN 2013's 1,856.
    A run of fewer than ``1 / max_name_share`` documents has no rare shared names (a
    shared name is in two documents at least), since rarity cannot be told in a handful
    of documents: there every name of a topic is "rare" (250 no-plagiarism pairs run
    alone, 365 documents, would have had 1.6% of them flagged at 3 documents)."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_alignment_score <= 1.0:
            raise OptionsError(
                f"min_alignment_score must be between 0 and 1, got {self.min_alignment_score!r}"
            )
        for name in ("max_gap", "min_chars", "min_block_words"):
            if getattr(self, name) < 0:
                raise OptionsError(f"{name} must not be negative, got {getattr(self, name)!r}")
        if self.min_evidence < 0:
            raise OptionsError(f"min_evidence must not be negative, got {self.min_evidence!r}")
        if not self.min_pair_score >= 0:  # also refuses NaN
            raise OptionsError(f"min_pair_score must not be negative, got {self.min_pair_score!r}")
        if self.min_shared_names < 0:
            raise OptionsError(
                f"min_shared_names must not be negative, got {self.min_shared_names!r}"
            )
        if not 0.0 <= self.max_name_share <= 1.0:
            raise OptionsError(
                f"max_name_share must be between 0 and 1, got {self.max_name_share!r}"
            )


DEFAULT_PAN_OPTIONS = PanOptions()


@dataclass(frozen=True, slots=True)
class Detection:
    """One detected passage: ``[this_offset, this_offset + this_length)`` of the
    suspicious text reuses ``[source_offset, source_offset + source_length)`` of the
    source text."""

    this_offset: int
    this_length: int
    source_offset: int
    source_length: int


def detection(p: Passage) -> Detection:
    """The detection a passage makes (suspicious side ``a``, source side ``b``)."""
    return Detection(p.a_start, p.a_end - p.a_start, p.b_start, p.b_end - p.b_start)


@dataclass(frozen=True, slots=True)
class PanResult:
    """What the detector found for one pair: passages and the pair-level score."""

    detections: tuple[Detection, ...]
    score: float
    """Evidence of the strongest passage of all alignments (0 when none): the higher, the
    surer that the pair shares text. The pair has detections exactly when this is above
    ``PanOptions.min_pair_score`` or it shares enough rare names (``shared_names``)."""
    shared_names: int = 0
    """Rare names of several words both documents hold (``PanOptions.max_name_share``;
    0 for a pair analysed outside a run, where rarity is unknown)."""


def detected(
    result: PanResult, threshold: float, options: PanOptions = DEFAULT_PAN_OPTIONS
) -> bool:
    """Whether a pair counts as reused at pair-score ``threshold``: its score above it,
    or at least ``options.min_shared_names`` rare names shared (the shipped rule with
    ``threshold = options.min_pair_score``)."""
    names = options.min_shared_names
    return result.score > threshold or (names > 0 and result.shared_names >= names)


_WORD = re.compile(r"\w+")


def _words(text: str, start: int, end: int) -> tuple[list[str], list[tuple[int, int]]]:
    found = [(m.group().casefold(), m.span()) for m in _WORD.finditer(text, start, end)]
    return [w for w, _ in found], [span for _, span in found]


def refine(
    p: Passage, susp_text: str, src_text: str, options: PanOptions = DEFAULT_PAN_OPTIONS
) -> Passage:
    """Move a passage's ends from sentence boundaries to where the shared wording starts
    and stops.

    The words of both sides are aligned (longest common subsequence); the first and the
    last run of at least ``min_block_words`` equal words become the passage's ends,
    widened over punctuation both sides share (a closing stop, an opening quote). A
    passage without such a run (a translation, a summary) is left as it is.
    """
    k = options.min_block_words
    if k <= 0:
        return p
    wa, oa = _words(susp_text, p.a_start, p.a_end)
    wb, ob = _words(src_text, p.b_start, p.b_end)
    if not wa or not wb:
        return p
    blocks = [
        (op.src_start, op.src_end, op.dest_start, op.dest_end)
        for op in LCSseq.opcodes(wa, wb)
        if op.tag == "equal" and op.src_end - op.src_start >= k
    ]
    if not blocks:
        return p
    a_start, b_start = oa[blocks[0][0]][0], ob[blocks[0][2]][0]
    a_end, b_end = oa[blocks[-1][1] - 1][1], ob[blocks[-1][3] - 1][1]
    while (
        a_start > 0
        and b_start > 0
        and susp_text[a_start - 1] == src_text[b_start - 1]
        and not susp_text[a_start - 1].isspace()
    ):
        a_start -= 1
        b_start -= 1
    while (
        a_end < len(susp_text)
        and b_end < len(src_text)
        and susp_text[a_end] == src_text[b_end]
        and not susp_text[a_end].isspace()
    ):
        a_end += 1
        b_end += 1
    return Passage(a_start, a_end, b_start, b_end, p.evidence, p.alignments)


def _keep(p: Passage, options: PanOptions) -> bool:
    return (
        min(p.a_end - p.a_start, p.b_end - p.b_start) >= options.min_chars
        and p.evidence >= options.min_evidence
    )


def result_from_alignments(
    alignments: Sequence[Alignment],
    susp_text: str,
    src_text: str,
    options: PanOptions = DEFAULT_PAN_OPTIONS,
    shared: frozenset[str] = frozenset(),
) -> PanResult:
    """Post-process raw alignments (suspicious side ``a``, source side ``b``): the pair
    score from all of them (the evidence of the strongest passage); at or below
    ``min_pair_score`` no detection, unless the pair shares ``min_shared_names`` rare
    names (``shared``, their keys); above it, detections from the strong alignments,
    merged, refined, filtered, or the strongest passage, refined, when none survives (for
    a pair found by its names without any alignment: the stretch of each text between
    its first and last shared name)."""
    merged = passages(alignments, options.max_gap)
    strongest = max(merged, key=lambda p: p.evidence, default=None)
    score = round(strongest.evidence, 4) if strongest is not None else 0.0
    result = PanResult((), score, len(shared))
    if not detected(result, options.min_pair_score, options):
        return result
    strong = [al for al in alignments if al.score >= options.min_alignment_score]
    refined = (refine(p, susp_text, src_text, options) for p in passages(strong, options.max_gap))
    kept = tuple(detection(p) for p in refined if _keep(p, options))
    if not kept and strongest is not None:
        kept = (detection(refine(strongest, susp_text, src_text, options)),)
    if not kept:
        a_start, a_end = shared_name_span(susp_text, shared)
        b_start, b_end = shared_name_span(src_text, shared)
        kept = (Detection(a_start, a_end - a_start, b_start, b_end - b_start),)
    return PanResult(kept, score, len(shared))


# --- rare names shared ------------------------------------------------------------------


def document_names(text: str) -> frozenset[str]:
    """Keys of a text's names of several words (skeleton facts): a single capitalised
    word ("Idaho", "Monday") is shared by chance too often to be evidence."""
    return frozenset(f.key for f in facts(text) if f.kind == "name" and " " in f.text)


def rare_names(
    names: Mapping[str, frozenset[str]], options: PanOptions = DEFAULT_PAN_OPTIONS
) -> dict[str, frozenset[str]]:
    """Each document's names (``document_names``, keyed by document) that at most
    ``options.max_name_share`` of these documents hold."""
    if options.min_shared_names <= 0:
        return {doc: frozenset() for doc in names}
    most = int(options.max_name_share * len(names) + 1e-9)
    held = Counter(name for found in names.values() for name in found)
    return {doc: frozenset(n for n in found if held[n] <= most) for doc, found in names.items()}


def shared_name_span(text: str, shared: frozenset[str]) -> tuple[int, int]:
    """From the first to the end of the last of the ``shared`` names (keys) in ``text``;
    the whole text when none is found."""
    spans = [f.span for f in facts(text) if f.kind == "name" and f.key in shared]
    if not spans:
        return 0, len(text)
    return spans[0].start, max(span.end for span in spans)


def _prepare(text: str, name: str, options: PanOptions) -> Prepared:
    opts = options.align
    if len(text) > opts.max_chars:  # PAN documents are read whole, however long
        opts = opts.with_(max_chars=len(text))
    return prepare(Article(id=name, text=text), opts)


def _analyse_prepared(
    pa: Prepared, pb: Prepared, options: PanOptions, shared: frozenset[str] = frozenset()
) -> PanResult:
    if not pa.side.spans or not pb.side.spans:
        return PanResult((), 0.0)
    alignments = align(pa.side, pb.side, options.align)
    return result_from_alignments(alignments, pa.article.text, pb.article.text, options, shared)


def analyse(susp_text: str, src_text: str, options: PanOptions = DEFAULT_PAN_OPTIONS) -> PanResult:
    """Detections and the pair-level score for one suspicious/source pair of texts (no
    rare names: which names are rare needs the documents of a run, ``run_pairs``)."""
    if not susp_text.strip() or not src_text.strip():
        return PanResult((), 0.0)
    return _analyse_prepared(
        _prepare(susp_text, "susp", options), _prepare(src_text, "src", options), options
    )


def detect(
    susp_text: str, src_text: str, options: PanOptions = DEFAULT_PAN_OPTIONS
) -> list[Detection]:
    """Reused passages of ``src_text`` in ``susp_text``, with character offsets.

    >>> detect(suspicious, source)                       # doctest: +SKIP
    [Detection(this_offset=1489, this_length=319, source_offset=3815, source_length=319)]
    """
    return list(analyse(susp_text, src_text, options).detections)


# --- files: texts, pairs, a whole run ---------------------------------------------------


def read_pan_text(path: str | os.PathLike[str]) -> str:
    """A PAN document's text: the file decoded as UTF-8 and nothing else changed (line
    ends and a byte-order mark stay, so offsets count what PAN counts); files that are
    not UTF-8 are decoded as ``newstrace.ingest.decode`` does."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(str(p), "no such file") from None
    except IsADirectoryError:
        raise InputError(str(p), "is a directory, expected a file") from None
    except OSError as exc:
        raise InputError(str(p), f"cannot read ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return decode(data, str(p))


def read_pairs(path: str | os.PathLike[str]) -> list[Pair]:
    """A PAN pairs file: one "suspicious-file source-file" pair per line (blank lines and
    lines starting with # are skipped)."""
    origin = str(path)
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(origin, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(origin, f"cannot read ({exc})") from None
    out: list[Pair] = []
    for number, line in enumerate(lines, 1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if len(fields) != 2:
            raise InputError(
                f"{origin}:{number}", f"expected 'SUSPICIOUS SOURCE', got {len(fields)} field(s)"
            )
        out.append((fields[0], fields[1]))
    return out


_Job = tuple[str, list[str], str, str, PanOptions, Mapping[str, frozenset[str]]]
"""A suspicious document, its sources, both folders, the options and the rare names of
these documents (keyed by ``_doc_key``)."""


def _doc_key(folder: str | os.PathLike[str], name: str) -> str:
    return str(Path(folder) / name)


def _names_of(path: str) -> tuple[str, frozenset[str]]:
    return path, document_names(read_pan_text(path))


def _run_group(job: _Job) -> list[tuple[Pair, PanResult]]:
    """One suspicious document against its sources (it is prepared once)."""
    susp, sources, susp_dir, src_dir, options, rare = job
    text = read_pan_text(Path(susp_dir) / susp)
    pa = _prepare(text, susp, options) if text.strip() else None
    mine = rare.get(_doc_key(susp_dir, susp), frozenset())
    out = []
    for src in sources:
        other = read_pan_text(Path(src_dir) / src)
        if pa is None or not other.strip():
            result = PanResult((), 0.0)
        else:
            shared = mine & rare.get(_doc_key(src_dir, src), frozenset())
            result = _analyse_prepared(pa, _prepare(other, src, options), options, shared)
        out.append(((susp, src), result))
    return out


def run_pairs(
    pairs: Sequence[Pair],
    susp_dir: str | os.PathLike[str],
    src_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str] | None = None,
    *,
    options: PanOptions = DEFAULT_PAN_OPTIONS,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> dict[Pair, PanResult]:
    """Analyse every pair; with ``out_dir``, write one PAN XML file per pair there.

    Every file is checked before any work starts (a missing one raises InputError).
    The documents the pairs name are the collection that tells which names are rare
    (``rare_names``). ``jobs`` > 1 spreads documents over that many processes.
    """
    for susp, src in pairs:
        for folder, name in ((susp_dir, susp), (src_dir, src)):
            if not (Path(folder) / name).is_file():
                raise InputError(str(Path(folder) / name), "no such file (named in the pairs)")
    groups: dict[str, list[str]] = {}
    for susp, src in pairs:
        groups.setdefault(susp, []).append(src)
    docs = list(
        dict.fromkeys(k for s, r in pairs for k in (_doc_key(susp_dir, s), _doc_key(src_dir, r)))
    )
    results: dict[Pair, PanResult] = {}
    total = len(pairs)

    def collect(found: list[tuple[Pair, PanResult]]) -> None:
        for pair, result in found:
            results[pair] = result
            if out_dir is not None:
                write_xml(
                    Path(out_dir) / pair_file_name(*pair), pair[0], pair[1], result.detections
                )
        if progress is not None:
            progress(len(results), total)

    if out_dir is not None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    pool = ProcessPoolExecutor(max_workers=jobs) if jobs > 1 and len(groups) > 1 else None
    with pool or nullcontext():
        names = dict(_mapped(pool, _names_of, docs, 16)) if options.min_shared_names > 0 else {}
        rare = rare_names(names, options)
        work: list[_Job] = []
        for susp, srcs in groups.items():
            keys = [_doc_key(susp_dir, susp), *(_doc_key(src_dir, src) for src in srcs)]
            mine = {k: rare[k] for k in keys if rare.get(k)}
            work.append((susp, srcs, str(susp_dir), str(src_dir), options, mine))
        for found in _mapped(pool, _run_group, work, 4):
            collect(found)
    return {pair: results[pair] for pair in pairs}


def _mapped(
    pool: ProcessPoolExecutor | None, fn: Callable[[_T], _R], items: Sequence[_T], chunksize: int
) -> Iterator[_R]:
    """``fn`` over ``items`` in order, in the pool's processes when there is one."""
    return pool.map(fn, items, chunksize=chunksize) if pool is not None else map(fn, items)


# --- PAN XML --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Feature:
    """One case or detection of a PAN XML file, with both documents named."""

    this_reference: str
    this_offset: int
    this_length: int
    source_reference: str
    source_offset: int
    source_length: int
    name: str = DETECTION_NAME


def pair_file_name(susp: str, src: str) -> str:
    """PAN's output file name for a pair: ``<susp-basename>-<src-basename>.xml``."""
    return f"{_basename(susp)}-{_basename(src)}.xml"


def _basename(name: str) -> str:
    base = os.path.basename(name)
    return base[:-4] if base.lower().endswith(".txt") else os.path.splitext(base)[0]


def write_xml(
    path: str | os.PathLike[str],
    susp_reference: str,
    source_reference: str,
    detections: Iterable[Detection],
    *,
    name: str = DETECTION_NAME,
) -> Path:
    """Write one PAN XML file: ``<document reference=SUSP>`` with one ``<feature>`` per
    detection (attributes in PAN's order). Returns the path written."""
    root = ElementTree.Element("document", {"reference": os.path.basename(susp_reference)})
    for d in detections:
        ElementTree.SubElement(
            root,
            "feature",
            {
                "name": name,
                "this_offset": str(d.this_offset),
                "this_length": str(d.this_length),
                "source_reference": os.path.basename(source_reference),
                "source_offset": str(d.source_offset),
                "source_length": str(d.source_length),
            },
        )
    ElementTree.indent(root)
    out = Path(path)
    out.write_text(ElementTree.tostring(root, encoding="unicode") + "\n", encoding="utf-8")
    return out


def read_xml(path: str | os.PathLike[str], names: Sequence[str] | None = None) -> list[Feature]:
    """The features of one PAN XML file (truth or detections). ``names`` keeps only
    features with those names (default: every feature that names a source)."""
    origin = str(path)
    try:
        root = ElementTree.parse(path).getroot()
    except FileNotFoundError:
        raise InputError(origin, "no such file") from None
    except ElementTree.ParseError as exc:
        raise InputError(origin, f"not PAN XML ({exc})") from None
    this_ref = root.get("reference")
    if root.tag != "document" or not this_ref:
        raise InputError(origin, "not PAN XML (expected <document reference=...>)")
    out: list[Feature] = []
    for el in root.iter("feature"):
        name = el.get("name", "")
        if (names is not None and name not in names) or el.get("source_reference") is None:
            continue  # other kinds, or intrinsic features that name no source
        try:
            out.append(
                Feature(
                    this_ref,
                    int(el.get("this_offset", "")),
                    int(el.get("this_length", "")),
                    el.get("source_reference", ""),
                    int(el.get("source_offset", "")),
                    int(el.get("source_length", "")),
                    name,
                )
            )
        except ValueError:
            raise InputError(
                origin, f"feature with a missing or non-integer offset: {dict(el.attrib)}"
            ) from None
    return out


# --- evaluation: character level (Potthast et al. 2010) ---------------------------------


def _overlaps(case: Feature, det: Feature) -> bool:
    """``det`` detects ``case``: same document pair, overlapping on both sides."""
    return (
        case.this_reference == det.this_reference
        and case.source_reference == det.source_reference
        and det.this_offset < case.this_offset + case.this_length
        and case.this_offset < det.this_offset + det.this_length
        and det.source_offset < case.source_offset + case.source_length
        and case.source_offset < det.source_offset + det.source_length
    )


def _covered(start: int, length: int, others: Iterable[tuple[int, int]]) -> int:
    """Characters of ``[start, start+length)`` inside the union of the ``others``
    (``(offset, length)`` ranges)."""
    end = start + length
    total, reach = 0, start
    for s, e in sorted((max(start, s), min(end, s + n)) for s, n in others):
        s = max(s, reach)
        if e > s:
            total += e - s
            reach = e
    return total


def _macro_recall(cases: Sequence[Feature], detections: Sequence[Feature]) -> float:
    """Mean over ``cases`` of the share of their characters (both documents) that the
    ``detections`` detecting them cover. Precision is this with the roles swapped."""
    if not cases and not detections:
        return 1.0
    if not cases or not detections:
        return 0.0
    by_pair: dict[Pair, list[Feature]] = {}
    for d in detections:
        by_pair.setdefault((d.this_reference, d.source_reference), []).append(d)
    total = 0.0
    for c in cases:
        hits = [
            d for d in by_pair.get((c.this_reference, c.source_reference), ()) if _overlaps(c, d)
        ]
        size = c.this_length + c.source_length
        if not hits or size == 0:
            continue
        got = _covered(
            c.this_offset, c.this_length, ((d.this_offset, d.this_length) for d in hits)
        ) + _covered(
            c.source_offset, c.source_length, ((d.source_offset, d.source_length) for d in hits)
        )
        total += got / size
    return total / len(cases)


def macro_recall(cases: Sequence[Feature], detections: Sequence[Feature]) -> float:
    """Macro-averaged character recall of ``detections`` over ``cases``."""
    return _macro_recall(cases, detections)


def macro_precision(cases: Sequence[Feature], detections: Sequence[Feature]) -> float:
    """Macro-averaged character precision of ``detections`` against ``cases``."""
    return _macro_recall(detections, cases)


def granularity(cases: Sequence[Feature], detections: Sequence[Feature]) -> float:
    """Mean number of detections per detected case (1 when no case is detected)."""
    by_pair: dict[Pair, list[Feature]] = {}
    for d in detections:
        by_pair.setdefault((d.this_reference, d.source_reference), []).append(d)
    counts = [
        sum(1 for d in by_pair.get((c.this_reference, c.source_reference), ()) if _overlaps(c, d))
        for c in cases
    ]
    detected = [n for n in counts if n > 0]
    return sum(detected) / len(detected) if detected else 1.0


def plagdet(precision: float, recall: float, gran: float) -> float:
    """``F1 / log2(1 + granularity)`` (0 when precision and recall are both 0)."""
    if (precision <= 0 and recall <= 0) or gran < 1:
        return 0.0
    f1 = 2 * precision * recall / (precision + recall)
    return f1 / math.log2(1 + gran)


@dataclass(frozen=True, slots=True)
class Scores:
    """The PAN measures of a set of detections against a set of cases."""

    precision: float
    recall: float
    granularity: float
    plagdet: float
    cases: int
    detections: int


def evaluate(cases: Sequence[Feature], detections: Sequence[Feature]) -> Scores:
    """Precision, recall, granularity and plagdet over a whole corpus (macro averages
    over all its cases and all its detections, as PAN reports them)."""
    p = macro_precision(cases, detections)
    r = macro_recall(cases, detections)
    g = granularity(cases, detections)
    return Scores(p, r, g, plagdet(p, r, g), len(cases), len(detections))


# --- evaluation: pair level -----------------------------------------------------------


def threshold_at_fpr(negative_scores: Iterable[float], max_fpr: float = 0.02) -> float:
    """The lowest threshold ``t`` at which at most ``max_fpr`` of the negative pairs
    (pairs known to share nothing) have a score above ``t``; a pair counts as reused
    when its score is above the threshold (``score > t``)."""
    neg = sorted(negative_scores, reverse=True)
    if not neg:
        return 0.0
    allowed = int(max_fpr * len(neg) + 1e-9)
    return neg[allowed] if allowed < len(neg) else float("-inf")


def detection_rate(
    results: Iterable[PanResult], threshold: float, options: PanOptions = DEFAULT_PAN_OPTIONS
) -> float:
    """Share of ``results`` that count as reused at pair-score ``threshold`` (``detected``;
    0 for none)."""
    values = list(results)
    return (
        sum(1 for r in values if detected(r, threshold, options)) / len(values) if values else 0.0
    )
