"""The README promises what the tool does: every command is shown, and CI runs the README's test command."""

from __future__ import annotations

import re

from helpers.paths import ROOT

from centralasia_feed.cli import _parser

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    action = next(a for a in _parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    return sorted(action.choices)  # type: ignore[union-attr]


def test_readme_mentions_every_command() -> None:
    for command in _commands():
        assert f"centralasia-feed {command}" in README, command


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = [line for line in ci.splitlines() if "pytest" in line and not line.startswith("#")]
    assert len(command) == 1
    assert command[0].strip() in README


def test_examples_start_with_a_docstring_showing_how_to_run_them() -> None:
    for example in sorted((ROOT / "examples").glob("*.py")):
        text = example.read_text(encoding="utf-8")
        assert text.startswith('"""'), example
        assert re.search(rf"python examples/{example.name}", text), example
