"""Fuzz the parser and the whole build for longer than the test suite does.

Every input must give a Dump or a DumpError, account for every non-blank line, and, when it parses,
build into feeds that lxml, RFC 4287's RELAX NG, feedparser, the JSON Feed schema and html5lib accept.
A failing input is printed (and, with atheris, saved as ``crash-*``) for tests/data/corpus.

With atheris (``pip install -e '.[test,fuzz]'``), coverage-guided, from the repository root::

    python tests/tools/fuzz_build.py -max_total_time=300 fuzz-corpus/ seeds/ tests/data/corpus/

(libFuzzer options; the folders seed the corpus, and the first, which must exist, collects the new
inputs it finds). libFuzzer's last line says how many inputs ran (``Done N runs in S second(s)``);
``FUZZ_PARSE_ONLY=1`` skips the builds, for many more parser inputs a second. Without atheris,
hypothesis with the same generators as the property tests::

    python tests/tools/fuzz_build.py --hypothesis 5000
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS), str(TESTS.parent)]  # for helpers, and the package in a checkout
ATHERIS = __name__ == "__main__" and sys.argv[1:2] != ["--hypothesis"]
if ATHERIS:  # instrument the package for coverage before anything imports it
    import atheris  # type: ignore[import-not-found]

    with atheris.instrument_imports(include=["centralasia_feed"]):
        import centralasia_feed.parse  # noqa: F401
        import centralasia_feed.pipeline  # noqa: F401

from helpers.hostile import ANY_DUMP, assert_nothing_lost, assert_output_valid  # noqa: E402

from centralasia_feed import FeedConfig, build  # noqa: E402
from centralasia_feed.errors import DumpError  # noqa: E402

PARSE_ONLY = os.environ.get("FUZZ_PARSE_ONLY") == "1"
RUNS = {"inputs": 0, "built": 0, "refused": 0}
STARTED = time.monotonic()


def check(data: bytes) -> None:
    """The whole promise for one input; any exception or failed assertion is a finding."""
    RUNS["inputs"] += 1
    if RUNS["inputs"] & (RUNS["inputs"] - 1) == 0 and RUNS["inputs"] >= 1024:
        report(time.monotonic() - STARTED)
    dump = assert_nothing_lost(data, source="fuzz")
    if dump is None:
        RUNS["refused"] += 1
        return
    if PARSE_ONLY:
        return
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "dump.txt"
        path.write_bytes(data)
        try:
            build([path], Path(scratch) / "out", FeedConfig(limit=5), archive=Path(scratch) / "a.sqlite")
        except DumpError as error:
            raise AssertionError(f"parsed, but the build refused it: {error}") from error
        slugs = {article.slug for article in dump.articles}
        assert_output_valid(Path(scratch) / "out", entries=min(5, len(slugs)))
        RUNS["built"] += 1


def run_atheris(argv: list[str]) -> None:
    atheris.Setup(argv, check)
    atheris.Fuzz()  # libFuzzer exits the process itself


def run_hypothesis(examples: int) -> None:
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(ANY_DUMP)
    def fuzz(data: str | bytes) -> None:
        check(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))

    try:
        fuzz()
    finally:
        report(time.monotonic() - STARTED)


def report(seconds: float) -> None:
    print(
        f"fuzz_build: {RUNS['inputs']} inputs in {seconds:.0f} s: {RUNS['built']} built and validated, "
        f"{RUNS['refused']} refused with DumpError",
        file=sys.stderr,
    )


if __name__ == "__main__":
    if ATHERIS:
        run_atheris(sys.argv)
    else:
        run_hypothesis(int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
