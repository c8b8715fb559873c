"""Regenerate demo/corpus.jsonl from the .txt files in demo/corpus/.

Usage: python demo/make_jsonl.py
Each .txt file is: headline, blank line, body. The metadata below is invented.
"""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

META = {
    "01-wire": (
        "Northgate Wire",
        "2026-03-04T08:30:00+00:00",
        "https://northgatewire.example/world/harrowmere-ferry-collision-fog-14-injured",
    ),
    "02-reprint-herald": (
        "The Calloway Herald",
        "2026-03-04T10:05:00+00:00",
        "https://callowayherald.example/news/2026/03/04/two-ferries-collide-in-fog",
    ),
    "03-reprint-daily": (
        "Harbour Daily",
        "2026-03-04T13:40:00+00:00",
        "https://harbourdaily.example/two-ferries-collide-in-fog-on-harrowmeres-sallow-river/",
    ),
    "04-spin": (
        "TrendPulse Daily Buzz",
        "2026-03-05T06:20:00+00:00",
        "https://trendpulsebuzz.example/2026/03/05/two-ferries-crash-in-mist-harrowmere/",
    ),
    "05-summary": (
        "Briefly Now",
        "2026-03-04T15:00:00+00:00",
        "https://brieflynow.example/b/harrowmere-ferry-crash-14-injured",
    ),
    "06-partial": (
        "Lower Sallow Gazette",
        "2026-03-06T17:45:00+00:00",
        "https://lowersallowgazette.example/politics/transport-budget-river-safety",
    ),
    "07-independent": (
        "Sallow Valley Courier",
        "2026-03-04T19:20:00+00:00",
        "https://sallowvalleycourier.example/local/passengers-describe-ferry-crash",
    ),
    "08-unrelated-sport": (
        "Northmarch Sport",
        "2026-03-07T18:10:00+00:00",
        "https://northmarchsport.example/football/kelverton-rovers-stun-dunmore",
    ),
    "09-unrelated-science": (
        "Bramhall Science Weekly",
        "2026-03-09T09:00:00+00:00",
        "https://bramhallscience.example/articles/root-fungus-road-salt-trees",
    ),
    "10-unrelated-culture": (
        "Veyle Arts Review",
        "2026-03-08T11:30:00+00:00",
        "https://veylearts.example/exhibitions/knots-and-harbours",
    ),
    "11-wire-second": (
        "Northgate Wire",
        "2026-06-08T07:45:00+00:00",
        "https://northgatewire.example/business/corrowick-dockworkers-strike",
    ),
    "12-spin-second": (
        "ClickHarbor News",
        "2026-06-09T12:10:00+00:00",
        "https://clickharbor.example/corrowick-dock-workers-walkout/",
    ),
    "13-cyrillic": (
        "Озёрские вести",
        "2026-01-20T06:50:00+00:00",
        "https://ozyorskie-vesti.example/news/proryv-vodovoda-zarechny",
    ),
    "14-cyrillic-reprint": (
        "Вестник Озёрного края",
        "2026-01-20T09:15:00+00:00",
        "https://novosti-sever.example/gorod/bez-vody-12-tysyach",
    ),
}


def main() -> None:
    lines = []
    for path in sorted((HERE / "corpus").glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        title, _, body = raw.partition("\n\n")
        site, published, url = META[path.stem]
        lines.append(
            json.dumps(
                {
                    "id": path.stem,
                    "title": title.strip(),
                    "text": body.strip("\n"),
                    "site": site,
                    "published": published,
                    "url": url,
                },
                ensure_ascii=False,
            )
        )
    (HERE / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
