"""Generate a scan benchmark corpus with planted reuse and known ground truth.

Usage (from the repository root; ``python -m newstrace_synth.corpus`` is the same)::

    . .venv/bin/activate
    python bench/gen_corpus.py --n 2000 --seed 1 --out bench/out/corpus-2000.jsonl
    # -> bench/out/corpus-2000.jsonl and bench/out/corpus-2000.truth.json
    #    (``--truth PATH`` to name the truth file yourself)

What is in it
-------------

* **families**: an original and its copies. Copies are made with ``textgen``:
  ``reprint`` (same body, another site's boilerplate; half keep an "appeared first on"
  line), ``spin`` (synonyms, ~10% of sentences dropped, one split, one merge, a changed
  number), a **summary** (this module: the lead plus 30-40% of the sentences, lightly
  spun) and a **partial** reuse (this module, after ``textgen.partial_reuse``: a third of
  the parent's sentences, in two runs, inside a new article on another beat). An original
  has 1 to 4 copies; a fifth of the copies have a copy of their own (copies of copies:
  a reprint of a spin, a summary of a reprint, ...). Copies are published 20 minutes to
  2 days after their parent.
* **same-event decoys**: an independent report of an original's event: the same cast
  (people, roles, organisations, city, region, date, figures), the same beat, fresh
  sentences, no reused sentence. Published within 12 hours of the original (before or
  after). A few decoys are reprinted (a family of their own).
* **unrelated originals**: everything else, each with its own cast and beat.

Why not ``textgen.make_story`` for the articles themselves: textgen fills the same 20
sentence templates per topic, so two *independent* stories of one topic share their
sentence frames (word 3-shingle Jaccard 0.31-0.41; ``newstrace.compare`` calls such a
pair a rewrite with 0.84 coverage). In a corpus of thousands that makes every same-topic
pair a "copy". So bodies here come from a small combinatorial grammar (below) whose
sentences are filled through textgen's cast and slot machinery (``_cast`` with richer
invented names, ``_fill``, boilerplate, paragraphs), and whose vocabulary is rich in the words that
textgen's synonym spinner knows. Independent articles then share only stock phrasing:
each article also carries 0-2 of textgen's generic stock sentences ("The national
government said it was monitoring the situation closely ..."), filled with its own cast,
as wire copy does in real life.

Ground truth (``truth.json``)
-----------------------------

Every sentence of every article carries *atoms*: the (article, sentence) where its text
was first written. Reprints keep their parent's atoms, spun/summarised sentences take
the atoms of the parent sentences they were made from (splits and merges included), a
partial's own text gets new atoms. Two articles **reuse** each other when they share
atoms, whatever the path between them: a reprint and a spin of one original reuse each
other, and so do two spins of one original. That is the relation a scan should report,
because the shared text is there on the page. For such a pair, with the share of each
article's body characters in sentences holding shared atoms ("coverage"):

* fewer than 2 shared atoms, or fewer than 150 shared characters on one side: the pair
  is **ambiguous** and not scored (neither a miss nor a false positive);
* ``duplicate``: both coverages >= 0.9 and the shared sentences are word for word the
  same (reprint chains);
* ``rewrite``: one coverage >= 0.5 (spins, summaries, spins of reprints, ...);
* ``partial``: otherwise (the lifted third inside a new article).

These are newstrace's own verdict thresholds (``Options.duplicate_coverage``,
``rewrite_coverage``, ``partial_min_chars``) applied to the known provenance. Each pair
also has a ``tier``: ``direct`` when the path between the two through the derivation tree
has at most one non-reprint step (parent/child, or reprint vs spin of one original),
``indirect`` otherwise (two independent spins of one original, a partial vs a summary of
the same parent, ...); a ``kind`` naming the non-reprint steps ("spin", "summary",
"partial", "reprint" if none, "spin+summary" for two steps); and a ``source``: the
ancestor when one is an ancestor of the other, else null (siblings and cousins: neither
copied the other, as for the two reprints in ``demo/truth.json``; not judged).

``articles[id]`` gives ``family`` (the root of its derivation tree: the family label),
``role`` (original, copy, decoy, unrelated), ``kind``, ``parent``, ``depth``, ``beat``,
``event_of`` (decoys: the original whose event they report) and ``stock`` (indices of
textgen's generic stock sentences used).

Everything is deterministic for a given ``--n`` and ``--seed``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from dataclasses import dataclass, field, replace
from itertools import combinations
from pathlib import Path
from typing import Any

from . import textgen as tg
from .textgen import Sentence, Story

__all__ = ["Corpus", "build_corpus", "grammar_story", "partial_of", "summary_of"]

# Newstrace's verdict thresholds (newstrace.options.Options defaults), applied to truth.
DUPLICATE_COVERAGE = 0.9
REWRITE_COVERAGE = 0.5
PARTIAL_MIN_CHARS = 150
MIN_SHARED_SENTENCES = 2

# --- beats: orgs, roles and focus nouns of a story --------------------------------------------


def _beat(
    name: str,
    orgs: tuple[str, str, str],
    roles: tuple[str, str, str],
    nouns: tuple[str, ...],
    events: tuple[str, ...],
) -> tg._Topic:
    return tg._Topic(
        name=name,
        orgs=orgs,
        roles=roles,
        lexicon={"event": events},
        headlines=(),
        lead=(),
        sentences=(),
        quotes=nouns,
    )


# ``quotes`` holds the beat's focus nouns (the grammar's own use; textgen's <quote> slot is
# never used here: generic templates with quotes are left out).
BEATS: tuple[tg._Topic, ...] = (
    _beat(
        "transport",
        ("<city> Transit Authority", "Regional Rail Partnership", "<city> Commuters' Forum"),
        ("chief executive", "operations director", "chair"),
        (
            "tram line",
            "bus lane",
            "night bus",
            "ring road",
            "timetable",
            "railway crossing",
            "bus station",
            "footbridge",
            "ticket machine",
            "park-and-ride site",
        ),
        ("the timetable change", "the line closure", "the fare rise"),
    ),
    _beat(
        "housing",
        ("<city> Housing Trust", "<region> Tenants' Union", "<city> City Council"),
        ("director", "organiser", "housing spokeswoman"),
        (
            "housing estate",
            "rent cap",
            "tower block",
            "waiting list",
            "social housing scheme",
            "eviction notice",
            "building plot",
            "student hall",
            "retrofit grant",
            "hostel",
        ),
        ("the eviction row", "the rent dispute", "the housing shortage"),
    ),
    _beat(
        "schools",
        ("<city> Education Board", "Oakfield Academy Trust", "<region> Parents' Association"),
        ("superintendent", "head teacher", "chair"),
        (
            "primary school",
            "school bus",
            "exam timetable",
            "sports hall",
            "classroom block",
            "breakfast club",
            "catchment area",
            "teacher shortage",
            "school meal",
            "playground",
        ),
        ("the school closure", "the exam mix-up", "the staffing row"),
    ),
    _beat(
        "health",
        ("<region> Health Board", "St Brannock's Hospital", "<city> Patients' Panel"),
        ("medical director", "chief nurse", "chair"),
        (
            "hospital wing",
            "ambulance station",
            "waiting list",
            "walk-in clinic",
            "maternity unit",
            "care home",
            "mental health service",
            "pharmacy",
            "vaccination centre",
            "night clinic",
        ),
        ("the ward closure", "the outbreak", "the staffing crisis"),
    ),
    _beat(
        "port",
        ("<city> Port Authority", "Northwater Shipping", "<city> Fishermen's Guild"),
        ("harbour master", "managing director", "secretary"),
        (
            "harbour wall",
            "ferry service",
            "container terminal",
            "fish market",
            "dry dock",
            "pier",
            "lighthouse",
            "marina",
            "dredging contract",
            "quay",
        ),
        ("the harbour dispute", "the ferry cancellations", "the dock closure"),
    ),
    _beat(
        "energy",
        ("<region> Power Company", "<city> Energy Cooperative", "National Grid Regulator"),
        ("chief engineer", "founder", "head of networks"),
        (
            "power station",
            "wind farm",
            "heat network",
            "substation",
            "solar park",
            "gas main",
            "battery store",
            "smart meter",
            "street lighting",
            "tariff",
        ),
        ("the power cut", "the tariff rise", "the blackout"),
    ),
    _beat(
        "farming",
        ("<region> Farmers' Union", "<city> Agricultural Show", "Rural Payments Agency"),
        ("president", "show director", "regional manager"),
        (
            "grain harvest",
            "dairy herd",
            "irrigation scheme",
            "cattle market",
            "orchard",
            "hedgerow grant",
            "milk price",
            "drainage ditch",
            "farm shop",
            "slurry store",
        ),
        ("the drought", "the milk price row", "the harvest failure"),
    ),
    _beat(
        "culture",
        ("<city> Arts Council", "Grand Lantern Theatre", "<city> Heritage Society"),
        ("director", "artistic director", "chair"),
        (
            "museum",
            "theatre",
            "music festival",
            "library",
            "art gallery",
            "concert hall",
            "town archive",
            "statue",
            "film festival",
            "craft fair",
        ),
        ("the festival", "the museum closure", "the funding row"),
    ),
    _beat(
        "courts",
        ("<city> Crown Court", "<region> Police", "<city> Law Society"),
        ("judge", "chief constable", "president"),
        (
            "trial",
            "appeal",
            "sentencing hearing",
            "jury",
            "fraud case",
            "police station",
            "witness statement",
            "court building",
            "legal aid scheme",
            "parole hearing",
        ),
        ("the trial", "the fraud case", "the appeal"),
    ),
    _beat(
        "business",
        ("<city> Chamber of Trade", "Halvern Foods", "<region> Enterprise Agency"),
        ("chief executive", "finance director", "head of investment"),
        (
            "factory",
            "call centre",
            "retail park",
            "business park",
            "shopping centre",
            "distribution warehouse",
            "start-up fund",
            "market hall",
            "bakery",
            "brewery",
        ),
        ("the factory closure", "the takeover", "the job cuts"),
    ),
    _beat(
        "environment",
        ("<region> Environment Agency", "<city> Rivers Trust", "Greenbank Water"),
        ("area manager", "director", "chief executive"),
        (
            "river",
            "nature reserve",
            "flood barrier",
            "sewage outfall",
            "reservoir",
            "woodland",
            "recycling centre",
            "cycle path",
            "town park",
            "bathing beach",
        ),
        ("the pollution incident", "the flooding", "the sewage spill"),
    ),
    _beat(
        "sport",
        ("<city> Rovers", "<region> Athletic", "<city> Sports Trust"),
        ("head coach", "manager", "chief executive"),
        (
            "stadium",
            "training ground",
            "youth academy",
            "swimming pool",
            "cup run",
            "season ticket",
            "ice rink",
            "running track",
            "sports centre",
            "marathon",
        ),
        ("the cup defeat", "the stadium row", "the takeover bid"),
    ),
)

# --- grammar lexicons ---------------------------------------------------------------------------

GROUPS = """officials|residents|local traders|council engineers|union representatives|
opposition politicians|community leaders|shop owners|parents|volunteers|neighbours|farmers|
teachers|doctors|planning officers|auditors|campaigners|police|engineers|investigators|
taxi drivers|nurses|students|fishermen|pensioners|landlords|tenants|cyclists|commuters|
builders|lawyers|inspectors|managers|economists|church leaders|hotel owners|bus drivers|
market stallholders|youth workers|firefighters|staff|workers|families|councillors|
shopkeepers|drivers|members|supporters|surveyors|contractors""".replace("\n", "").split("|")
BODIES = """the committee|the regulator|the board|the ministry|the mayor's office|the council|
the health board|the port authority|the trust|the water company|the school governors|
a local charity|the tenants' association|a residents' group|the planning panel|
the auditor's office|the transport department|the city's ombudsman|the fire service|
the government|a cross-party panel|the finance committee|an independent review|
the county court|the harbour board|the development agency|a citizens' jury""".replace(
    "\n", ""
).split("|")


