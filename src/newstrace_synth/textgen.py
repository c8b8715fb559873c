"""Synthetic news articles and their copies, for benchmarks and corpus generation.

Everything here is invented: names are built from syllables, places and outlets from
made-up parts, and sentences from templates written for this module. Nothing is taken
from real reporting or from the project's shared data. All randomness comes from the
``random.Random`` passed in, so a seed reproduces every article exactly.

API (each derived story keeps, per sentence, the indices of the original sentences it
was made from, so a corpus generator gets ground truth for free)::

    rng = random.Random(7)
    original = make_story(rng)                  # ~600 words, ~30 sentences
    copy     = reprint(original, rng)           # same body, other site's boilerplate
    spun     = spin(original, rng)              # synonyms, drops, one split, one merge
    part     = partial_reuse(original, rng)     # a third of it inside new text
    other    = unrelated(original, rng)         # another topic, cast and site
    original.text, spun.text                    # the article as a scraper would see it
    spun.sentences[4].src                       # e.g. (5,): made from original sentence 5

``make_pair(kind, rng)`` returns ``(original, derived)`` for one of ``KINDS``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace

__all__ = [
    "KINDS",
    "TOPICS",
    "Sentence",
    "Story",
    "make_pair",
    "make_story",
    "partial_reuse",
    "reprint",
    "spin",
    "spin_sentence",
    "unrelated",
]

KINDS = ("verbatim", "spun", "partial", "unrelated")
"""Derived kinds, in report order: reprint, spin, partial reuse, unrelated article."""


# --- data model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    """One body sentence; ``src`` holds the original sentence indices it derives from."""

    text: str
    src: tuple[int, ...] = ()


@dataclass(frozen=True)
class Story:
    """An article before rendering: headline, paragraphs of sentences, site debris."""

    headline: str
    paragraphs: tuple[tuple[Sentence, ...], ...]
    site: str
    topic: str
    header: tuple[str, ...] = ()  # byline/date lines under the headline
    footer: tuple[str, ...] = ()  # CMS debris after the body
    credit: str | None = None  # a photo credit line after the first paragraph
    meta: dict[str, str] = field(default_factory=dict, compare=False)
    templates: frozenset[str] = field(default=frozenset(), compare=False)
    """Shared (cross-topic) templates the story used: ``unrelated`` avoids them."""

    @property
    def sentences(self) -> list[Sentence]:
        return [s for p in self.paragraphs for s in p]

    @property
    def body(self) -> str:
        return "\n\n".join(" ".join(s.text for s in p) for p in self.paragraphs)

    @property
    def words(self) -> int:
        return len(self.body.split())

    @property
    def text(self) -> str:
        """The article as scraped: headline, header lines, body, credit, footer."""
        blocks = [self.headline, *self.header]
        for k, p in enumerate(self.paragraphs):
            blocks.append(" ".join(s.text for s in p))
            if k == 0 and self.credit:
                blocks.append(self.credit)
        blocks.extend(self.footer)
        return "\n\n".join(blocks) + "\n"


# --- invented names -----------------------------------------------------------------------

_FIRST = """Ada Bram Cato Dalia Edvin Freya Gil Hanna Ivo Jora Kasimir Lene Milo Nadia Oren
Petra Quill Rosa Stellan Tamsin Ulla Viggo Wren Xenia Yorick Zora Anselm Brita Cormac Dagny
Elin Fennick Greta Hollis Isolde Jasper Kelda Lorcan Maren Niall Odile Pascal Runa Soren
Thea Ulric Vesna Willem Ysolde""".split()
_LAST_A = """Hal Mor Ket Vas Dun Ol Brae Quin Tess Ard Lind Sor Fal Gren Ost Rav Cael Wex Tor
Ebb""".split()
_LAST_B = """lund ford ski ani ovic mere wick ston berg ado holm ridge vale ander etti ova ley
sen""".split()
_PLACE_A = """Marrow Oster Calder Fen Ashby Tor Sallow Brin Kest Wyn Harl Dover Lyme Grey
Pell""".split()
_PLACE_B = "ford haven mouth gate bridge wick stead fold cliff moor port dale".split()
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST_A)}{rng.choice(_LAST_B)}"


def _place(rng: random.Random) -> str:
    return rng.choice(_PLACE_A) + rng.choice(_PLACE_B)


def _money(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"${rng.randint(11, 98) / 10:.1f} million"
    return f"${rng.randint(120, 990)},000"


def _time(rng: random.Random) -> str:
    return f"{rng.randint(1, 11)}:{rng.choice(range(0, 60, 5)):02d} {rng.choice(['a.m.', 'p.m.'])}"


# --- topics -------------------------------------------------------------------------------
# Template syntax: {a|b|c} picks one alternative; <slot> is filled from the story's cast
# (people, places, numbers: fixed for the story) or the topic's lexicon (a fresh pick per
# use). Alternatives may hold slots; choices may not nest.


@dataclass(frozen=True)
class _Topic:
    name: str
    orgs: tuple[str, str, str]  # patterns with <city>
    roles: tuple[str, str, str]  # role of p1 (at org1), p2 (at org2), p3 (outside expert)
    lexicon: dict[str, tuple[str, ...]]
    headlines: tuple[str, ...]
    lead: tuple[str, ...]  # first sentence, with the dateline
    sentences: tuple[str, ...]
    quotes: tuple[str, ...]  # quoted words only


_TOPICS: tuple[_Topic, ...] = (
    _Topic(
        name="strike",
        orgs=("<city> Transit Authority", "United Transport Workers", "<city> Chamber of Commerce"),
        roles=("chief executive", "general secretary", "president"),
        lexicon={
            "event": ("the strike", "the walkout", "the stoppage", "the industrial action"),
            "workers": ("bus drivers", "tram crews", "depot staff", "rail conductors"),
            "issue": ("pay and shift patterns", "wages and rest breaks", "overtime rules"),
            "place": ("the central depot", "Quarry Lane garage", "the north interchange"),
        },
        headlines=(
            "<city> <workers> walk out over pay, <n1> routes cut",
            "Transit strike halts services across <city> as talks collapse",
            "<n4> commuters stranded as <city> transport workers strike",
        ),
        lead=(
            "<CITY>, <month> <day> (<agency>) – Thousands of <workers> in <city> walked out on "
            "<weekday>, <date>, shutting <n1> bus routes and leaving about <n4> commuters "
            "without a ride to work, union officials said.",
        ),
        sentences=(
            "Picket lines formed outside <place> before dawn, and the first buses that "
            "normally leave at <time1> stayed parked in their bays.",
            "The dispute centres on <issue>, which the union says have not kept pace with "
            "living costs since <yearpast>.",
            "Management offered a rise of <pct1> over two years, but members rejected it by "
            "a margin of nearly four to one in a ballot last week.",
            "The <org1> said it was running a skeleton service on <n1> of its busiest "
            "corridors, mostly with agency drivers and supervisors.",
            "Traffic on the ring road was {heavier|slower} than usual, and police reported "
            "queues of up to <n2> minutes on the main bridge into the city.",
            "<p2>, <p2r> of the <org2>, said {the walkout|the action} would last at least "
            "<n1> days unless the authority returned to the table with a better offer.",
            "According to the union, drivers on the night routes now work shifts of up to "
            "<n1> hours with a single unpaid break.",
            "<p1> accused the union of refusing to negotiate and said the offer was the "
            "largest the authority had made in a decade.",
            "Schools in the eastern districts told pupils to stay at home, and the "
            "university moved its morning lectures online for the rest of the week.",
            "Shopkeepers in the old town reported footfall down by about <pct2> compared "
            "with an ordinary <weekday>.",
            "The <org3> estimated that each day of the stoppage costs local businesses "
            "roughly <money1> in lost trade and wages.",
            "Taxi firms raised their fares during the morning peak, and ride-hailing apps "
            "showed waiting times of more than <n2> minutes.",
            "A mediator from the regional labour office is due to meet both sides at <time2> "
            "on <weekday>, officials confirmed.",
            "The last transit strike in <city>, in <yearpast>, lasted <n1> days and ended "
            "with a three-year pay deal.",
            "Union members marched from <place> to the city hall at noon, carrying banners "
            "and chanting slogans about fair pay.",
            "Several hospitals arranged minibuses for night-shift nurses who could not "
            "reach work, a spokeswoman for the health board said.",
            "The authority has {warned|said} that fares may rise next year if wage costs "
            "increase by more than <pct1>.",
            "<p3>, <p3r> of the <org3>, urged both sides to reach a deal before the "
            "holiday shopping season begins in <month>.",
            "Cycling groups reported a sharp rise in the number of people using the "
            "city's shared bikes on the first morning of the strike.",
            "Ticket holders will receive a refund for every day of lost service, the "
            "authority said in a statement on its website.",
        ),
        quotes=(
            "We have been patient for <n1> years and our members have simply run out of patience",
            "This offer is fair, it is affordable, and it is the best we can do for the city",
            "Nobody wants to see empty buses, but the drivers deserve a wage they can live on",
            "Every day without buses hurts the very people who can least afford it",
            "We are ready to talk at any hour of the day or night if the authority is serious",
            "I had to walk <n1> kilometres this morning and I will do it again tomorrow",
        ),
    ),
    _Topic(
        name="fire",
        orgs=("<city> Fire and Rescue Service", "Kestrel Polymers", "<city> District Council"),
        roles=("chief fire officer", "managing director", "council leader"),
        lexicon={
            "event": ("the fire", "the blaze", "the warehouse fire"),
            "site": (
                "the Brookside industrial estate",
                "a plastics warehouse",
                "the riverside plant",
            ),
            "crews": ("fire crews", "firefighters", "rescue teams"),
            "smoke": ("thick black smoke", "a plume of dark smoke", "acrid smoke"),
        },
        headlines=(
            "Huge fire destroys <city> plastics warehouse, <n1> hurt",
            "<n2> firefighters battle blaze at <city> industrial estate",
            "Residents told to keep windows shut as <city> warehouse burns",
        ),
        lead=(
            "<CITY>, <month> <day> (<agency>) – A large fire tore through a plastics warehouse "
            "on the edge of <city> on <weekday>, <date>, injuring <n1> workers and sending "
            "<smoke> across the eastern suburbs, emergency services said.",
        ),
        sentences=(
            "The alarm was raised at <time1>, and the first <crews> arrived within "
            "<n1> minutes to find the roof of the main building already alight.",
            "At the height of the blaze about <n2> firefighters and <n1> engines were at "
            "the scene, some of them sent from neighbouring districts.",
            "Residents within <n1> kilometres were told to keep their windows and doors "
            "closed, and two primary schools kept their pupils indoors.",
            "<p1>, <p1r> of the <org1>, said the building contained large stocks of "
            "packaging film, which made the fire difficult to bring under control.",
            "Three of the injured were taken to hospital with burns, and the others were "
            "treated at the scene for smoke inhalation.",
            "The warehouse is owned by <org2>, which employs about <n3> people at the site "
            "and supplies packaging to food producers.",
            "<p2>, <p2r> of <org2>, said all staff had been accounted for by <time2> and "
            "thanked the crews for their speed.",
            "Investigators have not yet established the cause, but a spokesman said an "
            "electrical fault in the loading bay was one line of inquiry.",
            "The local water company asked people downstream not to use river water for "
            "their gardens while samples are tested.",
            "The site was inspected in <yearpast> and passed, according to records seen by "
            "the <agency>, although two minor faults were noted.",
            "Road closures around the estate caused long delays, and the main railway line "
            "was shut for <n1> hours as a precaution.",
            "Air quality monitors near the estate recorded particle levels about <pct1> "
            "above the safe limit during the afternoon.",
            "Insurance specialists estimated the damage at more than <money1>, making it "
            "one of the costliest fires in the region in a decade.",
            "The <org3> opened a rest centre at the leisure complex for families who were "
            "evacuated from the nearest streets.",
            "<p3>, <p3r> of the <org3>, called for a review of how hazardous materials are "
            "stored on sites close to housing.",
            "By late evening the fire was under control, but crews expected to stay at the "
            "scene for several days to damp down hot spots.",
            "Neighbours said they had heard a series of loud bangs shortly before the "
            "flames became visible above the roofline.",
            "Trading in shares of the firm's parent company fell by <pct2> after the news "
            "was reported.",
            "A second, smaller building on the site was saved after crews cut a fire break "
            "through the connecting corridor.",
            "It is the <n1>th serious fire on the estate since <yearpast>, council records show.",
        ),
        quotes=(
            "Our crews worked through extremely difficult conditions to stop the fire spreading",
            "We are cooperating fully with the investigation and our thoughts are with the injured",
            "Nobody should have to breathe smoke like that in their own home",
            "It was like night had fallen in the middle of the afternoon",
            "The flames were taller than the chimney of the old brickworks",
            "We will find out what went wrong and we will make sure it cannot happen again",
        ),
    ),
    _Topic(
        name="budget",
        orgs=("<city> City Council", "<city> Taxpayers Alliance", "Regional Audit Office"),
        roles=("finance chair", "director", "chief auditor"),
        lexicon={
            "event": ("the budget", "the spending plan", "the annual budget"),
            "cuts": ("cuts to library hours", "a freeze on road repairs", "lower park funding"),
            "service": ("social care", "street lighting", "school transport", "waste collection"),
        },
        headlines=(
            "<city> council approves <money1> budget after late-night vote",
            "Council tax to rise <pct1> in <city> as budget passes",
            "<city> budget squeezes libraries and roads to fund care",
        ),
        lead=(
            "<CITY>, <month> <day> (<agency>) – <city> City Council approved a spending plan of "
            "<money1> late on <weekday>, <date>, raising council tax by <pct1> and cutting "
            "<n1> posts after a session that ran past midnight.",
        ),
        sentences=(
            "The vote was carried by <n2> votes to <n1>, with several members of the ruling "
            "group voting against their own leadership.",
            "<p1>, <p1r> of the council, said the authority faced a gap of <money2> after "
            "grants from the national government were reduced.",
            "The plan includes <cuts> and a hiring freeze in several departments until at "
            "least <month>.",
            "Spending on <service> will rise by <pct2>, reflecting what officials called "
            "rapidly growing demand from an ageing population.",
            "Opposition members argued that the tax rise would hit low-income households "
            "hardest and proposed selling unused office buildings instead.",
            "<p2>, <p2r> of the <org2>, said residents were being asked to pay more for "
            "fewer services for the <n1>th year in a row.",
            "About <n3> residents had submitted comments during the consultation, most of "
            "them opposing the closure of branch libraries.",
            "The council's reserves now stand at <money2>, below the level recommended by "
            "its own auditors in <yearpast>.",
            "A proposal to introduce parking charges at the seafront was dropped after a "
            "petition gathered <n4> signatures.",
            "The <org3> warned in a report last month that <n1> councils in the region were "
            "at risk of running out of money.",
            "<p3>, <p3r> of the <org3>, said councils could not keep filling gaps with "
            "one-off savings and asset sales.",
            "Bus passes for pensioners will be kept, but the council will stop funding the "
            "evening service on <n1> rural routes.",
            "Trade unions representing council staff said they would consult members about "
            "possible industrial action over the job losses.",
            "The average household will pay about <n2> pounds more a year, according to "
            "figures published with the budget papers.",
            "Several speakers at the public gallery were asked to leave after interrupting "
            "the debate shortly after <time1>.",
            "Capital projects, including a new swimming pool, have been delayed until the "
            "council's finances improve.",
            "Members also agreed to borrow <money1> to repair the harbour wall, which was "
            "damaged in storms in <yearpast>.",
            "The leader of the opposition said the budget had been drawn up in secret and "
            "demanded a full audit of consultancy spending.",
            "Council officials will publish a detailed breakdown of the savings on its "
            "website by <weekday>.",
            "Business rates relief for small shops on the high street will continue for "
            "another year.",
        ),
        quotes=(
            "These are the hardest choices this council has faced in a generation",
            "Residents are paying more every year and getting less for their money",
            "We protected the services that the most vulnerable people rely on",
            "You cannot run a city on promises and one-off savings",
            "Closing libraries is a false economy that our children will pay for",
            "The numbers simply do not add up without painful decisions",
        ),
    ),
    _Topic(
        name="flood",
        orgs=(
            "<region> Environment Agency",
            "<city> Emergency Committee",
            "National Weather Office",
        ),
        roles=("flood duty manager", "chair", "chief forecaster"),
        lexicon={
            "event": ("the flooding", "the floods", "the storm"),
            "river": ("the River Wend", "the Sallow", "the Kestle brook"),
            "homes": ("homes", "houses", "properties"),
        },
        headlines=(
            "Floods force <n3> from homes as <city> river bursts banks",
            "Storm brings record rain to <city>, <n1> bridges closed",
            "Hundreds evacuated in <city> after night of heavy rain",
        ),
        lead=(
            "<CITY>, <month> <day> (<agency>) – Rivers burst their banks across <region> on "
            "<weekday>, <date>, forcing about <n3> people from their homes in <city> after "
            "the heaviest rain in <n2> years, officials said.",
        ),
        sentences=(
            "<river> rose by more than <n1> metres overnight and reached its highest level "
            "since records began in <yearpast>.",
            "Rescue boats were used to reach residents trapped in upstairs rooms in the low "
            "streets near the old mill.",
            "The <org3> recorded <n3> millimetres of rain in <n2> hours at its gauge on the "
            "hills above the town.",
            "<p1>, <p1r> at the <org1>, said flood barriers had held in the town centre but "
            "were overtopped in two villages downstream.",
            "<n1> bridges were closed, and the main road to the coast was under water for "
            "much of the afternoon.",
            "Power was cut to about <n4> homes when a substation flooded shortly after <time1>.",
            "Schools in the valley were closed, and parents were asked to collect children "
            "early from those that stayed open.",
            "The <org2> opened emergency shelters in a sports hall and two church halls, "
            "offering beds, food and dry clothes.",
            "<p2>, <p2r> of the <org2>, said volunteers had worked through the night to "
            "fill sandbags and check on elderly neighbours.",
            "Farmers reported livestock losses as fields turned into lakes, and several "
            "roads were blocked by fallen trees.",
            "Insurers said early claims suggested damage of at least <money1>, although the "
            "full cost will not be known for weeks.",
            "The railway line between <city> and the coast will stay closed until engineers "
            "have inspected a damaged embankment.",
            "Forecasters expect a further <n2> millimetres of rain on <weekday>, and a "
            "severe warning remains in place until <time2>.",
            "<p3>, <p3r> at the <org3>, said warmer seas were making such downpours more "
            "frequent and more intense.",
            "Residents complained that drainage works promised after the floods of "
            "<yearpast> had never been finished.",
            "The government promised emergency funding of <money2> to help households "
            "clean up and repair their homes.",
            "Volunteers from neighbouring towns arrived with pumps and generators as the "
            "water began to recede in the evening.",
            "Water supplies were safe to drink, the utility said, but customers in <n1> "
            "villages were advised to boil tap water.",
            "Shops on the high street stayed shut, and some owners said they had lost stock "
            "worth thousands of pounds.",
            "About <pct1> of the town's homes lie in areas classed as high flood risk, "
            "according to official maps.",
        ),
        quotes=(
            "The water came up through the floor faster than anyone could have imagined",
            "Our defences did what they were designed to do, but this rain was exceptional",
            "We will not leave anyone to face this alone",
            "Storms like this used to come once in a lifetime and now they come every few years",
            "I have lived here for forty years and never seen the river this high",
            "Please do not try to drive through flood water, it is deeper than it looks",
        ),
    ),
    _Topic(
        name="sport",
        orgs=("<city> Rovers", "Dunmere Athletic", "National Football League"),
        roles=("head coach", "manager", "chief executive"),
        lexicon={
            "event": ("the match", "the game", "the derby"),
            "ground": ("Millfield Park", "the Harbour Stadium", "Greystone Road"),
            "fans": ("supporters", "fans", "the home crowd"),
        },
        headlines=(
            "<city> Rovers beat Dunmere <n1>-1 to reach cup final",
            "Late goal sends <city> Rovers into the final",
            "<p1l>'s side edge past Dunmere in tense semi-final",
        ),
        lead=(
            "<CITY>, <month> <day> (<agency>) – <city> Rovers reached their first cup final in "
            "<n2> years on <weekday>, <date>, beating Dunmere Athletic in front of <n4> "
            "<fans> at <ground>.",
        ),
        sentences=(
            "The visitors took the lead after <n1> minutes when their captain headed in a "
            "corner at the near post.",
            "Rovers equalised just before half-time through a low shot from the edge of the "
            "area that went in off the post.",
            "<p1>, <p1r> of <org1>, said his players had shown great character after a "
            "difficult start to the season.",
            "The winning goal came in the <n2>th minute, when a substitute ran onto a long "
            "pass and lifted the ball over the goalkeeper.",
            "Dunmere had a goal disallowed for offside midway through the second half, "
            "which angered their bench.",
            "<p2>, <p2r> of <org2>, said the decision was wrong and that his team deserved "
            "at least extra time.",
            "Rovers finished the match with ten men after their left back was sent off for "
            "a second booking.",
            "Tickets for the final sold out within <n1> hours when they went on sale to "
            "season ticket holders on <weekday>.",
            "The club's record signing, bought for <money1> last summer, was left on the "
            "bench for the whole game.",
            "Police said the evening passed peacefully, with <n1> arrests for minor "
            "offences outside the stadium.",
            "Rovers have now won <n1> of their last <n2> matches in all competitions.",
            "The final will be played at the national stadium on <month> <day2>, with "
            "kick-off at <time2>.",
            "<p3>, <p3r> of the <org3>, said interest in this year's competition had been "
            "the highest since <yearpast>.",
            "Dunmere's goalkeeper made a string of saves in the first half to keep his side "
            "in front.",
            "Home fans invaded the pitch at the final whistle, and stewards needed several "
            "minutes to clear the playing area.",
            "Prize money for reaching the final is worth about <money2> to the club, "
            "according to league figures.",
            "Injuries to two central defenders forced Rovers to start a teenager who had "
            "never played a senior match.",
            "The teams last met in a semi-final in <yearpast>, when Dunmere won on penalties.",
            "Television audiences for the match peaked at <n4> viewers, the broadcaster said.",
            "Local pubs reported their busiest evening of the year as <fans> gathered to "
            "watch the game on big screens.",
        ),
        quotes=(
            "I am so proud of these lads, they never stopped believing",
            "The referee got the big decision wrong and it cost us the game",
            "This club has waited a long time for a night like this",
            "We will enjoy tonight and then start preparing for the final tomorrow",
            "Football can be cruel, and tonight it was cruel to us",
            "My father brought me here as a boy and I cried at the final whistle",
        ),
    ),
)

TOPICS: tuple[str, ...] = tuple(t.name for t in _TOPICS)

# Templates any topic can use: they lean on the topic's <event> and cast.
_GENERIC: tuple[str, ...] = (
    '"<quote>," <p1> told reporters on <weekday>.',
    '"<quote>," said <p2>, who has held the post since <yearpast>.',
    '"<quote>," <p3> said in a statement released shortly after <time2>.',
    '"<quote>," said <p2l>. "<quote>."',
    '<p1l> later added that "<quote>," and declined to answer further questions.',
    "A spokeswoman for the <org1> said a fuller statement would be issued on <weekday>, "
    "once the facts were clearer.",
    "The <org2> did not respond to a request for comment on <weekday> evening.",
    "Local radio stations interrupted their programmes to broadcast updates on <event> "
    "throughout the day.",
    "Photographs shared widely on social media showed crowds gathering near the town hall "
    "as the news spread.",
    "The mayor of <city>, <p4>, said the city would {review|examine} how it had "
    "handled <event> once the immediate pressure had passed.",
    "Opposition politicians in <region> called for an independent inquiry into <event>, "
    "saying residents deserved answers.",
    "The national government said it was monitoring the situation closely and stood ready to help.",
    "It was not immediately clear how long the disruption would last, officials said.",
    "<city>, a port city of about <n4> people, has seen {several|a number of} similar "
    "incidents over the past decade.",
    "Further updates are expected on <weekday> morning, when officials will hold a news "
    "conference at <time1>.",
    "Residents who want advice can call a helpline set up by the council, which will stay "
    "open until <time2> every day this week.",
    "The events of <weekday> drew comparisons with <yearpast>, when the city faced a "
    "similar crisis.",
    "Community leaders said <event> had brought neighbours together, with volunteers "
    "offering food and shelter.",
    "Church bells in the old quarter fell silent for a minute at noon, a gesture the "
    "parish council said was meant to mark a hard week.",
    "Readers who have photographs or video of <event> are asked to send them to the "
    "newsroom, the <agency> said.",
    "A petition started on <weekday> night had gathered more than <n3> signatures by the "
    "following afternoon, its organiser said.",
    "Economists at the regional bank said it was too early to judge the longer-term "
    "effect of <event> on jobs in <region>.",
)

# --- boilerplate ----------------------------------------------------------------------------

_OUTLET_KIND = (
    "Ledger",
    "Daily Post",
    "Courier",
    "Herald",
    "Gazette",
    "Chronicle",
    "Observer",
    "Times",
)
_AGENCIES = ("Northgate Wire", "Meridian Press", "Keystone News Agency", "Tideway Wire")


def _outlet(rng: random.Random) -> str:
    return f"The {_place(rng)} {rng.choice(_OUTLET_KIND)}"


def _boilerplate(
    rng: random.Random,
    site: str,
    headline: str,
    meta: dict[str, str],
    agency: str | None = None,
    first_on: str | None = None,
) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    """Header lines, footer lines and a photo credit in one outlet's house style.

    ``first_on`` is the outlet a republished feed item came from: its "The post ...
    appeared first on ..." line may be kept (only copies carry one).
    """
    header: list[str] = []
    if rng.random() < 0.8:
        credit_agency = f", {agency}" if agency and rng.random() < 0.5 else ""
        header.append(f"By {_person(rng)}{credit_agency}")
    if rng.random() < 0.8:
        header.append(
            f"Published {meta['month']} {meta['day']}, {meta['year']} "
            f"{rng.randint(6, 22):02d}:{rng.randint(0, 59):02d} GMT"
        )
    credit = None
    if rng.random() < 0.6:
        credit = f"Photo: {_person(rng)} / {rng.choice(_AGENCIES)}"
    footer_pool = [
        f"Related: {_place(rng)} {rng.choice(['marks', 'plans', 'opens', 'delays'])} "
        f"{rng.choice(['new harbour', 'spring fair', 'school merger', 'bypass'])}",
        "Share this article",
        f"Copyright © {meta['year']} {site}. All rights reserved.",
        "Subscribe to our newsletter for the day's top stories",
        "Leave a reply",
        f"Tags: {meta['city']}, {meta['topic']}, news",
    ]
    footer = rng.sample(footer_pool, rng.randint(2, 3))
    if first_on and rng.random() < 0.5:
        footer.append(f"The post {headline} appeared first on {first_on}.")
    return tuple(header), tuple(footer), credit


# --- filling templates ----------------------------------------------------------------------

_SLOT_RE = re.compile(r"<(\w+)>")
_CHOICE_RE = re.compile(r"\{([^{}]*)\}")


def _cast(rng: random.Random, topic: _Topic) -> dict[str, str]:
    """The story's fixed facts: people, places, dates and numbers."""
    city = _place(rng)
    month = rng.randrange(12)
    cast = {
        "city": city,
        "CITY": city.upper(),
        "region": f"{_place(rng)}shire",
        "agency": rng.choice(_AGENCIES),
        "month": _MONTHS[month],
        "day": str(rng.randint(1, 28)),
        "day2": str(rng.randint(1, 28)),
        "weekday": rng.choice(_WEEKDAYS),
        "year": str(rng.randint(2021, 2025)),
        "yearpast": str(rng.randint(1998, 2019)),
        "time1": _time(rng),
        "time2": _time(rng),
        "n1": str(rng.randint(3, 19)),
        "n2": str(rng.randint(21, 95)),
        "n3": str(rng.randint(120, 980)),
        "n4": f"{rng.randint(2, 85)},{rng.randint(0, 999):03d}",
        "money1": _money(rng),
        "money2": _money(rng),
        "pct1": f"{rng.randint(2, 19)} percent",
        "pct2": f"{rng.randint(21, 60)} percent",
        "topic": topic.name,
    }
    cast["date"] = f"{cast['month']} {cast['day']}"
    for k in range(1, 5):
        name = _person(rng)
        cast[f"p{k}"] = name
        cast[f"p{k}l"] = name.split()[-1]
    for k in range(3):
        cast[f"org{k + 1}"] = (
            topic.orgs[k].replace("<city>", city).replace("<region>", cast["region"])
        )
        cast[f"p{k + 1}r"] = topic.roles[k]
    return cast


