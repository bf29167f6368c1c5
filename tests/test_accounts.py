"""Accounts: the password policy, Argon2id, one-time passwords, lockout, and ``arena user``."""

from __future__ import annotations

import pytest

from arena.services import accounts

from arena.services import passwords

from arena.services import signin
from arena.errors import Conflict, NotFound, ValidationFailed
from arena.store import audit, users


@pytest.mark.parametrize("password, problem", [
    ("short1!", "至少 10 个字符"),
    ("onlyletters", "三类字符"),
    ("letters12345", "三类字符"),
    ("zhangsan-2026", None),
    ("Zhangsan01!", None),
])
def test_password_policy(password, problem):
    found = passwords.problems(password, "someone")
    assert (problem is None and found == []) or any(problem in f for f in found)


def test_a_password_may_not_be_the_username():
    assert "密码不能与用户名相同" in passwords.problems("wang.1-2026", "WANG.1-2026")


def test_hashes_are_argon2id_and_one_time_passwords_pass_the_policy():
    secret = passwords.one_time()
    assert passwords.problems(secret, "x") == []
    stored = passwords.hash_password(secret)
    assert stored.startswith("$argon2id$") and passwords.matches(stored, secret)
    assert not passwords.matches(stored, secret + "x") and not passwords.matches("not a hash", secret)


def test_create_user_stores_only_a_hash_and_must_change(small):
    secret, user = accounts.create_user(small, username="Zhang3", role="organizer", name="考核办张三", actor="t")
    assert user["username"] == "zhang3" and user["must_change"] is True and user["totp"] is False
    dumped = "\n".join(small.conn.iterdump())
    assert secret not in dumped and "$argon2id$" in dumped
    assert audit.list_audit(small, action="user.create")[0]["target"] == "user zhang3"


@pytest.mark.parametrize("fields, field", [
    ({"username": "ab", "role": "admin"}, "username"),
    ({"username": "a b c", "role": "admin"}, "username"),
    ({"username": "abc", "role": "boss"}, "role"),
    ({"username": "abc", "role": "unit", "contest": "small"}, "unit"),
    ({"username": "abc", "role": "unit", "contest": "small", "unit": "ZZ"}, "unit"),
    ({"username": "abc", "role": "unit", "contest": "nope", "unit": "A"}, "contest"),
    ({"username": "abc", "role": "department"}, "department"),
    ({"username": "abc", "role": "organizer", "unit": "A"}, "unit"),
])
def test_bad_accounts_are_refused_and_change_nothing(small, fields, field):
    before = list(small.conn.iterdump())
    with pytest.raises(ValidationFailed) as caught:
        accounts.create_user(small, name="某人", actor="t", **fields)
    assert caught.value.details[0]["field"] == field
    assert list(small.conn.iterdump()) == before


def test_a_username_is_taken_once_whatever_its_case(small):
    accounts.create_user(small, username="li4", role="admin", name="李四", actor="t")
    with pytest.raises(Conflict):
        accounts.create_user(small, username="LI4", role="admin", name="李四", actor="t")


def test_change_password_checks_the_old_one_and_the_policy(small):
    secret, _ = accounts.create_user(small, username="wang5", role="organizer", name="王五", actor="t")
    user = users.find(small, "wang5")
    with pytest.raises(ValidationFailed, match="原密码不正确"):
        accounts.change_password(small, user, old="wrong", new="Good-pass-2026")
    with pytest.raises(ValidationFailed, match="三类字符"):
        accounts.change_password(small, user, old=secret, new="weakweakweak")
    accounts.change_password(small, user, old=secret, new="Good-pass-2026")
    assert users.find(small, "wang5")["must_change"] == 0
    assert signin.attempt(small, "wang5", "Good-pass-2026", client="t")["username"] == "wang5"


def test_lockout_after_five_failures_refuses_the_sixth_even_when_right(small, driven_clock):
    secret, _ = accounts.create_user(small, username="zhao6", role="unit", name="赵六", contest="small", unit="A",
                                     actor="t")
    for _ in range(4):
        with pytest.raises(signin.SigninFailed):
            signin.attempt(small, "zhao6", "wrong", client="1.2.3.4")
    with pytest.raises(signin.AccountLocked):
        signin.attempt(small, "zhao6", "wrong", client="1.2.3.4")  # the 5th failure locks
    with pytest.raises(signin.AccountLocked) as sixth:
        signin.attempt(small, "zhao6", secret, client="1.2.3.4")
    assert sixth.value.retry_after == 15 * 60 + 1
    assert len(audit.list_audit(small, action="signin.lockout")) == 1
    assert audit.list_audit(small, action="signin.refused")[0]["detail"]["why"] == "locked"
    driven_clock.tick(15 * 60 + 1)
    assert signin.attempt(small, "zhao6", secret, client="1.2.3.4")["username"] == "zhao6"


