"""Paragraph text to plain text: WordPress shortcodes out, ``[caption]`` turned into Figures.

The scanner walks the text with ``str.find`` and keeps every search moving forward (the next ``[``,
the next ``]``, the next ``[/caption]`` are each cached until passed), so a million unclosed
``[caption`` openings or a 50 MB line cost linear time. A bracketed word is a shortcode only when
WordPress would treat it as one here: a known name, ``key=value`` attributes, a self-closing ``/]``,
or a matching ``[/name]`` later on; editorial brackets such as ``[which]`` or ``[sic]`` stay.

Every shortcode dropped is said (``Dropped``): a tag of one that opens, a closing tag that closes
nothing before it, a caption past the ``MOST_FIGURES``th, a tag the site's excerpt cut in two.
Caption text is text: markup in it stays, for the renderer to escape as it escapes all text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..models import Figure
from ._spaces import normalize

# Called with where a dropped shortcode stood in the text (-1: at its end), what was dropped (a
# fixed text), and the tag.
Dropped = Callable[[int, str, str], None]
MOST_FIGURES = 50  # captions a paragraph turns into figures; a gallery of more is no excerpt
LONGEST_CAPTION = 1_000  # characters of a caption; "Image: Akorda" is the usual one

_TAG = re.compile(r"\[(/?)([A-Za-z][\w-]{0,39})(?=[\s\]/])")
_ATTRIBUTE = re.compile(r"""([\w-]{1,40})\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'\]]+))""")
_ATTACHMENT = re.compile(r"attachment_([0-9]{1,18})")
_NUMBER = re.compile(r"[0-9]{1,9}")
# The image a caption opens with, linked or not, as WordPress writes it (and takes it apart:
# ``img_caption_shortcode``): the figure's image, not its text.
_IMAGE = re.compile(r"\s*(?:<a\s[^<>]*>\s*)?<img\s[^<>]*>(?:\s*</a>)?", re.I)
# Cut in the name (``[/capt...``), or after it among attributes (``[caption i...``, ``[caption
# id="1" al...``); not an editorial bracket such as ``[video footage of the clash...``.
_CUT_TAG = re.compile(r"\[/?([a-z_]{2,40})(?:(\.\.\.|…)|\s([^\]]*?)(?:\.\.\.|…))$")
_KNOWN = frozenset({"caption", "wp_caption", "embed", "gallery", "audio", "video", "playlist"})
_CAPTIONS = frozenset({"caption", "wp_caption"})
# For telling a tag cut in its first attribute (``[caption i...``, ``[audio mp3...``) from an
# editorial bracket (``[video footage...``, ``[video image...``): a caption's attributes by any
# prefix (excerpts are full of captions), other shortcodes' by their whole, unmistakable names.
_CAPTION_ATTRIBUTES = ("id", "align", "width", "caption", "class")
_MEDIA_ATTRIBUTES = frozenset(
    {"mp3", "m4a", "ogg", "wav", "wma", "flac", "mp4", "m4v", "webm", "ogv", "wmv", "flv"}
    | {"poster", "autoplay", "preload", "columns", "orderby", "ids", "tracklist", "tracknumbers"}
    | {"itemtag", "icontag", "src", "url", "id", "width", "height"}
)


def strip_shortcodes(paragraph: str, dropped: Dropped) -> tuple[str, tuple[Figure, ...]]:
    """The paragraph without its shortcodes (its white space as it was), and the figures its
    captions described, in order; each shortcode dropped is said to ``dropped``."""
    figures: list[Figure] = []
    return _cut_tag(_strip(paragraph, figures, dropped), dropped), tuple(figures)


def starts_with_shortcode(text: str) -> bool:
    """Whether ``text`` opens with a known shortcode's tag: a closing one (``[/caption]``), one with
    attributes (``[caption id=...``), or one closed later in ``text`` (``[embed]...[/embed]``).
    ``[video] Tokayev Speaks`` opens with a label, and ``[Video]`` is no shortcode (names are
    case-sensitive, as in WordPress)."""
    tag = _TAG.match(text)
    if tag is None or tag.group(2) not in _KNOWN:
        return False
    closing, name = tag.group(1), tag.group(2)
    return bool(closing) or text[tag.end() : tag.end() + 1] != "]" or f"[/{name}]" in text


def _cut_tag(text: str, dropped: Dropped) -> str:
    """An excerpt the site cut inside a shortcode tag (``So it was. [caption id="1" al...``,
    ``Image: Akorda[/capt...``) without the piece of the tag: it ends at the text before it, still
    marked as cut."""
    if not text.endswith(("...", "…")):
        return text
    start = text.rfind("[")
    if start == -1 or "]" in text[start:]:
        return text
    cut = _CUT_TAG.match(text, start)
    if cut is None:
        return text
    name, in_name, attributes = cut.groups()
    if in_name:
        tag = any(known.startswith(name) for known in _KNOWN)
    else:
        tag = name in _KNOWN and ("=" in attributes or _cut_in_attribute(name, attributes.split()))
    if not tag:
        return text
    dropped(-1, "shortcode tag cut short by the excerpt, removed", text[start:])
    return text[:start].rstrip() + (" ..." if text.endswith("...") else " …")