def _fill(
    template: str,
    rng: random.Random,
    topic: _Topic,
    cast: dict[str, str],
    quotes: list[str] | None = None,
    fresh: bool = False,
) -> str:
    """Fill a template. ``quotes`` is the story's unused quotes (each is used once while
    any are left); with ``fresh`` the small counts <n1>/<n2> get a new value per use
    (body sentences), while headline and lead share the story's fixed ones."""
    s = _CHOICE_RE.sub(lambda m: rng.choice(m.group(1).split("|")), template)

    def slot(m: re.Match[str]) -> str:
        name = m.group(1)
        if name == "quote":
            q = quotes.pop() if quotes else rng.choice(topic.quotes)
            return _fill(q, rng, topic, cast, fresh=fresh)
        if name in topic.lexicon:
            return rng.choice(topic.lexicon[name])
        if fresh and name == "n1":
            return str(rng.randint(3, 19))
        if fresh and name == "n2":
            return str(rng.randint(21, 95))
        return cast[name]

    for _ in range(3):  # slots may fill in further slots (quotes)
        s2 = _SLOT_RE.sub(slot, s)
        if s2 == s:
            break
        s = s2
    s = _DOUBLE_STOP_RE.sub("", s)  # "at 6:40 p.m.." at a sentence end
    return s[0].upper() + s[1:]


