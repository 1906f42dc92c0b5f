"""Generated hostile dumps (markup, controls, RTL, emoji, U+2028, U+FFFE, 5,000-character titles,
shortcode fragments, malformed tickers, any encoding, random bytes) through parse_dump and through
the whole build: a Dump or a DumpError, nothing lost, and every feed valid to independent readers.

``HOSTILE_EXAMPLES=N`` raises the example budget (see tests/helpers/hostile.py);
tests/tools/fuzz_build.py runs the same generators for as long as you like.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from unittest import mock

from helpers.hostile import ANY_DUMP, BUILD_SETTINGS, EXAMPLES, assert_nothing_lost, assert_output_valid
from helpers.paths import folder_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centralasia_feed import Archive, FeedConfig, build
from centralasia_feed.errors import DumpError
from centralasia_feed.models import Dump
from centralasia_feed.parse import _spaces

PARSE_SETTINGS = settings(
    max_examples=EXAMPLES * 8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


def expected_entries(dumps: list[Dump | None], limit: int) -> int:
    """Items in each article feed: one per slug (the archive keys articles by slug), newest ``limit``."""
    return min(limit, len({article.slug for dump in dumps if dump for article in dump.articles}))


def as_bytes(data: str | bytes) -> bytes:
    return data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")


@PARSE_SETTINGS
@given(ANY_DUMP)
def test_parse_gives_a_dump_or_dump_error_and_loses_nothing(data: str | bytes) -> None:
    assert_nothing_lost(data)


@BUILD_SETTINGS
@given(ANY_DUMP, st.integers(1, 4))
def test_a_build_without_archive_fails_cleanly_or_writes_valid_feeds(data: str | bytes, limit: int) -> None:
    dump = assert_nothing_lost(as_bytes(data))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "dump.txt").write_bytes(as_bytes(data))
        try:
            build([folder / "dump.txt"], folder / "out", FeedConfig(limit=limit))
        except DumpError:
            assert dump is None
            assert not (folder / "out").exists()
            return
        assert dump is not None
        assert_output_valid(folder / "out", entries=expected_entries([dump], limit))


@BUILD_SETTINGS
@given(st.lists(ANY_DUMP, min_size=1, max_size=3), st.integers(1, 4))
def test_builds_with_an_archive_fail_cleanly_or_write_valid_feeds(
    dumps: list[str | bytes], limit: int
) -> None:
    """One build per dump into one folder and archive: a refused dump changes nothing."""
    parsed: list[Dump | None] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder, archive = Path(scratch), Path(scratch) / "archive.sqlite"
        for number, data in enumerate(dumps):
            path = folder / f"dump{number}.txt"
            path.write_bytes(as_bytes(data))
            before = folder_files(folder / "out"), archive.read_bytes() if archive.exists() else b""
            try:
                build([path], folder / "out", FeedConfig(limit=limit), archive=archive)
            except DumpError:
                assert folder_files(folder / "out") == before[0]
                if before[1]:
                    assert archive.read_bytes() == before[1]
                elif archive.exists():  # a refused first dump may leave a new, empty archive
                    with Archive(archive) as store:
                        assert store.count() == 0 and store.rate_dates() == ()
                continue
            parsed.append(assert_nothing_lost(as_bytes(data), source=str(path)))
            assert_output_valid(folder / "out", entries=expected_entries(parsed, limit))


@PARSE_SETTINGS
@given(st.text(st.sampled_from(" \t\n\u00a0\u2028\u3000\x1c\x85ab€")), st.integers(1, 9))
def test_normalizing_a_long_text_in_chunks_is_the_same_as_at_once(text: str, chunk: int) -> None:
    with mock.patch.object(_spaces, "_CHUNK", chunk):
        assert _spaces.normalize(text) == " ".join(text.split())
