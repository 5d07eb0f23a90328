"""What an operator can set or run is written down in the README."""

from pathlib import Path

from trefpunt.cli import main
from trefpunt.config import DEFAULTS

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_configuration_key_is_documented():
    missing = [key for key in DEFAULTS if f"`{key}`" not in README]
    assert missing == []


def _commands(group, prefix="trefpunt"):
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if hasattr(command, "commands"):
            yield from _commands(command, path)
        else:
            yield path


def test_every_cli_command_is_documented():
    commands = list(_commands(main))
    assert "trefpunt index rebuild" in commands
    assert [c for c in commands if f"`{c}" not in README] == []


def test_readme_shows_the_two_setup_commands():
    assert "make run" in README and "make test" in README