_DOUBLE_STOP_RE = re.compile(r"(?<=[a-z]\.)\.(?!\.)")


def _paragraphs(sentences: list[Sentence], rng: random.Random) -> tuple[tuple[Sentence, ...], ...]:
    """Group sentences into paragraphs of one to three (the lead stands alone)."""
    out: list[tuple[Sentence, ...]] = [(sentences[0],)] if sentences else []
    k = 1
    while k < len(sentences):
        n = rng.choice((1, 2, 2, 3))
        out.append(tuple(sentences[k : k + n]))
        k += n
    return tuple(out)


def make_story(
    rng: random.Random,
    words: int = 600,
    *,
    topic: str | None = None,
    site: str | None = None,
    avoid: frozenset[str] = frozenset(),
) -> Story:
    """An original wire-style story of about ``words`` body words (~20 per sentence).

    ``topic`` is one of ``TOPICS`` (random if None); ``avoid`` holds shared templates not
    to use (another story's ``templates``), so that two stories share no sentence frame.
    """
    top = next(t for t in _TOPICS if t.name == topic) if topic else rng.choice(_TOPICS)
    cast = _cast(rng, top)
    own = list(top.sentences)
    generic = [g for g in _GENERIC if g not in avoid]
    used: set[str] = set()
    rng.shuffle(own)
    rng.shuffle(generic)
    quotes = list(top.quotes)
    rng.shuffle(quotes)
    texts = [_fill(rng.choice(top.lead), rng, top, cast)]
    count = len(texts[0].split())
    while count < words and (own or generic):
        # About two topic sentences for each generic one; keep the topic's own order loose.
        pool = own if own and (rng.random() < 0.7 or not generic) else generic
        template = pool.pop()
        if pool is generic:
            used.add(template)
        t = _fill(template, rng, top, cast, quotes, fresh=True)
        texts.append(t)
        count += len(t.split())
    sentences = [Sentence(t, (k,)) for k, t in enumerate(texts)]
    headline = _fill(rng.choice(top.headlines), rng, top, cast)
    site = site or _outlet(rng)
    meta = {k: cast[k] for k in ("city", "month", "day", "year", "topic", "agency")}
    header, footer, credit = _boilerplate(rng, site, headline, meta, agency=cast["agency"])
    return Story(
        headline,
        _paragraphs(sentences, rng),
        site,
        top.name,
        header,
        footer,
        credit,
        meta,
        frozenset(used),
    )


