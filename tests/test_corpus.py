"""Hand-made broken and hostile dumps (tests/data/corpus): each gives exactly the problems in its
``.expected`` file, each at its line, or is refused with exactly the one error line there; in strict
mode its first problem is the error; built through the command line, each exits 0 with those
problems on stderr and valid feeds, or exits 1 with that one line and no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.hostile import assert_nothing_lost, assert_output_valid
from helpers.paths import DATA

from centralasia_feed.cli import main
from centralasia_feed.errors import DumpError
from centralasia_feed.parse import parse_dump

CORPUS = DATA / "corpus"
CASES = sorted(CORPUS.glob("*.txt"))
IDS = [case.stem for case in CASES]


def expected(case: Path) -> list[str]:
    return case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()


def read(case: Path) -> tuple[list[str], bool]:
    """A case as parse_dump reads it: its problem lines, or its one error line; and whether refused."""
    try:
        dump = parse_dump(case.read_bytes(), source=case.name)
    except DumpError as error:
        return [str(error)], True
    return [str(problem) for problem in dump.problems], False


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_each_case_gives_exactly_its_expected_lines(case: Path) -> None:
    assert read(case)[0] == expected(case)
    dump = assert_nothing_lost(case.read_bytes(), source=case.name)
    problems = dump.problems if dump is not None else ()
    assert all(problem.source == case.name and problem.line >= 1 for problem in problems)


def _accepted(case: Path) -> bool:
    return not read(case)[1]


@pytest.mark.parametrize("case", [case for case in CASES if _accepted(case)], ids=lambda case: case.stem)
def test_strict_raises_at_the_first_problem_or_passes_a_clean_case(case: Path) -> None:
    lines = expected(case)
    if not lines:
        assert parse_dump(case.read_bytes(), source=case.name, strict=True) == parse_dump(
            case.read_bytes(), source=case.name
        )
        return
    with pytest.raises(DumpError) as raised:
        parse_dump(case.read_bytes(), source=case.name, strict=True)
    assert str(raised.value) == lines[0]
    assert (raised.value.source, raised.value.line) == (case.name, int(lines[0].split(":")[1]))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_each_case_builds_through_the_cli_or_fails_in_one_line(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(case.parent)  # so the CLI names the file as the .expected file does
    out = tmp_path / "out"
    status = main(["build", "--no-archive", "--out", str(out), case.name])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if read(case)[1]:
        assert status == 1
        assert err.splitlines() == [f"centralasia-feed: error: {line}" for line in expected(case)]
        assert not (out / "rss.xml").exists()
    else:
        assert status == 0
        assert err.splitlines() == expected(case)
        dump = parse_dump(case.read_bytes())
        assert_output_valid(out, entries=min(50, len({article.slug for article in dump.articles})))


def test_the_cases_cover_what_the_issue_names() -> None:
    """Refused inputs and accepted ones both, so neither branch above is vacuous."""
    refused = {case.stem for case in CASES if read(case)[1]}
    assert {"binary_junk", "lone_date", "title_only", "utf16_no_bom"} <= refused
    assert {"doubled", "markup_titles", "nul_sprinkled", "captions_nested"}.isdisjoint(refused)
    accepted = {"junk_lines", "bidi_controls", "non_nfc", "invisible_title", "shortcodes_dropped"}
    assert accepted <= {case.stem for case in CASES} and accepted.isdisjoint(refused)


def test_a_doubled_dump_publishes_each_article_once(tmp_path: Path) -> None:
    for name in ("doubled", "doubled_no_newline"):
        dump = parse_dump((CORPUS / f"{name}.txt").read_bytes())
        assert len(dump.articles) == 6 and len(dump.rates) == 5  # each repeat reported, kept once
        assert (
            main(
                [
                    "build",
                    "--no-archive",
                    "--out",
                    str(tmp_path / name),
                    str(CORPUS / f"{name}.txt"),
                ]
            )
            == 0
        )
        assert_output_valid(tmp_path / name, entries=6)


def test_a_dump_cut_mid_paragraph_is_published_as_an_excerpt(tmp_path: Path) -> None:
    dump = parse_dump((CORPUS / "cut_mid_article.txt").read_bytes())
    last = dump.articles[-1]
    assert last.truncated and last.summary.endswith("it is geographically")
    assert (
        main(["build", "--no-archive", "--out", str(tmp_path), str(CORPUS / "cut_mid_article.txt")])
        == 0
    )
    feed = assert_output_valid(tmp_path)["feed.json"]
    item = next(item for item in feed["items"] if item["title"] == last.title)
    assert item["summary"].endswith("geographically …") and "Read more" in item["content_html"]


def test_markup_in_titles_arrives_as_text(tmp_path: Path) -> None:
    assert (
        main(["build", "--no-archive", "--out", str(tmp_path), str(CORPUS / "markup_titles.txt")])
        == 0
    )
    read_back = assert_output_valid(tmp_path, entries=5)
    titles = [entry.title for entry in read_back["atom.xml"].entries]
    assert "<script>alert('pwned')</script> Budget Talks" in [
        item["title"] for item in read_back["feed.json"]["items"]
    ]
    assert "Closing ]]> the CDATA, <![CDATA[ opening it" in [
        item["title"] for item in read_back["feed.json"]["items"]
    ]
    assert len(titles) == 5
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
