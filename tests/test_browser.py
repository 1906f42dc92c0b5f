"""A real browser (headless Chromium) opens the landing page from the server.

Chromium comes from Debian's ``chromium`` package. Without it this test is skipped with a plain
reason, except when the ``CI`` environment variable is set: there it must run, so it fails.
Set ``CENTRALASIA_FEED_SCREENSHOTS`` to a folder to keep the phone-sized screenshot.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

import lxml.html
import pytest
from serving import Served

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")  # fmt: skip
TIMEOUT = 120
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback never goes via a proxy
FEED_TYPES = {
    "rss.xml": "application/rss+xml",
    "atom.xml": "application/atom+xml",
    "feed.json": "application/feed+json",
    "rates.json": "application/feed+json",
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


def run_browser(tmp_path: Path, *args: str) -> str:
    command = [chromium(), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"chromium did not finish within {TIMEOUT} s: {' '.join(command)}")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture
def dom(served: Served, tmp_path: Path) -> lxml.html.HtmlElement:
    text = run_browser(tmp_path, "--dump-dom", served.url)
    assert any(" GET / 200 " in line for line in served.lines), served.lines  # it came from the server
    return lxml.html.fromstring(text)


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


def test_page_shows_the_latest_rates(served: Served, dom: lxml.html.HtmlElement) -> None:
    latest = newest_items(served.root, "rates.json")[0]
    listed = str(latest.get("content_text") or re.sub(r"<[^>]+>", "", str(latest.get("content_html"))))
    rows = re.findall(r"\b([A-Z]{3}/[A-Z]{3})\s+([0-9][0-9.]*)", listed)
    assert rows
    text = dom.text_content()
    assert [row for row in rows if row[0] not in text or row[1] not in text] == []


def test_charts_when_present_are_drawn(dom: lxml.html.HtmlElement) -> None:
    for svg in dom.xpath("//svg"):
        shapes = svg.xpath(".//polyline/@points | .//path/@d | .//line/@x2")
        assert any(shape.strip() for shape in shapes), lxml.html.tostring(svg)[:200]


def test_page_renders_on_a_phone_sized_screen(served: Served, tmp_path: Path) -> None:
    shot = tmp_path / "page.png"
    run_browser(tmp_path, f"--screenshot={shot}", "--window-size=412,900", "--hide-scrollbars", served.url)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (412, 900)
    keep = os.environ.get("CENTRALASIA_FEED_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(keep) / "index-412x900.png")