def _forms(v: str) -> tuple[str, str, str]:
    """'freeze,froze,frozen' -> ('freeze', 'froze', 'frozen')."""
    base, past, participle = v.split(",")
    return base, past, participle


VERBS = tuple(
    _forms(v)
    for v in """approve,approved,approved|reject,rejected,rejected|
postpone,postponed,postponed|review,reviewed,reviewed|criticise,criticised,criticised|
announce,announced,announced|delay,delayed,delayed|expand,expanded,expanded|
inspect,inspected,inspected|question,questioned,questioned|defend,defended,defended|
cut,cut,cut|raise,raised,raised|propose,proposed,proposed|publish,published,published|
back,backed,backed|oppose,opposed,opposed|challenge,challenged,challenged|
welcome,welcomed,welcomed|fund,funded,funded|suspend,suspended,suspended|
reopen,reopened,reopened|scrap,scrapped,scrapped|extend,extended,extended|
examine,examined,examined|clear,cleared,cleared|block,blocked,blocked|
support,supported,supported|sign,signed,signed|close,closed,closed|repair,repaired,repaired|
rebuild,rebuilt,rebuilt|replace,replaced,replaced|relocate,relocated,relocated|
redesign,redesigned,redesigned|cancel,cancelled,cancelled|halt,halted,halted|
launch,launched,launched|audit,audited,audited|survey,surveyed,surveyed|
upgrade,upgraded,upgraded|demolish,demolished,demolished|protect,protected,protected|
restore,restored,restored|reduce,reduced,reduced|improve,improved,improved|
double,doubled,doubled|freeze,froze,frozen|renew,renewed,renewed|test,tested,tested|
monitor,monitored,monitored|investigate,investigated,investigated|shut,shut,shut|
keep,kept,kept|damage,damaged,damaged|help,helped,helped|show,showed,shown|
sell,sold,sold|buy,bought,bought|build,built,built|lease,leased,leased|
estimate,estimated,estimated|report,reported,reported""".replace("\n", "").split("|")
)
NOUNS = """plan|proposal|budget|scheme|contract|report|inquiry|survey|bridge|depot|clinic|
library|school|road|market|car park|power supply|sewer|bypass|warehouse|fire station|
town square|community centre|food bank|youth club|courthouse|recycling scheme|grant|loan|
subsidy|levy|inspection regime|investigation|decision|deal|offer|review|statement|
building|roof|water main|parking charge|speed limit|ban|curfew|funding round|land sale|
repair programme|consultation|petition|audit|forecast|licence|permit|lease|tender|
pension fund|bonus scheme|pay offer|planning application|safety rule|emergency plan""".replace(
    "\n", ""
).split("|")
PLURALS = """homes|shops|families|jobs|beds|buses|trees|flats|classrooms|pupils|workers|
patients|visitors|complaints|vehicles|boats|houses|businesses|passengers|tenants|streets|
lamps|trains|lorries|applications|signatures|volunteers|members|staff|residents|children|
drivers|people|roads|schools|incidents|repairs|posts|places|tickets""".replace("\n", "").split("|")
ADJS = """new|old|main|major|large|small|temporary|disputed|delayed|controversial|costly|
cheaper|revised|regional|local|public|private|coastal|northern|eastern|southern|western|
historic|modern|derelict|busy|flooded|damaged|unfinished|popular|crowded|empty|neglected|
long-awaited|ageing|second|former|planned|proposed|rebuilt|overcrowded|heavy|serious|
big|full|whole|similar|clear|safe|difficult|early|late""".replace("\n", "").split("|")
REASONS = """because of rising costs|after complaints from residents|amid concerns about safety|
following a review|despite objections from neighbours|citing a shortage of staff|
to save money|after a spate of accidents|under pressure from campaigners|
in response to the report|on the advice of engineers|as part of a wider review|
to meet new rules|after a funding gap emerged|because of the weather|
pending a legal challenge|after a long dispute|to cut waiting times|after a damning audit|
because of falling demand|after a series of delays|to protect jobs|for health reasons|
after a vote by members|because the money ran out|amid a row over funding|
after the collapse of talks|to clear a backlog|after a warning from inspectors|
to make room for housing""".replace("\n", "").split("|")
TIMES = """on <weekday>|last month|earlier this year|after a long meeting|by the end of <month>|
before <time1>|since <yearpast>|late on <weekday>|this week|in <month>|
at a meeting on <weekday>|last autumn|two years ago|in the spring|overnight|at short notice|
in a vote on <weekday>|after months of delay|on <weekday> evening|early on <weekday>|
at the start of the year|last summer|in <yearpast>|before the winter|after the holidays|
at the weekend|within hours|this morning|in the coming weeks|next year""".replace("\n", "").split(
    "|"
)
STREETS = "Road|Street|Lane|Avenue|Quay|Row|Hill|Way|Terrace|Place".split("|")
PLACES = """in the old quarter|near the railway station|along the river|on the northern ring road|
outside the town hall|in <city>|across <region>|beside the harbour|at the edge of <city>|
in the eastern districts|on the west bank|near the university campus|in the market square|
behind the cathedral|in the southern suburbs|on the industrial estate|near the bus station|
in the city centre|around the docks|in outlying villages|on the coast road|
next to the hospital|in the north of <region>|close to the stadium""".replace("\n", "").split("|")
SAY = (
    "said",
    "told reporters",
    "said in a statement",
    "told the council",
    "said on <weekday>",
    "told a news conference",
    "said later",
    "wrote in a letter to members",
)
QUOTE_OPENERS = (
    "We",
    "We",
    "I",
    "They",
    "The council",
    "This city",
    "Our members",
    "The people of <city>",
    "Nobody",
)
_SMALL = "zero one two three four five six seven eight nine".split()