# --- derived versions -----------------------------------------------------------------------


def reprint(story: Story, rng: random.Random, *, site: str | None = None) -> Story:
    """A verbatim reprint: same headline and body, another outlet's boilerplate (half of
    reprints keep an "appeared first on <original site>" line)."""
    site = site or _outlet(rng)
    header, footer, credit = _boilerplate(
        rng, site, story.headline, story.meta, agency=story.meta.get("agency"), first_on=story.site
    )
    return replace(story, site=site, header=header, footer=footer, credit=credit)


# Synonyms for words the templates use. Spinning picks one at random per occurrence;
# keys are lowercase, single words (a few two-word phrases are matched first).
_PHRASES: dict[str, tuple[str, ...]] = {
    "at least": ("no fewer than", "a minimum of"),
    "more than": ("over", "in excess of"),
    "about": ("around", "roughly", "some"),
    "according to": ("based on", "citing"),
    "because of": ("owing to", "due to"),
    "walked out": ("went on strike", "downed tools"),
    "in front of": ("before",),
    "a request for comment": ("an approach for comment", "a request for a statement"),
    "news conference": ("press briefing", "media briefing"),
    "social media": ("online platforms",),
}
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "said": ("stated", "declared", "noted", "remarked"),
    "told": ("informed", "briefed"),
    "large": ("big", "huge", "sizeable"),
    "big": ("large", "major"),
    "thousands": ("many thousands",),
    "leaving": ("stranding",),
    "shutting": ("closing", "halting"),
    "officials": ("authorities", "administrators"),
    "workers": ("employees", "staff"),
    "residents": ("locals", "inhabitants", "householders"),
    "people": ("individuals", "persons", "citizens"),
    "city": ("town", "municipality", "metropolis"),
    "town": ("city", "borough"),
    "rise": ("increase", "growth", "hike"),
    "raised": ("increased", "lifted"),
    "cut": ("reduced", "slashed"),
    "cuts": ("reductions", "savings"),
    "warned": ("cautioned", "alerted"),
    "heavy": ("severe", "intense"),
    "heaviest": ("most intense", "worst"),
    "highest": ("greatest", "biggest"),
    "largest": ("biggest", "greatest"),
    "fire": ("blaze", "inferno"),
    "blaze": ("fire", "inferno"),
    "smoke": ("fumes",),
    "building": ("structure", "premises"),
    "roof": ("roofing",),
    "injured": ("hurt", "wounded"),
    "injuring": ("hurting", "wounding"),
    "hospital": ("infirmary", "medical centre"),
    "quickly": ("rapidly", "swiftly"),
    "rapidly": ("quickly", "swiftly"),
    "difficult": ("hard", "tough", "challenging"),
    "hardest": ("toughest", "most difficult"),
    "began": ("started", "commenced"),
    "begins": ("starts", "opens"),
    "start": ("beginning", "outset"),
    "started": ("began",),
    "closed": ("shut", "sealed off"),
    "shut": ("closed",),
    "stayed": ("remained",),
    "stay": ("remain",),
    "kept": ("retained", "held"),
    "keep": ("retain", "hold"),
    "asked": ("requested", "urged"),
    "urged": ("called on", "pressed"),
    "reported": ("recorded", "noted"),
    "showed": ("revealed", "indicated"),
    "show": ("indicate", "reveal"),
    "estimated": ("calculated", "reckoned"),
    "expect": ("anticipate", "predict"),
    "expected": ("anticipated", "predicted"),
    "help": ("assist", "support"),
    "months": ("months",),
    "week": ("seven days",),
    "damage": ("destruction", "harm"),
    "damaged": ("harmed", "battered"),
    "cost": ("price", "expense"),
    "costs": ("expenses", "outlays"),
    "money": ("cash", "funds"),
    "funding": ("financing", "money"),
    "plan": ("scheme", "proposal"),
    "proposal": ("plan", "scheme"),
    "proposed": ("suggested", "put forward"),
    "approved": ("passed", "endorsed"),
    "vote": ("ballot", "poll"),
    "members": ("representatives", "delegates"),
    "several": ("a number of", "various"),
    "many": ("numerous", "lots of"),
    "most": ("the majority of",),
    "main": ("principal", "primary", "chief"),
    "major": ("main", "significant"),
    "new": ("fresh", "brand-new"),
    "old": ("historic", "former"),
    "early": ("soon",),
    "late": ("belated",),
    "later": ("subsequently", "afterwards"),
    "shortly": ("soon",),
    "immediately": ("instantly", "right away"),
    "clear": ("obvious", "plain"),
    "clearer": ("plainer",),
    "fuller": ("more complete", "more detailed"),
    "full": ("complete", "entire"),
    "whole": ("entire", "complete"),
    "statement": ("announcement", "release"),
    "answer": ("respond to", "address"),
    "questions": ("queries", "enquiries"),
    "review": ("examine", "assess"),
    "inquiry": ("investigation", "probe"),
    "investigation": ("inquiry", "probe"),
    "investigators": ("inspectors", "examiners"),
    "cause": ("reason", "origin"),
    "fault": ("defect", "failure"),
    "area": ("zone", "district"),
    "areas": ("zones", "districts"),
    "road": ("street", "route"),
    "roads": ("streets", "routes"),
    "closures": ("shutdowns", "blockages"),
    "delays": ("hold-ups", "disruption"),
    "disruption": ("chaos", "upheaval"),
    "crisis": ("emergency", "predicament"),
    "incidents": ("episodes", "events"),
    "situation": ("circumstances", "position"),
    "crowds": ("throngs", "groups"),
    "gathering": ("assembling", "congregating"),
    "volunteers": ("helpers",),
    "neighbours": ("locals", "people nearby"),
    "families": ("households",),
    "homes": ("houses", "dwellings"),
    "houses": ("homes", "dwellings"),
    "children": ("kids", "youngsters"),
    "pupils": ("students", "schoolchildren"),
    "schools": ("educational institutions", "classrooms"),
    "shops": ("stores", "retailers"),
    "shopkeepers": ("retailers", "traders"),
    "businesses": ("firms", "companies"),
    "company": ("firm", "business"),
    "firm": ("company", "business"),
    "staff": ("employees", "personnel"),
    "drivers": ("operators", "motorists"),
    "union": ("labour union", "trade union"),
    "dispute": ("row", "conflict", "disagreement"),
    "offer": ("proposal", "deal"),
    "deal": ("agreement", "settlement"),
    "talks": ("negotiations", "discussions"),
    "refusing": ("declining", "unwilling"),
    "accused": ("charged", "blamed"),
    "demanded": ("called for", "insisted on"),
    "argued": ("contended", "claimed"),
    "deserve": ("merit", "warrant"),
    "deserved": ("merited", "earned"),
    "proud": ("delighted", "pleased"),
    "wrong": ("incorrect", "mistaken"),
    "decision": ("ruling", "call"),
    "match": ("game", "fixture", "contest"),
    "game": ("match", "fixture"),
    "goal": ("strike", "score"),
    "players": ("squad", "team members"),
    "team": ("side", "squad"),
    "side": ("team", "squad"),
    "fans": ("supporters", "spectators"),
    "supporters": ("fans", "followers"),
    "won": ("claimed", "secured"),
    "beating": ("defeating", "overcoming"),
    "season": ("campaign", "year"),
    "river": ("waterway", "stream"),
    "rain": ("rainfall", "downpours"),
    "water": ("floodwater", "flood water"),
    "storm": ("tempest", "gale"),
    "storms": ("gales", "tempests"),
    "floods": ("flooding", "inundations"),
    "trapped": ("stranded", "stuck"),
    "rescue": ("recovery", "emergency"),
    "emergency": ("urgent", "crisis"),
    "power": ("electricity",),
    "warning": ("alert", "caution"),
    "safe": ("secure",),
    "risk": ("danger", "threat"),
    "level": ("height", "point"),
    "levels": ("amounts", "readings"),
    "records": ("data", "documents"),
    "figures": ("numbers", "statistics"),
    "report": ("study", "paper"),
    "published": ("released", "issued"),
    "council": ("authority", "local government"),
    "government": ("administration", "state"),
    "politicians": ("lawmakers", "legislators"),
    "leader": ("head", "chief"),
    "spokeswoman": ("representative", "spokesperson"),
    "spokesman": ("representative", "spokesperson"),
    "director": ("head", "chief"),
    "continue": ("carry on", "go on"),
    "remains": ("stays", "continues"),
    "passed": ("went by", "elapsed"),
    "drew": ("attracted", "prompted"),
    "comparisons": ("parallels", "analogies"),
    "brought": ("drawn", "pulled"),
    "offering": ("providing", "supplying"),
    "shelter": ("refuge", "accommodation"),
    "food": ("meals", "provisions"),
    "advice": ("guidance", "counsel"),
    "similar": ("comparable", "alike"),
    "decade": ("ten years",),
    "afternoon": ("day",),
    "evening": ("night",),
    "morning": ("forenoon",),
    "night": ("evening",),
    "nearly": ("almost", "close to"),
    "roughly": ("about", "approximately"),
    "sharp": ("steep", "marked"),
    "serious": ("severe", "grave"),
    "costliest": ("most expensive", "priciest"),
    "hazardous": ("dangerous", "toxic"),
    "materials": ("substances", "goods"),
    "inspected": ("examined", "checked"),
    "engineers": ("technicians", "specialists"),
    "repair": ("fix", "mend"),
    "repairs": ("fixes", "mending"),
    "loud": ("deafening", "noisy"),
    "thick": ("dense", "heavy"),
    "dark": ("black", "murky"),
}
_WORD_RE = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")