def _cut_in_attribute(name: str, words: list[str]) -> bool:
    if not words:
        return True
    if len(words) > 1:
        return False
    if name in _CAPTIONS:
        return any(attribute.startswith(words[0]) for attribute in _CAPTION_ATTRIBUTES)
    return words[0] in _MEDIA_ATTRIBUTES


def _strip(text: str, figures: list[Figure] | None, dropped: Dropped, base: int = 0) -> str:
    """Text without its shortcode tags, each said to ``dropped`` (at its offset plus ``base``);
    captions become figures when ``figures`` is given (up to ``MOST_FIGURES``)."""
    start = text.find("[")
    if start == -1:
        return text
    closers = _last_closers(text, start)
    opened: set[str] = set()
    caption_ends: dict[str, int] = {}
    out: list[str] = []
    done = bracket = 0
    while start != -1:
        if bracket <= start and (bracket := text.find("]", start)) == -1:
            break
        following = text.find("[", start + 1)
        tag = _TAG.match(text, start)
        if tag is None or following != -1 and following < bracket:
            start = following
            continue
        closing, name, attributes = tag.group(1), tag.group(2), text[tag.end() : bracket]
        if figures is not None and not closing and name in _CAPTIONS:
            end = _caption_end(text, name, bracket, caption_ends)
            if end != -1:
                _caption(text, (start, bracket, end), attributes, figures, dropped, base)
                out.append(text[done:start])
                done = end + len(name) + 3
                start = text.find("[", done)
                continue
        if (kind := _dropped(name, closing, attributes, start, closers, opened)) is not None:
            if kind:
                dropped(base + start, kind, text[start : bracket + 1])
            out.append(text[done:start])
            done = bracket + 1
        start = following
    out.append(text[done:])
    return "".join(out)


def _caption(
    text: str,
    where: tuple[int, int, int],
    attributes: str,
    figures: list[Figure],
    dropped: Dropped,
    base: int,
) -> None:
    """The figure of a ``[caption ...]`` (``where`` its tag starts, where the tag ends, where its
    text ends), or, past ``MOST_FIGURES``, a caption dropped."""
    start, bracket, end = where
    if len(figures) < MOST_FIGURES:
        figures.append(_figure(attributes, text[bracket + 1 : end], dropped, base + bracket + 1))
    else:
        dropped(base + start, f"caption past the {MOST_FIGURES}th of a paragraph, dropped", text[start:end])


def _dropped(
    name: str, closing: str, attributes: str, start: int, closers: dict[str, int], opened: set[str]
) -> str | None:
    """If a bracket is a shortcode tag, what dropping it says: one that opens a shortcode, or a
    closing one with nothing before it to close; "" for the closing tag of a shortcode already
    said; None for no shortcode tag (an editorial bracket)."""
    if closing:
        if name in opened:
            return ""
        return "closing shortcode tag with no opening tag, removed" if name in _KNOWN else None
    if (
        name in _KNOWN
        or "=" in attributes
        or attributes.rstrip().endswith("/")
        or closers.get(name, -1) > start
    ):
        opened.add(name)
        if name in _CAPTIONS:
            return "caption with no closing tag, its tag removed"
        return "shortcode removed"
    return None


def _last_closers(text: str, after: int) -> dict[str, int]:
    """Where each ``[/name]`` last appears (none is before the first ``[``, at ``after``): an opening
    tag before it is an enclosing shortcode."""
    last: dict[str, int] = {}
    start = text.find("[/", after)
    while start != -1:
        if tag := _TAG.match(text, start):
            last[tag.group(2)] = start
        start = text.find("[/", start + 2)
    return last


def _caption_end(text: str, name: str, after: int, cache: dict[str, int]) -> int:
    """The next ``[/name]`` after ``after``, or -1; each search starts where the last one ended."""
    end = cache.get(name, -2)
    if end == -2 or end != -1 and end < after:
        end = cache[name] = text.find(f"[/{name}]", after)
    return end


def _figure(attributes: str, inner: str, dropped: Dropped, base: int) -> Figure:
    """``[caption id="attachment_27253" align="aligncenter" width="750"]Image: Akorda[/caption]``:
    its text, after the image WordPress puts first (``<img ...>``), is text, markup and all (the
    renderer escapes it); cut to ``LONGEST_CAPTION`` (said so)."""
    values = {
        match.group(1).lower(): next(g for g in match.groups()[1:] if g is not None)
        for match in _ATTRIBUTE.finditer(attributes)
    }
    image = _IMAGE.match(inner)
    if image:
        inner, base = inner[image.end() :], base + image.end()
    caption = normalize(_strip(inner, None, dropped, base)) or normalize(values.get("caption", ""))
    if len(caption) > LONGEST_CAPTION:
        dropped(base, f"caption longer than {LONGEST_CAPTION:,} characters, cut", caption[:80])
        caption = caption[: LONGEST_CAPTION - 2].rstrip() + " …"
    attachment = _ATTACHMENT.fullmatch(values.get("id", "").strip())
    width = _NUMBER.fullmatch(values.get("width", "").strip())
    return Figure(
        caption=caption,
        attachment_id=int(attachment.group(1)) if attachment else None,
        width=int(width.group()) if width else None,
        align=values.get("align", "").strip() or None,
    )