def _num(rng: random.Random, lo: int, hi: int) -> str:
    """A count in news style: one to nine spelled out."""
    k = rng.randint(lo, hi)
    return _SMALL[k] if k < 10 else str(k)


# Invented names. textgen's own pools (49 first names, 15 x 12 places) are fine for a pair
# of articles but make thousands of unrelated articles share their city or people, and
# newstrace stems names to 6 characters (every "Marrow..." place is one term). Syllables
# give tens of thousands of names; textgen's pools stay in the mix.
_SYL = """bra kel mor tin vas lo dre quin sal ta ven rik os ul fen gar hal ith jor kas lun mar
nel or pel rud sev tor var wen yl zan cor dal est fir gol hen iv ka le mi no pra ru
sto tre ua vo wy xe za bel cas dov eri fal gan hob isk jen kol lam mun nor""".split()
_PLACE_END = """ford haven mouth gate bridge wick stead fold cliff moor port dale by thorpe ton
minster field ley ham well brook combe""".split()
_FIRST_END = "a o i an el en is us ia ine ard old".split()


def _syllables(rng: random.Random, k: int) -> str:
    return "".join(rng.choice(_SYL) for _ in range(k))


def person_name(rng: random.Random) -> str:
    if rng.random() < 0.25:
        first = rng.choice(tg._FIRST)
    else:
        first = (_syllables(rng, rng.choice((1, 2))) + rng.choice(_FIRST_END)).capitalize()
    last = (_syllables(rng, rng.choice((2, 2, 3))) + rng.choice(tg._LAST_B)).capitalize()
    return f"{first} {last}"