def _match_case(new: str, old: str) -> str:
    if old.isupper() and len(old) > 1:
        return new.upper()
    if old[0].isupper():
        return new[0].upper() + new[1:]
    return new


def spin_sentence(text: str, rng: random.Random, rate: float = 0.6) -> str:
    """Swap words and stock phrases for synonyms, each with probability ``rate``.

    Names, numbers, dates and punctuation stay; quoted words are spun like any others
    (synonym spinners do not respect quotes).
    """
    for phrase, subs in _PHRASES.items():
        if phrase in text and rng.random() < rate:
            text = text.replace(phrase, rng.choice(subs), 1)

    def sub(m: re.Match[str]) -> str:
        word = m.group()
        subs = _SYNONYMS.get(word.lower())
        if subs is None or rng.random() >= rate:
            return word
        # Capitalised mid-sentence words are names ("Harbour Stadium"): leave them.
        before = text[m.start() - 2 : m.start()]
        if word[0].isupper() and m.start() > 0 and before not in ('" ', ". "):
            return word
        return _match_case(rng.choice(subs), word)

    return _WORD_RE.sub(sub, text)


_JOINABLE_STARTS = frozenset(
    """The A An It Its They Their Several Many Some Police Schools
Residents Officials Union Investigators Insurers Farmers Shops Forecasters Trade Home
Television Local Opposition Community Prize Tickets Traffic Capital Bus Business Members
Council Cycling Taxi Rescue Power Water Volunteers Injuries Road Neighbours Air""".split()
)
_SPLIT_RE = re.compile(r",\s+(and|but|which|while)\s+")


