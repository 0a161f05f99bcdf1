"""Drift tests: what the README promises matches what the code does."""

from __future__ import annotations

import re
import shlex

import click
import pytest

from scholarkg import errors
from scholarkg.cli import cli

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "scholarkg"):
    for name, command in sorted(group.commands.items()):
        yield f"{prefix} {name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix} {name}")


COMMANDS = list(_commands(cli))


@pytest.mark.parametrize("path,command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_has_help_and_appears_in_the_readme(runner, path, command):
    assert command.help and len(command.help.strip()) > 20, path
    assert f"`{path}" in README or f"$ {path}" in README, f"{path} is not documented in README.md"
    result = runner.invoke(cli, [*path.split()[1:], "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.stdout


def _fenced_commands() -> list[str]:
    return [line for line in re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)]


def test_readme_has_the_two_commands_and_ci_runs_the_test_one():
    commands = _fenced_commands()
    assert len(commands) == 2
    main, tests = commands
    assert "scholarkg export examples/pages" in main and "scholarkg query" in main
    assert "pytest" in tests
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines(), ".ci/run must run the README's test command word for word"


def test_readme_main_command_runs(runner, tmp_path, monkeypatch):
    """The scholarkg steps of the first command, run in-process from the repository root."""
    main = _fenced_commands()[0]
    steps = [shlex.split(part.strip()) for part in main.split("&&") if "scholarkg" in part]
    monkeypatch.chdir(REPO)
    for step in steps:
        args = step[1:]
        if "-o" in args:
            args[args.index("-o") + 1] = str(tmp_path / "graph.ttl")
        if "--data" in args:
            args[args.index("--data") + 1] = str(tmp_path / "graph.ttl")
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, (args, result.stderr)
    assert "Wen McKenzie" in result.stdout  # the query's first row, as the README shows


def test_every_exit_code_is_documented():
    codes = {cls.exit_code for cls in vars(errors).values()
             if isinstance(cls, type) and issubclass(cls, errors.ScholarkgError)}
    table = dict(re.findall(r"^\| (\d) \| (.+?) \|$", README, flags=re.M))
    assert codes | {0} <= {int(c) for c in table}