def test_failures_older_than_fifteen_minutes_do_not_count(small, driven_clock):
    secret, _ = accounts.create_user(small, username="qian7", role="admin", name="钱七", actor="t")
    for _ in range(4):
        with pytest.raises(signin.SigninFailed):
            signin.attempt(small, "qian7", "wrong", client="c")
    driven_clock.tick(15 * 60 + 1)
    with pytest.raises(signin.SigninFailed):  # the 5th, but the first four are out of the window
        signin.attempt(small, "qian7", "wrong", client="c")
    assert signin.attempt(small, "qian7", secret, client="c")["username"] == "qian7"


def test_unknown_usernames_lock_the_same_way(small):
    for _ in range(4):
        with pytest.raises(signin.SigninFailed):
            signin.attempt(small, "nobody", "x", client="c")
    with pytest.raises(signin.AccountLocked):
        signin.attempt(small, "nobody", "x", client="c")


def test_disable_and_reset(small):
    secret, _ = accounts.create_user(small, username="sun8", role="organizer", name="孙八", actor="t")
    fresh = accounts.reset_password(small, "sun8", actor="t")
    assert fresh != secret and signin.attempt(small, "sun8", fresh, client="c")
    assert accounts.disable(small, "sun8", actor="t") is True and accounts.disable(small, "sun8", actor="t") is False
    with pytest.raises(signin.SigninFailed, match="停用"):
        signin.attempt(small, "sun8", fresh, client="c")
    with pytest.raises(Conflict):
        accounts.reset_password(small, "sun8", actor="t")
    with pytest.raises(NotFound):
        accounts.disable(small, "ghost", actor="t")


# -- the command line ---------------------------------------------------------------------



def test_user_commands(cli):
    code, out, err = cli("user", "create", "admin1", "--role", "admin", "--name", "系统管理员")
    secret = out.strip()
    assert code == 0 and "一次性密码" in err and passwords.problems(secret, "admin1") == []
    code, out, _ = cli("user", "list")
    assert code == 0 and "admin1" in out and secret not in out and "系统管理员" in out
    code, out, err = cli("user", "reset-password", "admin1")
    assert code == 0 and out.strip() != secret
    assert cli("user", "disable", "admin1")[0] == 0
    code, _, err = cli("user", "disable", "ghost")
    assert code == 1 and "ghost" in err
    code, _, err = cli("user", "create", "x", "--role", "admin", "--name", "某")
    assert code == 1 and "用户名" in err


def test_personal_tokens_never_exceed_their_owner(cli):
    cli("user", "create", "org1", "--role", "organizer", "--name", "组织方甲")
    code, _, err = cli("token", "create", "--role", "admin", "--name", "越权", "--owner", "org1")
    assert code == 1 and "高于" in err
    code, out, _ = cli("token", "create", "--role", "organizer", "--name", "脚本", "--owner", "org1")
    assert code == 0 and out.strip()


def test_the_demo_makes_and_prints_its_accounts_and_says_totp_is_off(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("ARENA_INSTANCE", str(tmp_path))
    code, out, _ = cli("demo", "--no-serve")
    assert code == 0 and "ARENA_REQUIRE_TOTP=0" in out
    for username, role, _name, contest, unit, _department, password in __import__("arena.services.demo").services.demo.DEMO_ACCOUNTS:
        assert f"{username}" in out and password in out
    from arena.store.db import connect

    db = connect(str(tmp_path / "arena.db"))
    lanshan = users.find(db, "lanshan")
    assert (lanshan["role"], lanshan["contest"], lanshan["unit"], lanshan["must_change"]) == \
        ("unit", "linyi-2026", "371302", 0)
    assert signin.attempt(db, "lanshan", "Demo-lanshan-2026!", client="t")["username"] == "lanshan"
    assert cli("demo", "--no-serve")[0] == 0  # again: the accounts are reset, not duplicated


def test_the_cli_offers_the_roles_the_store_knows():
    from arena.cli import accounts
    from arena.store import users

    assert accounts.ROLES == users.ROLES