def _split(text: str) -> tuple[str, str] | None:
    """'A, and B.' -> ('A.', 'B.'), when both halves are long enough to stand alone."""
    for m in _SPLIT_RE.finditer(text):
        left, right = text[: m.start()], text[m.end() :]
        if len(left.split()) >= 6 and len(right.split()) >= 5 and '"' not in text:
            if m.group(1) == "which":
                right = "This " + right
            elif m.group(1) == "while":
                right = "Meanwhile, " + right
            else:
                right = right[0].upper() + right[1:]
            return left + ".", right
    return None


def _merge(first: str, second: str, rng: random.Random) -> str | None:
    """Two sentences joined into one with a conjunction (None if either is a quote)."""
    if '"' in first or '"' in second or not first.endswith("."):
        return None
    head = second.split(" ", 1)[0]
    if head in _JOINABLE_STARTS:
        second = second[0].lower() + second[1:]
    return first[:-1] + rng.choice((", and ", ", while ", "; ")) + second


def spin(
    story: Story,
    rng: random.Random,
    *,
    rate: float = 0.6,
    drop: float = 0.1,
    alter_numbers: int = 1,
    site: str | None = None,
) -> Story:
    """A content-farm rewrite: synonyms (``rate``), ~``drop`` of sentences left out, one
    sentence split in two, two neighbours merged into one, ``alter_numbers`` figures
    changed (factual drift), new headline wording and another outlet's boilerplate."""
    src = story.sentences
    kept = [0] + [k for k in range(1, len(src)) if rng.random() >= drop]
    out: list[Sentence] = [Sentence(spin_sentence(src[k].text, rng, rate), (k,)) for k in kept]
    # One split.
    order = list(range(1, len(out)))
    rng.shuffle(order)
    for k in order:
        halves = _split(out[k].text)
        if halves:
            out[k : k + 1] = [Sentence(halves[0], out[k].src), Sentence(halves[1], out[k].src)]
            break
    # One merge of two neighbours that are not the split pair.
    order = list(range(1, len(out) - 1))
    rng.shuffle(order)
    for k in order:
        if out[k].src == out[k + 1].src:
            continue
        merged = _merge(out[k].text, out[k + 1].text, rng)
        if merged:
            out[k : k + 2] = [Sentence(merged, out[k].src + out[k + 1].src)]
            break
    # Factual drift: change a few numbers.
    numbered = [k for k, s in enumerate(out) if re.search(r"\b\d{2,3}\b", s.text)]
    for k in rng.sample(numbered, min(alter_numbers, len(numbered))):
        changed = re.sub(
            r"\b(\d{2,3})\b",
            lambda m: str(int(m.group()) + rng.randint(1, 9)),
            out[k].text,
            count=1,
        )
        out[k] = Sentence(changed, out[k].src)
    headline = spin_sentence(story.headline, rng, rate)
    site = site or _outlet(rng)
    header, footer, credit = _boilerplate(rng, site, headline, story.meta)
    return replace(
        story,
        headline=headline,
        paragraphs=_paragraphs(out, rng),
        site=site,
        header=header,
        footer=footer,
        credit=credit,
    )


