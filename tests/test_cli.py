"""The command line as a user runs it: the real entry point, its output, its exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.paths import ROOT, SEED

from centralasia_feed.cli import main


def test_parse_prints_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "1 page(s), 6 article(s), 5 rate(s), 0 problem(s)" in out
    assert "results 1-6 of 20" in out
    assert "KZT/USD 0.00191" in out
    assert "figure: Image: Akorda" in out


def test_parse_json_holds_decimals_as_strings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--json", str(SEED)]) == 0
    text = capsys.readouterr().out
    assert '"0.00191"' in text
    (dump,) = json.loads(text)
    assert [(page["line"], page["date_line"]) for page in dump["pages"]] == [(1, 41)]  # ticker, date


def test_missing_file_is_one_line_and_status_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["parse", str(tmp_path / "nope.txt")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("centralasia-feed: error: ") and "nope.txt" in err


def test_strict_parse_fails_on_a_problem(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    dump = tmp_path / "d.txt"
    dump.write_text(SEED.read_text(encoding="utf-8").replace("0.00191", "zero", 1), encoding="utf-8")
    assert main(["parse", str(dump)]) == 0
    assert f"{dump}:2: " in capsys.readouterr().err
    assert main(["parse", "--strict", str(dump)]) == 1
    assert f"{dump}:2: " in capsys.readouterr().err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["nonsense"], ["build", "--limit", "0"], [], ["serve", "--port", "99999"]):
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("centralasia-feed: error: "), err


def test_build_prints_each_file_and_its_items(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert main(["build", "--out", str(out), "--archive", str(tmp_path / "a.sqlite")]) == 0
    printed = capsys.readouterr().out
    assert f"{out / 'rss.xml'}  6 item(s)  written" in printed
    assert f"{out / 'rates.json'}  1 item(s)  written" in printed
    assert main(["rates", "--archive", str(tmp_path / "a.sqlite"), "--pair", "KZT/USD"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["date", "pair", "value", "inverse", "change", "direction"]
    assert table[1].split() == ["2025-01-05", "KZT/USD", "0.00191", "523.560", "0%", "flat"]
    assert main(["rates", "--archive", str(tmp_path / "a.sqlite"), "--json"]) == 0
    sources = {rate["source"] for rate in json.loads(capsys.readouterr().out)}
    assert sources == {"seeds/000_caa332ea3062df9c.txt"}  # not the folder the package sits in


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_output_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    assert main(["build", "--no-archive", "--out", str(locked / "out")]) == 1


def test_output_path_that_is_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["build", "--no-archive", "--out", str(blocker / "out")]) == 1
    assert capsys.readouterr().err.startswith("centralasia-feed: error: ")


def test_python_dash_m_is_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "centralasia_feed", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.startswith("centralasia-feed ")


def test_example_script_builds_the_seed(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "generate_feeds.py"), str(tmp_path / "o")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert "Built 6 articles" in done.stdout
    assert "rates.json  1 item   application/feed+json" in done.stdout  # aligned; not "1 items"
    assert (tmp_path / "o" / "atom.xml").is_file()


def test_build_help_shows_every_default(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    shown = " ".join(capsys.readouterr().out.split())  # argparse wraps lines where it likes
    for default in ("public", "http://127.0.0.1:8000/", "https://timesca.com/", "UTC", "50", "256 MiB"):
        assert f"(default: {default})" in shown
    assert "(default: The Times of Central Asia)" in shown


def test_tiny_and_huge_rates_print_in_plain_digits(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    dump = tmp_path / "tiny.txt"
    dump.write_text(
        "• UZS/USD = 0.0000000000000000000000000000001 0%\n• KZT/USD = 10000000 0%\n05 January 2025\n\n"
        "A Title\n\nA whole paragraph.\n",
        encoding="utf-8",
    )
    assert main(["parse", str(dump)]) == 0
    out = capsys.readouterr().out
    assert "(1 USD = 10000000000000000000000000000000 UZS)" in out
    assert "(1 USD = 0.0000001 KZT)" in out and "E-" not in out
    archive = tmp_path / "a.sqlite"
    assert main(["build", str(dump), "--out", str(tmp_path / "out"), "--archive", str(archive)]) == 0
    capsys.readouterr()
    assert main(["rates", "--archive", str(archive), "--json"]) == 0
    text = capsys.readouterr().out
    assert '"0.0000001"' in text and "E-" not in text
    rates = json.loads((tmp_path / "out" / "rates.json").read_text(encoding="utf-8"))
    assert "E-" not in json.dumps(rates["items"][0]["_centralasia_feed"])


def test_parse_prints_grouped_problems_and_counts_every_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    dump = tmp_path / "junk.txt"
    dump.write_text(SEED.read_text(encoding="utf-8") + "\n\n" + "stray\n" * 30, encoding="utf-8")
    assert main(["parse", str(dump)]) == 0
    captured = capsys.readouterr()
    assert "6 article(s), 5 rate(s), 30 problem(s)" in captured.out
    err = captured.err.splitlines()
    assert len(err) == 11 and err[-1] == (
        f"{dump}:79: text without a title: and 20 more lines like this (lines 79-98)"
    )
    assert main(["parse", "--json", str(dump)]) == 0
    (parsed,) = json.loads(capsys.readouterr().out)
    assert [(p["line"], p["count"], p["last_line"]) for p in parsed["problems"]][-2:] == [
        (78, 1, 78),
        (79, 20, 98),
    ]
    assert main(["parse", "--strict", str(dump)]) == 1
    assert capsys.readouterr().err == f"centralasia-feed: error: {dump}:69: text without a title: 'stray'\n"
