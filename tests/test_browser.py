"""A real browser (headless Chromium) opens the landing page from the server.

Chromium comes from Debian's ``chromium`` package. Without it this test is skipped with a plain
reason, except when the ``CI`` environment variable is set: there it must run, so it fails.
Set ``CENTRALASIA_FEED_SCREENSHOTS`` to a folder to keep the phone-sized screenshot.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import shutil
import struct
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import lxml.html
import pytest
from helpers.serving import Served

from centralasia_feed import Article, Entry, FeedConfig
from centralasia_feed.render import render_landing

serve_module = importlib.import_module("centralasia_feed.serve")  # the package's serve is the function
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")  # fmt: skip
TIMEOUT = 120
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback never goes via a proxy
FEED_TYPES = {
    "rss.xml": "application/rss+xml",
    "atom.xml": "application/atom+xml",
    "feed.json": "application/feed+json",
    "rates.xml": "application/atom+xml",
    "rates.json": "application/feed+json",
    **{
        f"rates/{pair}-USD.{kind}": kind_type
        for pair in ("KGS", "KZT", "TJS", "TMT", "UZS")
        for kind, kind_type in (("xml", "application/atom+xml"), ("json", "application/feed+json"))
    },
}


def chromium() -> str:
    """The browser to drive, or a skip (a failure under CI) saying plainly that it is missing."""
    names = filter(None, (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"))
    found = next(filter(None, map(shutil.which, names)), None)
    if found:
        return found
    missing = "headless Chromium is not installed (Debian: apt-get install -y chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{missing}, and CI must run the browser test")
    pytest.skip(f"{missing}, so the browser test did not run")


def browse(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [chromium(), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"chromium did not finish within {TIMEOUT} s: {' '.join(command)}")
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def run_browser(tmp_path: Path, *args: str) -> str:
    return browse(tmp_path, *args).stdout


@pytest.fixture
def dom(served: Served, tmp_path: Path) -> lxml.html.HtmlElement:
    text = run_browser(tmp_path, "--dump-dom", served.url)
    assert any(" GET / 200 " in line for line in served.lines), served.lines  # it came from the server
    return lxml.html.fromstring(text)


@pytest.fixture
def unguarded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Served without SECURITY_HEADERS: the probes frame the page and run a script, the two things
    its policy forbids. test_the_policy_changes_nothing_the_page_shows shows the page is the same."""
    monkeypatch.setattr(serve_module, "SECURITY_HEADERS", {})


def newest_items(root: Path, name: str) -> list[dict[str, object]]:
    items: list[dict[str, object]] = json.loads((root / name).read_bytes())["items"]
    return items


def test_page_names_every_feed_for_autodiscovery(served: Served, dom: lxml.html.HtmlElement) -> None:
    links = dom.xpath("//head/link[@rel='alternate']")
    found = {urllib.parse.urlsplit(urllib.parse.urljoin(served.url, link.get("href"))).path: link.get("type")
             for link in links}  # fmt: skip
    assert found == {"/" + name: kind for name, kind in FEED_TYPES.items()}
    assert all(link.get("title") for link in links)
    for path, kind in found.items():  # and each is served with the type the page announces
        with DIRECT.open(served.url.rstrip("/") + path, timeout=10) as response:
            assert response.headers.get_content_type() == kind


def test_page_shows_the_articles(served: Served, dom: lxml.html.HtmlElement) -> None:
    text = " ".join(dom.text_content().split())
    hrefs = set(dom.xpath("//body//a/@href"))
    items = newest_items(served.root, "feed.json")
    assert items
    for item in items:
        assert " ".join(str(item["title"]).split()) in text
        assert item["url"] in hrefs


def latest_rates(root: Path) -> tuple[str, list[dict[str, str]]]:
    """The newest rates item's date and its exact rates, from rates.json's extension object."""
    latest = newest_items(root, "rates.json")[0]
    extension = latest["_centralasia_feed"]
    assert isinstance(extension, dict)
    rates: list[dict[str, str]] = extension["rates"]
    return rates[0]["date"], rates


def test_page_shows_the_latest_rates(served: Served, dom: lxml.html.HtmlElement) -> None:
    day, rates = latest_rates(served.root)
    section = dom.xpath("//section[@aria-labelledby='rates']")[0]
    assert section.xpath("string(.//h2)").endswith(
        time.strftime("%d %B %Y", time.strptime(day, "%Y-%m-%d")).lstrip("0")
    )
    rows = {
        " ".join(row.xpath("string(th)").split()): [
            " ".join(td.text_content().split()) for td in row.xpath("td")
        ]
        for row in section.xpath(".//tbody/tr")
    }
    assert sorted(rows) == sorted(f"{rate['base']}/{rate['quote']}" for rate in rates)
    arrows = {"up": "▲", "down": "▼", "flat": "▬", None: "?"}
    for rate in rates:
        said, ticker, change = rows[f"{rate['base']}/{rate['quote']}"]
        assert said.startswith(f"1 {rate['quote']} = ") and said.endswith(f" {rate['base']}")
        assert ticker == f"1 {rate['base']} = {rate['value']} {rate['quote']}"
        assert change == f"{rate['change_percent']}% {arrows[rate['direction']]}"  # signed as the JSON
    assert any(rate["direction"] == "down" for rate in rates)  # the history tells, on the page too


