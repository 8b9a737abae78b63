"""The admin CLI on a database it cannot use says so in one line, never with a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from kinerja_bot.cli import main
from kinerja_bot.core.cli_common import TEXTS
from kinerja_bot.core.migrate import alembic_config
from kinerja_bot.core.settings import get_settings


@pytest.fixture
def empty_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A SQLite file nobody has migrated (the settings read the environment, never .env)."""
    path = tmp_path / "baru.db"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


@pytest.mark.parametrize(
    "command",
    [["ikm"], ["analisis"], ["laporan-skm", "--periode", "2026", "--unit", "X", "-o", "x.pdf"]],
)
def test_an_unmigrated_database_is_named_with_the_command_that_fixes_it(
    empty_database: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(command)
    assert stopped.value.code == TEXTS.get("db_not_migrated", detail="")
    assert "Traceback" not in capsys.readouterr().err


def test_db_upgrade_lists_what_it_applied_then_says_it_is_current(
    empty_database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scripts = ScriptDirectory.from_config(alembic_config(f"sqlite:///{empty_database}"))
    revisions = [script.revision for script in reversed(list(scripts.walk_revisions()))]
    url = f"sqlite:///{empty_database}"

    main(["db", "upgrade"])
    first = capsys.readouterr().out.splitlines()
    main(["db", "upgrade"])
    second = capsys.readouterr().out.splitlines()

    assert first[0] == TEXTS.get("db_upgraded", url=url, jumlah=len(revisions))
    assert [line.split(":")[0].lstrip(" -") for line in first[1:]] == revisions
    assert second == [TEXTS.get("db_current", url=url)]