def place_name(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return tg._place(rng)
    return (_syllables(rng, rng.choice((1, 2, 2))) + rng.choice(_PLACE_END)).capitalize()


def make_cast(rng: random.Random, topic: tg._Topic) -> dict[str, str]:
    """``textgen._cast`` with the invented names above (same keys, same figures)."""
    cast = tg._cast(rng, topic)
    city = place_name(rng)
    old_city = cast["city"]
    cast["city"], cast["CITY"] = city, city.upper()
    cast["region"] = f"{place_name(rng)}shire"
    for k in range(1, 5):
        name = person_name(rng)
        cast[f"p{k}"] = name
        cast[f"p{k}l"] = name.split()[-1]
    for k in range(3):
        cast[f"org{k + 1}"] = (
            topic.orgs[k].replace("<city>", city).replace("<region>", cast["region"])
        )
    assert old_city  # (textgen's draw is kept for the rng stream, then replaced)
    return cast


def _an(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def _cap(s: str) -> str:
    return s[0].upper() + s[1:]


def _third(verb: str) -> str:
    """Present tense, third person singular (headlines)."""
    if verb.endswith(("s", "sh", "ch", "x")):
        return verb + "es"
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


@dataclass
class _Ctx:
    """What one story's grammar draws on: its beat, focus nouns and people mentioned."""

    beat: tg._Topic
    focus: list[str]
    named: set[int] = field(default_factory=set)


class Grammar:
    """Sentence templates (textgen slot syntax: <p1>, <city>, <n3>, ...) for one story."""

    def __init__(self, rng: random.Random, beat: tg._Topic):
        self.rng = rng
        focus = list(beat.quotes)
        rng.shuffle(focus)
        self.ctx = _Ctx(beat, focus[:4])
        self.deck: list[int] = []

    # words and phrases
    def noun(self) -> str:
        r = self.rng
        return r.choice(self.ctx.focus) if r.random() < 0.45 else r.choice(NOUNS)

    def verb(self) -> tuple[str, str, str]:
        return self.rng.choice(VERBS)

    def count(self) -> str:
        r = self.rng
        return r.choice(
            (
                "<n3>",
                "<n2>",
                str(r.randint(12, 990)),
                "about <n3>",
                _num(r, 2, 9),
                "more than <n2>",
                "nearly <n4>",
                f"{r.randint(2, 9)},{r.randint(100, 999)}",
            )
        )

    def street(self) -> str:
        return f"on {place_name(self.rng)} {self.rng.choice(STREETS)}"

    def place(self) -> str:
        r = self.rng
        return self.street() if r.random() < 0.06 else r.choice(PLACES)

    def time(self) -> str:
        r = self.rng
        if r.random() < 0.15:
            return r.choice(
                (
                    f"within {_num(r, 2, 11)} weeks",
                    f"over the next {_num(r, 2, 9)} years",
                    f"after {_num(r, 2, 14)} months",
                )
            )
        return r.choice(TIMES)

    def obj(self, det: bool = True) -> str:
        r = self.rng
        noun = self.noun()
        if r.random() < 0.5:
            noun = f"{r.choice(ADJS)} {noun}"
        head = (
            r.choice(("the", "the", "a", "its", "their", "the city's")) + " " + noun
            if det
            else noun
        )
        if head.startswith("a "):
            head = _an(head[2:])
        x = r.random()
        if x < 0.25:
            head += " " + self.place()
        elif x < 0.35:
            head += f" for {self.count()} {r.choice(PLURALS)}"
        elif x < 0.45:
            head += f" worth {r.choice(('<money1>', '<money2>', '<money1>'))}"
        return head

    def person(self, first: bool = False) -> str:
        """A named person: full name and role on first mention, surname after."""
        r = self.rng
        k = r.choice((1, 1, 2, 2, 3, 4))
        if k in self.ctx.named and not first:
            return f"<p{k}l>" if k != 4 else "<p4l>"
        self.ctx.named.add(k)
        if k == 4:
            return "<p4>, the mayor of <city>,"
        return f"<p{k}>, <p{k}r> of the <org{k}>,"

    def subject(self) -> str:
        r = self.rng
        x = r.random()
        if x < 0.4:
            return ("the " if r.random() < 0.5 else "") + r.choice(GROUPS)
        if x < 0.65:
            return r.choice(BODIES)
        if x < 0.75:
            return f"the <org{r.randint(1, 3)}>"
        return self.person()

    def extra(self, lead: str = ", ") -> str:
        """Optional trailing detail (about two times in three): keeps fixed sentence frames
        a minority of each sentence's words."""
        r = self.rng
        x = r.random()
        if x < 0.25:
            return f"{lead}{self.reason()}"
        if x < 0.45:
            return f"{lead}{r.choice(('affecting', 'involving', 'covering'))} {self.obj()}"
        if x < 0.65:
            return f"{lead}{r.choice(('with', 'after', 'before'))} {self.obj()} {self.place()}"
        return ""

    def reason(self) -> str:
        return self.rng.choice(REASONS)

    def quote(self) -> str:
        r = self.rng
        v = self.verb()
        opener = r.choice(QUOTE_OPENERS)
        forms = (
            lambda: f"{opener} cannot {v[0]} the {self.noun()} {self.reason()}",
            lambda: f"{opener} {v[1]} {self.obj()} and we would do it again",
            lambda: f"{opener} will not {v[0]} {self.obj()} {self.time()}",
            lambda: (
                f"{opener} {v[1]} {self.obj()} {self.place()}, and {r.choice(GROUPS)} {self.verb()[1]} {self.obj()}"
            ),
            lambda: (
                f"{opener} asked for {self.count()} {r.choice(PLURALS)} and got nothing {self.time()}"
            ),
        )
        return r.choice(forms)()

    # sentences
    def lead(self) -> str:
        r = self.rng
        v = self.verb()
        forms = (
            lambda: (
                f"<CITY>, <month> <day> (<agency>) – {_cap(self.subject())} {v[1]} {self.obj()} "
                f"on <weekday>, <date>{self.extra()}, {r.choice(('officials', 'organisers', 'the <org1>', 'police'))} said."
            ),
            lambda: (
                f"<CITY>, <month> <day> (<agency>) – {self.person(first=True)} {v[1]} {self.obj()} "
                f"in <city> on <weekday>, <date>, {r.choice(('a move that affects', 'a decision that hits', 'in a blow to', 'to the relief of'))} {self.count()} {r.choice(PLURALS)}{self.extra()}."
            ),
            lambda: (
                f"<CITY>, <month> <day> (<agency>) – {r.choice(('Plans', 'A bid', 'Proposals', 'An attempt', 'A scheme'))} to {v[0]} {self.obj()} "
                f"{r.choice(('were thrown into doubt', 'stalled', 'were pushed through', 'won approval', 'collapsed', 'moved ahead'))} "
                f"on <weekday>, <date>{self.extra()}, the <org{r.randint(1, 3)}> said."
            ),
        )
        return r.choice(forms)()

    def decoy_lead(self) -> str:
        r = self.rng
        v = self.verb()
        forms = (
            lambda: (
                f"{self.person(first=True)} {v[1]} {self.obj()} in <city> on <weekday>, "
                f"{self.reason()}, leaving {self.count()} {r.choice(PLURALS)} in limbo."
            ),
            lambda: (
                f"In <city>, {self.subject()} {v[1]} {self.obj()} on <weekday>, <date>, "
                f"the <org{r.randint(1, 3)}> confirmed, {self.reason()}."
            ),
            lambda: (
                f"A decision to {v[0]} {self.obj()} in <city> on <weekday> drew an angry response "
                f"from {r.choice(GROUPS)}, who said {self.count()} {r.choice(PLURALS)} would suffer."
            ),
        )
        return r.choice(forms)()

    def sentence(self) -> str:
        """One body sentence. Patterns come from a shuffled deck (no frame repeats until
        every one has been used) and their fixed words have alternatives, so that two
        independent articles share short stock phrasing, not whole sentence frames."""
        r = self.rng
        c = r.choice
        v, w = self.verb(), self.verb()
        if not self.deck:
            self.deck = list(range(20))
            r.shuffle(self.deck)
        n = self.deck.pop()
        money = c(("<money1>", "<money2>"))
        extra = self.extra
        if n == 0:
            return f"{self.subject()} {v[1]} {self.obj()} {self.place()} {self.time()}."
        if n == 1:
            return (
                f"{self.person()} {c(('said', 'estimated', 'warned', 'admitted'))} the "
                f"{self.noun()} would {c(('cost about', 'cost roughly', 'need', 'swallow'))} "
                f"{money} and {c(('take', 'need', 'run for'))} {_num(r, 2, 30)} "
                f"{c(('months', 'weeks', 'years'))}{c(('', ' to finish', ' to complete'))}{extra()}."
            )
        if n == 2:
            org = f"<org{r.randint(1, 3)}>"
            return (
                f"{c((f'According to the {org},', f'The {org} said', f'A spokesman for the {org} said', f'In a statement, the {org} said that'))} "
                f"{self.count()} "
                f"{c(PLURALS)} were {v[2]} {self.time()}, {self.reason()}{extra()}."
            )
        if n == 3:
            return (
                f"{self.subject()} {v[1]} {self.obj()} {self.reason()}, and "
                f"{self.subject()} {w[1]} {self.obj()} {self.time()}."
            )
        if n == 4:
            return (
                f"The {c(ADJS)} {self.noun()} {self.place()}, which {c(GROUPS)} "
                f"{v[1]} {self.time()}, was {w[2]} {self.reason()}."
            )
        if n == 5:
            return f'"{self.quote()}," {self.person()} {c(SAY)}{extra()}.'
        if n == 6:
            return (
                f"{self.person()} {c(('told reporters', 'said', 'insisted', 'argued'))} that "
                f"{self.subject()} had {v[2]} {self.obj()} {self.reason()}{extra()}."
            )
        if n == 7:
            return (
                f"{c(('Figures', 'Data', 'Records', 'A report', 'A survey'))} "
                f"{c(('published', 'released', 'compiled', 'seen'))} by the <org{r.randint(1, 3)}> "
                f"{c(('showed', 'suggested', 'found', 'indicated'))} that {self.count()} "
                f"{c(PLURALS)} {self.place()} were {v[2]} {self.time()}{extra()}."
            )
        if n == 8:
            return (
                f"{self.subject()} said {self.obj()} {self.place()} had been {v[2]}, while "
                f"{self.subject()} {w[1]} {self.obj()}."
            )
        if n == 9:
            return (
                f"{c(('Work on', 'Repairs to', 'Progress on', 'A decision on', 'Building'))} "
                f"the {self.noun()} {self.place()} "
                f"{c(('is expected to', 'should', 'will probably', 'is due to', 'may'))} "
                f"{c(('start', 'resume', 'finish', 'stop', 'be completed', 'slip'))} "
                f"{self.time()}, {self.person()} {c(SAY)}{extra()}."
            )
        if n == 10:
            return (
                f"{c(('At least', 'Some', 'Nearly', 'Fewer than', 'More than'))} "
                f"{c(('<n3>', '<n2>', str(r.randint(12, 990))))} "
                f"{c(PLURALS)} {self.place()} {v[1]} {self.obj()} {self.time()}."
            )
        if n == 11:
            return (
                f"{self.subject()} {v[1]} a {c(('plan', 'bid', 'proposal', 'move'))} to {w[0]} "
                f"{self.obj()} {self.place()}, but {self.subject()} {self.verb()[1]} it "
                f"{self.reason()}."
            )
        if n == 12:
            return (
                f"The <org{r.randint(1, 3)}> has {v[2]} {self.obj()} {_num(r, 2, 14)} times "
                f"{c(('since <yearpast>', 'in the past decade', 'this year', 'in recent years'))}"
                f", {self.reason()}{extra()}."
            )
        if n == 13:
            return (
                f"In <city>, {self.subject()} {v[1]} {self.obj()} {self.time()}, {self.reason()}."
            )
        if n == 14:
            return (
                f"{self.person()} {v[1]} {self.obj()} {self.reason()} and "
                f"{c(('promised', 'announced', 'hinted at', 'ruled out'))} "
                f"{_an(c(ADJS))} {self.noun()} {self.time()}{extra()}."
            )
        if n == 15:
            return (
                f"{c(('The cost of', 'Spending on', 'The bill for', 'The budget for'))} the "
                f"{self.noun()} {c(('rose to', 'climbed to', 'reached', 'fell to', 'stood at'))} "
                f"{money} {self.time()}, "
                f"{c(('up', 'a rise of', 'down', 'a change of'))} <pct1> "
                f"{c(('on the original estimate', 'against the budget', 'on last year', 'since the tender'))}{extra()}."
            )
        if n == 16:
            return (
                f"{c(GROUPS)} {self.place()} "
                f"{c(('said they had not been', 'complained they were never', 'insisted they were not'))} "
                f"{c(('told', 'consulted', 'warned', 'asked'))} about the {self.noun()} "
                f"{self.time()}{extra()}."
            )
        if n == 17:
            return (
                f"{c(('In a vote held', 'At a meeting', 'In a ballot', 'In a show of hands'))} "
                f"{self.time()}, {c(('<n3>', '<n2>', str(r.randint(12, 990))))} {c(PLURALS)} "
                f"{v[1]} {self.obj()}{extra()}."
            )
        if n == 18:
            return (
                f"{self.subject()} {v[1]} {self.obj()}, which {c(GROUPS)} "
                f"{w[1]} {self.time()} {self.reason()}."
            )
        return f'"{self.quote()}," said {self.person().rstrip(",")}{extra(", ")}.'

    def headline(self) -> str:
        r = self.rng
        v = self.verb()
        forms = (
            lambda: (
                f"<city> {r.choice(('council', 'board', 'officials', 'trust', 'regulator'))} {_third(v[0])} {self.noun()}"
            ),
            lambda: f"{self.noun().capitalize()} {v[2]} in <city> {self.reason()}",
            lambda: (
                f"<n3> {r.choice(PLURALS)} hit as <city> {r.choice(('council', 'board'))} {_third(v[0])} {self.noun()}"
            ),
            lambda: (
                f"Row over <city> {self.noun()} as {r.choice(GROUPS)} {v[1]} {self.obj(det=True)}"
            ),
        )
        return r.choice(forms)()


STOCK: tuple[str, ...] = tuple(g for g in tg._GENERIC if "<quote>" not in g)
"""textgen's generic stock sentences without quotes: shared phrasing across the corpus."""


def grammar_story(
    rng: random.Random,
    *,
    words: int | None = None,
    beat: tg._Topic | None = None,
    cast: dict[str, str] | None = None,
    site: str | None = None,
    decoy: bool = False,
    stock: int | None = None,
    avoid: frozenset[str] = frozenset(),
) -> tuple[Story, list[int]]:
    """A new article from the grammar (textgen's cast, slots and boilerplate).

    ``cast`` reuses another story's people, places, dates and figures (decoys). Returns
    the story and the indices (into ``STOCK``) of the stock sentences it uses.
    """
    beat = beat or rng.choice(BEATS)
    cast = dict(cast) if cast is not None else make_cast(rng, beat)
    words = words or rng.randint(380, 820)
    g = Grammar(rng, beat)
    texts = [tg._fill(g.decoy_lead() if decoy else g.lead(), rng, beat, cast)]
    count = len(texts[0].split())
    while count < words:
        t = tg._fill(g.sentence(), rng, beat, cast, fresh=True)
        texts.append(t)
        count += len(t.split())
    k_stock = rng.choice((0, 1, 1, 2)) if stock is None else stock
    pool = [k for k, s in enumerate(STOCK) if s not in avoid]
    used = sorted(rng.sample(pool, min(k_stock, len(pool))))
    for k in used:
        texts.insert(rng.randint(1, len(texts)), tg._fill(STOCK[k], rng, beat, cast, fresh=True))
    sentences = [Sentence(t, (i,)) for i, t in enumerate(texts)]
    headline = tg._fill(g.headline(), rng, beat, cast)
    site = site or tg._outlet(rng)
    meta = {k: cast[k] for k in ("city", "month", "day", "year", "agency")}
    meta["topic"] = beat.name
    header, footer, credit = tg._boilerplate(rng, site, headline, meta, agency=cast["agency"])
    story = Story(
        headline,
        tg._paragraphs(sentences, rng),
        site,
        beat.name,
        header,
        footer,
        credit,
        meta,
        frozenset(STOCK[k] for k in used),
    )
    story.meta["_cast"] = json.dumps(cast)  # (decoys reuse it)
    return story, used


def summary_of(
    story: Story, rng: random.Random, *, share: tuple[float, float] = (0.3, 0.4), rate: float = 0.25
) -> Story:
    """A summary: the lead and 30-40% of the other sentences, in order, lightly spun
    (``rate`` of the spinnable words), under a reworded headline and another site's
    boilerplate. ``src`` indexes the parent's sentences."""
    src = story.sentences
    k = max(2, round(len(src) * rng.uniform(*share)))
    picks = [0, *sorted(rng.sample(range(1, len(src)), min(len(src) - 1, k - 1)))]
    out = [Sentence(tg.spin_sentence(src[i].text, rng, rate), (i,)) for i in picks]
    headline = tg.spin_sentence(story.headline, rng, 0.5)
    site = tg._outlet(rng)
    header, footer, credit = tg._boilerplate(
        rng, site, headline, story.meta, agency=story.meta.get("agency"), first_on=story.site
    )
    return replace(
        story,
        headline=headline,
        paragraphs=tg._paragraphs(out, rng),
        site=site,
        header=header,
        footer=footer,
        credit=credit,
    )


def partial_of(
    story: Story, rng: random.Random, *, share: float = 1 / 3, words: int = 600
) -> tuple[Story, list[int]]:
    """``textgen.partial_reuse`` with a grammar host: ``share`` of the parent's sentences,
    verbatim, in two runs, inside a new article on another beat. Own sentences have
    ``src == ()``."""
    src = story.sentences
    n = max(2, round(len(src) * share))
    first = rng.randint(0, max(0, len(src) - n))
    half = n // 2
    second = rng.randint(0, max(0, len(src) - (n - half)))
    picks = sorted(set(range(first, first + half)) | set(range(second, second + n - half)))
    while len(picks) < n:
        extra = rng.choice([k for k in range(len(src)) if k not in picks])
        picks = sorted({*picks, extra})
    reused = [Sentence(src[k].text, (k,)) for k in picks]
    used = sum(len(s.text.split()) for s in reused)
    beats = [b for b in BEATS if b.name != story.topic]
    host, stock = grammar_story(
        rng, words=max(150, words - used), beat=rng.choice(beats), avoid=story.templates
    )
    own = [Sentence(s.text) for s in host.sentences]
    cut = max(1, len(own) // 3)
    body = (
        own[:cut]
        + reused[: len(reused) // 2]
        + own[cut : 2 * cut]
        + reused[len(reused) // 2 :]
        + own[2 * cut :]
    )
    return replace(host, paragraphs=tg._paragraphs(body, rng)), stock


# --- the corpus ----------------------------------------------------------------------------------

Atom = tuple[int, int]  # (uid of the article that first wrote it, sentence index there)
KIND_WEIGHTS = (("reprint", 0.3), ("spin", 0.3), ("summary", 0.15), ("partial", 0.25))


@dataclass
class Item:
    uid: int
    story: Story
    atoms: list[frozenset[Atom]]
    published: dt.datetime
    role: str  # original | copy | decoy | unrelated
    kind: str  # original | reprint | spin | summary | partial | decoy | unrelated
    parent: int | None = None
    depth: int = 0
    root: int = 0
    event_of: int | None = None
    stock: list[int] = field(default_factory=list)
    id: str = ""


@dataclass
class Corpus:
    items: list[Item]
    pairs: list[dict[str, Any]]
    ambiguous: list[tuple[str, str]]
    params: dict[str, Any]

    def records(self) -> list[dict[str, str]]:
        return [
            {
                "id": it.id,
                "text": it.story.text,
                "title": it.story.headline,
                "site": it.story.site,
                "published": it.published.isoformat(timespec="minutes"),
            }
            for it in self.items
        ]

    def truth(self) -> dict[str, Any]:
        by_uid = {it.uid: it for it in self.items}
        arts = {}
        for it in self.items:
            arts[it.id] = {
                "family": by_uid[it.root].id,
                "role": it.role,
                "kind": it.kind,
                "parent": by_uid[it.parent].id if it.parent is not None else None,
                "depth": it.depth,
                "beat": it.story.topic,
                "event_of": by_uid[it.event_of].id if it.event_of is not None else None,
                "stock": it.stock,
            }
        return {
            "generator": "bench/gen_corpus.py",
            "params": self.params,
            "rules": __doc__.split("Ground truth (``truth.json``)")[1].strip(),
            "articles": arts,
            "pairs": self.pairs,
            "ambiguous": [list(p) for p in self.ambiguous],
        }


def _own_atoms(uid: int, story: Story) -> list[frozenset[Atom]]:
    return [frozenset({(uid, i)}) for i in range(len(story.sentences))]


def _derived_atoms(uid: int, story: Story, parent: Item, kind: str) -> list[frozenset[Atom]]:
    if kind == "reprint":  # same sentences, same order (textgen.reprint keeps paragraphs)
        return list(parent.atoms)
    out = []
    for i, s in enumerate(story.sentences):
        if s.src:
            out.append(frozenset().union(*(parent.atoms[k] for k in s.src)))
        else:  # a partial's own text
            out.append(frozenset({(uid, i)}))
    return out


def _pick_kind(rng: random.Random) -> str:
    x, acc = rng.random(), 0.0
    for kind, w in KIND_WEIGHTS:
        acc += w
        if x < acc:
            return kind
    return KIND_WEIGHTS[-1][0]


def build_corpus(
    n: int,
    seed: int,
    *,
    related: float = 0.4,
    decoy_rate: float = 0.35,
    grandchild_rate: float = 0.2,
) -> Corpus:
    """``n`` articles: families and decoys until ``related`` of ``n``, then unrelated."""
    rng = random.Random(seed)
    items: list[Item] = []
    start = dt.datetime(2024, 1, 1, 6, 0)

    def add(story: Story, **kw: Any) -> Item:
        it = Item(uid=len(items), story=story, atoms=[], **kw)
        items.append(it)
        return it

    def derive(parent: Item, kind: str) -> Item:
        if kind == "reprint":
            story, stock = tg.reprint(parent.story, rng), list(parent.stock)
        elif kind == "spin":
            story, stock = tg.spin(parent.story, rng), list(parent.stock)
        elif kind == "summary":
            story, stock = summary_of(parent.story, rng), []
        else:
            story, stock = partial_of(parent.story, rng)
        when = parent.published + dt.timedelta(minutes=rng.randint(20, 60 * 48))
        it = add(
            story,
            published=when,
            role="copy",
            kind=kind,
            parent=parent.uid,
            depth=parent.depth + 1,
            root=parent.root,
            stock=stock,
        )
        it.atoms = _derived_atoms(it.uid, story, parent, kind)
        return it

    def new_original(role: str, **kw: Any) -> Item:
        story, stock = grammar_story(rng, **kw)
        when = start + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 365))
        it = add(story, published=when, role=role, kind=role, stock=stock)
        it.root = it.uid
        it.atoms = _own_atoms(it.uid, story)
        return it

    target = round(n * related)
    while len(items) < target:
        orig = new_original("original")
        orig.kind = "original"
        children = [derive(orig, _pick_kind(rng)) for _ in range(rng.choice((1, 1, 2, 2, 3, 4)))]
        for child in children:
            if rng.random() < grandchild_rate:
                derive(child, _pick_kind(rng))
        if rng.random() < decoy_rate:
            cast = json.loads(orig.story.meta["_cast"])
            beat = next(b for b in BEATS if b.name == orig.story.topic)
            story, stock = grammar_story(
                rng, beat=beat, cast=cast, decoy=True, avoid=orig.story.templates
            )
            when = orig.published + dt.timedelta(minutes=rng.randint(-720, 720))
            d = add(
                story, published=when, role="decoy", kind="decoy", event_of=orig.uid, stock=stock
            )
            d.root = d.uid
            d.atoms = _own_atoms(d.uid, story)
            if rng.random() < 0.15:
                derive(d, "reprint")
    while len(items) < n:
        new_original("unrelated")
    del items[n:]  # the last family may overshoot a tiny n
    valid = {it.uid for it in items}
    for it in items:  # (only for n smaller than one family)
        if it.parent is not None and it.parent not in valid:
            it.parent, it.root = None, it.uid

    order = list(range(len(items)))
    rng.shuffle(order)
    width = max(5, len(str(n)))
    for pos, k in enumerate(order):
        items[k].id = f"n{pos:0{width}d}"
    pairs, ambiguous = _truth_pairs(items)
    items_sorted = sorted(items, key=lambda it: it.id)
    return Corpus(
        items_sorted,
        pairs,
        ambiguous,
        {
            "n": n,
            "seed": seed,
            "related": related,
            "decoy_rate": decoy_rate,
            "grandchild_rate": grandchild_rate,
        },
    )


def _path(items: dict[int, Item], x: int, y: int) -> tuple[list[Item], list[Item], int]:
    """Edges (child items) from x up to the common ancestor, and from y up to it."""
    anc_x = []
    k: int | None = x
    while k is not None:
        anc_x.append(k)
        k = items[k].parent
    pos = {u: i for i, u in enumerate(anc_x)}
    up_y = []
    j = y
    while j not in pos:
        up_y.append(items[j])
        parent = items[j].parent
        assert parent is not None  # x and y share a root: y's chain meets x's
        j = parent
    lca = j
    up_x = [items[u] for u in anc_x[: pos[lca]]]
    return up_x, up_y, lca


def _truth_pairs(items: list[Item]) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    by_uid = {it.uid: it for it in items}
    holders: dict[Atom, list[int]] = {}
    for it in items:
        for atom in sorted(set().union(*it.atoms)) if it.atoms else []:
            holders.setdefault(atom, []).append(it.uid)
    candidates: set[tuple[int, int]] = set()
    for uids in holders.values():
        for x, y in combinations(sorted(set(uids)), 2):
            candidates.add((x, y))
    pairs, ambiguous = [], []
    for x, y in sorted(candidates):
        ix, iy = by_uid[x], by_uid[y]
        ax, ay = set().union(*ix.atoms), set().union(*iy.atoms)
        shared = ax & ay
        sx = [s for s, a in zip(ix.story.sentences, ix.atoms, strict=True) if a & shared]
        sy = [s for s, a in zip(iy.story.sentences, iy.atoms, strict=True) if a & shared]
        cx, cy = sum(len(s.text) for s in sx), sum(len(s.text) for s in sy)
        tx = sum(len(s.text) for s in ix.story.sentences) or 1
        ty = sum(len(s.text) for s in iy.story.sentences) or 1
        a_id, b_id = sorted((ix.id, iy.id))
        if len(shared) < MIN_SHARED_SENTENCES or min(cx, cy) < PARTIAL_MIN_CHARS:
            ambiguous.append((a_id, b_id))
            continue
        covx, covy = cx / tx, cy / ty
        verbatim = [s.text for s in sx] == [s.text for s in sy]
        if min(covx, covy) >= DUPLICATE_COVERAGE and verbatim:
            relation = "duplicate"
        elif max(covx, covy) >= REWRITE_COVERAGE:
            relation = "rewrite"
        else:
            relation = "partial"
        up_x, up_y, lca = _path(by_uid, x, y)
        steps = [e.kind for e in (*up_x, *up_y) if e.kind != "reprint"]
        # The source is the ancestor; siblings (neither copied the other) have none.
        source = ix.id if lca == x else iy.id if lca == y else None
        pairs.append(
            {
                "a": a_id,
                "b": b_id,
                "relation": relation,
                "source": source,
                "tier": "direct" if len(steps) <= 1 else "indirect",
                "kind": "+".join(sorted(steps)) or "reprint",
                "coverage": {
                    "a": round(covx if a_id == ix.id else covy, 3),
                    "b": round(covy if a_id == ix.id else covx, 3),
                },
                "shared_sentences": len(shared),
            }
        )
    pairs.sort(key=lambda p: (p["a"], p["b"]))
    ambiguous.sort()
    return pairs, ambiguous


def write_corpus(corpus: Corpus, out: Path, truth: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for rec in corpus.records():
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    truth.write_text(
        json.dumps(corpus.truth(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def truth_path_for(out: Path) -> Path:
    name = out.name
    for suffix in (".jsonl.gz", ".jsonl"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return out.with_name(name + ".truth.json")


def describe(corpus: Corpus) -> str:
    from collections import Counter

    kinds = Counter(it.kind for it in corpus.items)
    rel = Counter((p["relation"], p["tier"]) for p in corpus.pairs)
    lines = [
        f"{len(corpus.items)} articles: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())),
        f"{len(corpus.pairs)} truth pairs: "
        + ", ".join(f"{r}/{t} {v}" for (r, t), v in sorted(rel.items())),
        f"{len(corpus.ambiguous)} ambiguous pairs (not scored)",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="number of articles")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path("corpus.jsonl"))
    ap.add_argument(
        "--truth",
        type=Path,
        default=None,
        help="truth file (default: OUT with .truth.json instead of .jsonl)",
    )
    ap.add_argument(
        "--related",
        type=float,
        default=0.4,
        help="share of articles in families and decoys (default 0.4)",
    )
    args = ap.parse_args(argv)
    corpus = build_corpus(args.n, args.seed, related=args.related)
    truth = args.truth or truth_path_for(args.out)
    write_corpus(corpus, args.out, truth)
    print(describe(corpus))
    print(f"wrote {args.out} and {truth}")


if __name__ == "__main__":
    main()
