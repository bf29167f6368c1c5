"""Settings: one list, a fixed precedence, and a loud refusal of anything unknown or ill-typed."""

from pathlib import Path

import pytest

from arena import config
from arena.errors import ConfigError


def test_defaults_put_the_database_in_instance(monkeypatch, tmp_path):
    monkeypatch.setenv("ARENA_INSTANCE", str(tmp_path))
    settings = config.load(environ={})
    assert settings["DATABASE"] == str(tmp_path / "arena.db")
    assert settings["BUSY_TIMEOUT_MS"] == 10_000


def test_precedence_instance_file_then_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ARENA_INSTANCE", str(tmp_path))
    (tmp_path / "config.py").write_text("DATABASE = '/from/file.db'\nBUSY_TIMEOUT_MS = 5\n")
    settings = config.load(environ={"ARENA_BUSY_TIMEOUT_MS": "7"})
    assert settings["DATABASE"] == "/from/file.db"  # file beats default
    assert settings["BUSY_TIMEOUT_MS"] == 7  # environment beats file


def test_a_test_mapping_replaces_file_and_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ARENA_INSTANCE", str(tmp_path))
    (tmp_path / "config.py").write_text("DATABASE = '/from/file.db'\n")
    monkeypatch.setenv("ARENA_DATABASE", "/from/env.db")
    assert config.load({"DATABASE": "/from/test.db"})["DATABASE"] == "/from/test.db"


@pytest.mark.parametrize("environ, field", [
    ({"ARENA_NO_SUCH_THING": "1"}, "ARENA_NO_SUCH_THING"),
    ({"ARENA_BUSY_TIMEOUT_MS": "soon"}, "ARENA_BUSY_TIMEOUT_MS"),
])
def test_bad_environment_settings_are_named(monkeypatch, tmp_path, environ, field):
    monkeypatch.setenv("ARENA_INSTANCE", str(tmp_path))
    with pytest.raises(ConfigError) as caught:
        config.load(environ=environ)
    assert [d["field"] for d in caught.value.details] == [field]


def test_bad_instance_file_settings_are_named(monkeypatch, tmp_path):
    monkeypatch.setenv("ARENA_INSTANCE", str(tmp_path))
    (tmp_path / "config.py").write_text("DATABSE = 'typo.db'\nBUSY_TIMEOUT_MS = 'long'\n")
    with pytest.raises(ConfigError) as caught:
        config.load(environ={})
    assert sorted(d["field"] for d in caught.value.details) == ["BUSY_TIMEOUT_MS", "DATABSE"]


def test_every_setting_is_documented_in_the_readme():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for setting in config.SETTINGS:
        assert f"ARENA_{setting.name}" in readme, f"README does not document ARENA_{setting.name}"


def test_workers_starting_at_once_share_one_nonempty_secret_key(tmp_path):
    """Six processes make the instance's key together: one key, never an empty one."""
    import subprocess
    import sys

    code = "import sys; from pathlib import Path; from arena.http.app import _secret_key; print(_secret_key(Path(sys.argv[1])))"
    for round_ in range(5):
        folder = tmp_path / f"instance{round_}"
        runs = [subprocess.Popen([sys.executable, "-c", code, str(folder)], stdout=subprocess.PIPE, text=True)
                for _ in range(6)]
        keys = {run.communicate(timeout=60)[0].strip() for run in runs}
        assert len(keys) == 1 and len(keys.pop()) == 64
        assert [p.name for p in folder.iterdir()] == ["secret_key"]  # no temporary file left


def test_an_empty_secret_key_file_is_replaced(tmp_path):
    from arena.http.app import _secret_key

    (tmp_path / "secret_key").write_text("")
    key = _secret_key(tmp_path)
    assert len(key) == 64 and (tmp_path / "secret_key").read_text() == key
