"""The `arena` command: init, contest load, results import, score, publish, verify, demo.

Errors go to stderr with a non-zero exit and never a traceback; a failed load changes nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from arena.cli import main
from helpers import SMALL_RULES, month_rows




def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_init_creates_the_database(cli, tmp_path):
    code, out, _ = cli("init")
    assert code == 0 and str(tmp_path / "arena.db") in out
    assert (tmp_path / "arena.db").exists()


def test_load_import_and_score(cli, tmp_path):
    code, out, _ = cli("contest", "load", write(tmp_path, "r.yaml", SMALL_RULES))
    assert code == 0 and "contest small created with rules version 1" in out
    code, out, _ = cli("contest", "load", write(tmp_path, "r.yaml", SMALL_RULES))
    assert code == 0 and "rules unchanged (version 1)" in out
    code, out, _ = cli("contest", "load", write(tmp_path, "r2.yaml", SMALL_RULES.replace("weight: 60", "weight: 55")),
                       "--note", "lighter")
    assert code == 0 and "saved as version 2" in out

    csv_text = "unit,key,period,value\n" + "".join(f"{r['unit']},{r['key']},{r['period']},{r['value']}\n"
                                                   for r in month_rows("2026-01"))
    code, out, _ = cli("results", "import", write(tmp_path, "jan.csv", csv_text), "--contest", "small")
    assert (code, out.strip()) == (0, "inserted 6, updated 0, unchanged 0")
    code, out, _ = cli("results", "import", write(tmp_path, "jan.csv", csv_text), "--contest", "small")
    assert (code, out.strip()) == (0, "inserted 0, updated 0, unchanged 6")

    code, out, _ = cli("score", "small", "2026-01")
    assert code == 0 and "【区县组】" in out and "甲县" in out and "草稿" in out
    code, out, _ = cli("score", "small", "2026-01", "--json")
    sheet = json.loads(out)
    assert sheet["period"] == "2026-01" and sheet["kind"] == "month" and sheet["revision"] is None
    assert [u["unit"] for u in sheet["groups"][0]["units"]] == ["A", "B", "C"]
    assert "甲县" in out  # unescaped Chinese


def test_a_bad_rule_file_lists_every_problem_and_changes_nothing(cli, tmp_path):
    cli("contest", "load", write(tmp_path, "r.yaml", SMALL_RULES))
    bad = SMALL_RULES.replace("weight: 60", "weight: -1").replace('code: "C"', "code: 0440100")
    code, out, err = cli("contest", "load", write(tmp_path, "bad.yaml", bad))
    assert code == 1 and out == ""
    assert "indicators[0].weight" in err and "0440100" in err and "line" in err
    assert "Traceback" not in err
    from arena.store import contests
    from arena.store.db import connect

    db = connect(str(tmp_path / "arena.db"))
    assert [v["version"] for v in contests.list_versions(db, "small")] == [1]


def test_a_bad_results_file_lists_every_row_and_stores_nothing(cli, tmp_path):
    cli("contest", "load", write(tmp_path, "r.yaml", SMALL_RULES))
    text = ("unit,key,period,value\n"
            "A,gdp,2026-01,7\n"
            "Z,gdp,2026-01,7\n"        # line 3: unknown unit
            "A,nope,2026-01,7\n"       # line 4: unknown key
            "B,gdp,2026-13,7\n"        # line 5: no such month
            "B,inv,2026/01,7\n"        # line 6: malformed period
            "C,gdp,2026-01,NaN\n"      # line 7: not a finite number
            "A,gdp,2026-01,8\n")       # line 8: repeats line 2
    code, out, err = cli("results", "import", write(tmp_path, "bad.csv", text), "--contest", "small")
    assert code == 1 and out == ""
    for line in ("row 3", "row 4", "row 5", "row 6", "row 7", "row 8"):
        assert line in err
    from arena.store import results
    from arena.store.db import connect

    assert results.list_results(connect(str(tmp_path / "arena.db")), "small") == []


@pytest.mark.parametrize("argv, message", [
    (["score", "nope", "2026-01"], "no contest 'nope'"),
    (["score", "small", "2026-13"], "not a period"),
    (["score", "small", "２０２６-03"], "not a period"),
    (["contest", "load", "/no/such/file.yaml"], "cannot read /no/such/file.yaml"),
    (["results", "import", "/no/such.csv", "--contest", "small"], "cannot read"),
    (["publish", "small", "2026-05"], "2026-05"),  # nothing reported that month
    (["publish", "small", "2026-01", "--note", "更正\x1b"], "note contains a control character"),
    (["contest", "load", "RULES", "--note", "bad\x07"], "note contains a control character"),
    (["token", "revoke", "12345"], "no token 12345"),
    (["verify", "small", "2026-01", "--revision", "2"], "revision 2 of 2026-01"),
    (["verify", "nope"], "no contest 'nope'"),
    (["publications", "nope"], "no contest 'nope'"),
    (["scheduler", "--once", "--now", "0001-01-01T00:00:00+08:00"], "years 1970 to 9998"),
])
def test_errors_are_one_line_on_stderr(cli, tmp_path, argv, message):
    rules = write(tmp_path, "r.yaml", SMALL_RULES)
    cli("contest", "load", rules)
    cli("results", "import", write(tmp_path, "jan.json", json.dumps(month_rows("2026-01"))), "--contest", "small")
    code, out, err = cli(*[rules if a == "RULES" else a for a in argv])
    assert code != 0 and message in err and "Traceback" not in err


def test_publish_publications_and_verify(cli, tmp_path):
    cli("contest", "load", write(tmp_path, "r.yaml", SMALL_RULES))
    cli("results", "import", write(tmp_path, "jan.json", json.dumps(month_rows("2026-01"))), "--contest", "small")
    code, out, _ = cli("publish", "small", "2026-01")
    assert code == 0 and "published as revision 1" in out
    code, out, _ = cli("publish", "small", "2026-01")
    assert code == 0 and "unchanged" in out
    changed = [{"unit": "C", "key": "gdp", "period": "2026-01", "value": 99}]
    cli("results", "import", write(tmp_path, "fix.json", json.dumps(changed)), "--contest", "small")
    code, _, err = cli("publish", "small", "2026-01")
    assert code == 1 and "更正说明" in err
    code, out, _ = cli("publish", "small", "2026-01", "--note", "丙县更正")
    assert code == 0 and "revision 2" in out
    code, out, _ = cli("publications", "small")
    assert code == 0 and "丙县更正" in out and out.count("2026-01") == 2
    code, out, _ = cli("verify", "small")
    assert code == 0 and out.count(": reproducible; current") == 1 and out.count(": reproducible; superseded") == 1


def test_the_command_is_installed_and_runs_as_a_program(tmp_path):
    env_db = str(tmp_path / "x.db")
    done = subprocess.run([sys.executable, "-m", "arena.cli", "score", "nope", "2026-01"], capture_output=True,
                          text=True, env={"ARENA_DATABASE": env_db, "PATH": ""})
    assert done.returncode == 1 and done.stderr.startswith("arena: ") and "Traceback" not in done.stderr


@pytest.mark.parametrize("argv, message", [
    (["serve", "--workers", "-1"], "argument --workers: -1 is not from 1 to 64"),
    (["serve", "--threads", "many"], "argument --threads: not a whole number: 'many'"),
    (["scheduler", "--tick", "0"], "argument --tick: 0 is not from 1 to 86400"),
    (["verify", "small", "2026-01", "--revision", "99999999999999999999"], "is not from 1 to 1000000"),
    (["token", "revoke", "0"], "argument id: 0 is not from 1"),
])
def test_out_of_range_numbers_are_usage_errors(cli, capsys, argv, message):
    with pytest.raises(SystemExit) as exit_:
        cli(*argv)
    assert exit_.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.parametrize("where", ["folder", "not_sqlite"])
def test_a_database_setting_that_cannot_be_used_is_named(tmp_path, monkeypatch, capsys, where):
    path = tmp_path if where == "folder" else write(tmp_path, "notes.txt", "not a database\n" * 100)
    monkeypatch.setenv("ARENA_DATABASE", str(path))
    assert main(["init"]) == 1
    err = capsys.readouterr().err
    assert "DATABASE: cannot" in err and str(path) in err and "internal error" not in err