def test_a_chart_per_pair_with_history(served: Served, dom: lxml.html.HtmlElement) -> None:
    dates: dict[str, set[str]] = {}
    for item in newest_items(served.root, "rates.json"):
        for rate in item["_centralasia_feed"]["rates"]:  # type: ignore[index]
            dates.setdefault(f"{rate['base']}/{rate['quote']}", set()).add(rate["date"])
    charted = {pair for pair, days in dates.items() if len(days) > 1}
    assert len(charted) == 5
    figures = dom.xpath("//section[@aria-labelledby='rates']//figure")
    assert sorted(figure.xpath("string(figcaption)").split()[0] for figure in figures) == sorted(charted)
    for figure in figures:
        (svg,) = figure.xpath(".//svg")
        pair = figure.xpath("string(figcaption)").split()[0]
        assert svg.xpath("string(title)").startswith(pair)
        points = svg.xpath("string(.//polyline/@points)").split()
        assert len(points) == len(dates[pair])


PROBE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>probe</title></head><body>
<iframe id="page" src="index.html" style="width:{width}px;height:900px;border:0"></iframe>
<script>
document.getElementById("page").addEventListener("load", function () {{
  var doc = this.contentDocument, box = doc.querySelector("#rates").parentNode.querySelector(".scroll");
  var out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify({{viewport: doc.documentElement.clientWidth,
    page: doc.documentElement.scrollWidth, box: box.clientWidth, table: box.scrollWidth}});
  document.body.appendChild(out);
}});
</script></body></html>"""


@pytest.mark.parametrize("width", [412, 360, 320])
@pytest.mark.usefixtures("unguarded")
def test_the_rates_table_fits_a_phone(served: Served, tmp_path: Path, width: int) -> None:
    """Measured by the browser itself: the page lays out in a phone-wide frame with no sideways scroll.

    The probe page (test-only, with a script) frames index.html, which itself has none.
    """
    (served.root / "probe.html").write_text(PROBE.format(width=width), encoding="utf-8")
    page = run_browser(tmp_path, "--hide-scrollbars", "--dump-dom", served.url + "probe.html")
    found = lxml.html.fromstring(page)
    sizes = json.loads(str(found.xpath("string(//pre[@id='probe'])")))
    assert sizes["viewport"] == width
    assert sizes["page"] <= sizes["viewport"], sizes
    assert sizes["table"] <= sizes["box"], sizes  # the rates table needs no scrolling of its own


WIDTH_PROBE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>probe</title></head><body>
<iframe id="page" src="long.html" style="width:360px;height:900px;border:0"></iframe>
<script>
document.getElementById("page").addEventListener("load", function () {
  var out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify([this.contentDocument.documentElement.clientWidth,
    this.contentDocument.documentElement.scrollWidth]);
  document.body.appendChild(out);
});
</script></body></html>"""


@pytest.mark.usefixtures("unguarded")
def test_a_long_unbroken_title_does_not_widen_the_page(served: Served, tmp_path: Path) -> None:
    """A title with a 200-letter word (nowhere to break) wraps anywhere instead of scrolling the page."""
    article = Article("Word: " + "x" * 200, "Text ...", dt.date(2025, 1, 5), "long", True)
    (served.root / "long.html").write_bytes(render_landing([Entry.first_seen(article)], [], FeedConfig()))
    (served.root / "probe.html").write_text(WIDTH_PROBE, encoding="utf-8")
    page = run_browser(tmp_path, "--hide-scrollbars", "--dump-dom", served.url + "probe.html")
    viewport, width = json.loads(str(lxml.html.fromstring(page).xpath("string(//pre[@id='probe'])")))
    assert viewport == 360 and width <= viewport


def test_page_renders_on_a_phone_sized_screen(served: Served, tmp_path: Path) -> None:
    """A phone-sized screenshot, kept under CENTRALASIA_FEED_SCREENSHOTS when that is set."""
    shot = tmp_path / "page.png"
    run_browser(tmp_path, f"--screenshot={shot}", "--window-size=412,900", "--hide-scrollbars", served.url)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (412, 900)
    keep = os.environ.get("CENTRALASIA_FEED_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(keep) / "index-412x900.png")


def screenshot(served: Served, folder: Path) -> bytes:
    """The landing page, by a browser with a profile of its own: no cached copy of another's."""
    folder.mkdir()
    shot = folder / "page.png"
    run_browser(folder, f"--screenshot={shot}", "--window-size=1280,2000", "--hide-scrollbars", served.url)
    return shot.read_bytes()


def test_the_policy_changes_nothing_the_page_shows(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The landing page (inline style, inline SVG charts, a data: icon) is drawn pixel for pixel the
    same with SECURITY_HEADERS as without: the policy forbids nothing it uses."""
    guarded = screenshot(served, tmp_path / "guarded")
    monkeypatch.setattr(serve_module, "SECURITY_HEADERS", {})
    assert screenshot(served, tmp_path / "unguarded") == guarded
    assert sum(" GET / 200 " in line for line in served.lines) == 2  # both from the server, not a cache


SCRIPTED = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>scripted</title></head>
<body><p id="out">not run</p><script>document.getElementById("out").textContent = "ran"</script>
</body></html>"""


def test_the_policy_stops_a_script_in_a_page_and_any_framing(served: Served, tmp_path: Path) -> None:
    """Chromium, reading the policy as sent, runs no script in a served page, and frames no page."""
    (served.root / "scripted.html").write_text(SCRIPTED, encoding="utf-8")
    page = lxml.html.fromstring(run_browser(tmp_path, "--dump-dom", served.url + "scripted.html"))
    assert page.xpath("string(//p[@id='out'])") == "not run"
    framer = tmp_path / "framer.html"
    framer.write_text(f'<!DOCTYPE html><title>framer</title><iframe src="{served.url}"></iframe>', "utf-8")
    console = browse(tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom", framer.as_uri()).stderr
    assert f"Framing '{served.url}' violates the following Content Security Policy directive" in console
