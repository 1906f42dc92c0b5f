"""Independent validators for the renderer's tests: RFC 4287's RELAX NG, the JSON Feed 1.1 schema,
html5lib in strict mode, feedparser. The schemas are copies carried in tests/data (see its README).
"""

from __future__ import annotations

import functools
import json
from typing import Any

import feedparser
import html5lib
import jsonschema
from lxml import etree

from .paths import DATA


@functools.cache
def _atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(DATA / "atom.rng")))


@functools.cache
def _json_feed_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((DATA / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def assert_atom_valid(data: bytes) -> None:
    """RFC 4287's RELAX NG grammar accepts the document."""
    schema = _atom_schema()
    assert schema.validate(etree.fromstring(data)), schema.error_log


def assert_json_feed_valid(data: bytes) -> dict[str, Any]:
    """The JSON Feed 1.1 schema accepts the document, whose ids are unique; returns it parsed."""
    document: dict[str, Any] = json.loads(data.decode("utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _json_feed_validator().iter_errors(document)]
    assert errors == []
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    ids = [item["id"] for item in document["items"]]
    assert len(ids) == len(set(ids))
    return document


def parse_feed(data: bytes) -> Any:
    """feedparser's reading of an XML feed, which must not be flagged as malformed."""
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def parse_html(data: bytes) -> Any:
    """html5lib in strict mode: any HTML5 parse error fails the test."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(data)