def partial_reuse(
    story: Story, rng: random.Random, *, share: float = 1 / 3, words: int = 600
) -> Story:
    """New text (another topic) that lifts ``share`` of the story's sentences verbatim,
    in two runs, placed in the middle of its own article."""
    src = story.sentences
    n = max(2, round(len(src) * share))
    first = rng.randint(0, max(0, len(src) - n))
    half = n // 2
    second = rng.randint(0, max(0, len(src) - (n - half)))
    picks = sorted(set(range(first, first + half)) | set(range(second, second + n - half)))
    while len(picks) < n:  # the runs overlapped: top up from the rest
        extra = rng.choice([k for k in range(len(src)) if k not in picks])
        picks = sorted({*picks, extra})
    reused = [Sentence(src[k].text, (k,)) for k in picks]
    used = sum(len(s.text.split()) for s in reused)
    host = unrelated(story, rng, words=max(150, words - used))
    own = [Sentence(s.text) for s in host.sentences]
    cut = max(1, len(own) // 3)
    body = (
        own[:cut]
        + reused[: len(reused) // 2]
        + own[cut : 2 * cut]
        + reused[len(reused) // 2 :]
        + own[2 * cut :]
    )
    return replace(host, paragraphs=_paragraphs(body, rng))


def unrelated(story: Story, rng: random.Random, *, words: int = 600) -> Story:
    """An independent story on another topic, with its own cast and site."""
    topics = [t.name for t in _TOPICS if t.name != story.topic]
    return make_story(rng, words, topic=rng.choice(topics), avoid=story.templates)


def make_pair(kind: str, rng: random.Random, words: int = 600) -> tuple[Story, Story]:
    """An original story and a derived one of ``kind`` (see ``KINDS``)."""
    original = make_story(rng, words)
    if kind == "verbatim":
        return original, reprint(original, rng)
    if kind == "spun":
        return original, spin(original, rng)
    if kind == "partial":
        return original, partial_reuse(original, rng, words=words)
    if kind == "unrelated":
        return original, unrelated(original, rng, words=words)
    raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")


if __name__ == "__main__":  # print one example of each kind
    import sys

    r = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
    for kind in KINDS:
        a, b = make_pair(kind, r)
        print(f"===== {kind}: original ({a.words} words, {len(a.sentences)} sentences)")
        print(a.text)
        print(f"===== {kind}: derived ({b.words} words, {len(b.sentences)} sentences)")
        print(b.text)
