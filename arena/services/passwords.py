"""Passwords: the policy, Argon2id hashes (argon2-cffi) and one-time passwords.

The policy (等保 2.0): at least 10 characters of 3 kinds (letters, digits, others), not the
username. ``HASHER`` is argon2-cffi's default profile (Argon2id, RFC 9106 low-memory); tests
swap in a cheaper Argon2id profile, and a hash made with other parameters still verifies
because they are stored in the hash.
"""

from __future__ import annotations

import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from arena.errors import ValidationFailed

HASHER = PasswordHasher()
MIN_LENGTH = 10
MAX_LENGTH = 128  # Argon2 takes any length; a bound keeps a megabyte "password" from costing us
_SYMBOLS = "!@#%^*-_=+?"


def problems(password: str, username: str) -> list[str]:
    """What is wrong with ``password`` under the policy, in Chinese; empty when it passes."""
    found = []
    if len(password) < MIN_LENGTH:
        found.append(f"密码至少 {MIN_LENGTH} 个字符（现在 {len(password)} 个）")
    if len(password) > MAX_LENGTH:
        found.append(f"密码最多 {MAX_LENGTH} 个字符")
    kinds = sum([any(c.isalpha() for c in password), any(c.isdigit() for c in password),
                 any(not c.isalnum() for c in password)])
    if kinds < 3:
        found.append("密码须同时含有字母、数字和其他符号三类字符")
    if username and password.strip().lower() == username.strip().lower():
        found.append("密码不能与用户名相同")
    if any(not c.isprintable() for c in password):
        found.append("密码含有控制字符")
    return found


def check(password: str, username: str, field: str = "password") -> None:
    found = problems(password, username)
    if found:
        raise ValidationFailed("密码不符合要求：" + "；".join(found), [{"field": field, "message": m} for m in found])


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def matches(stored_hash: str, password: str) -> bool:
    if len(password) > MAX_LENGTH:
        return False
    try:
        return HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def one_time() -> str:
    """A random password that passes the policy: 14 characters, every kind present."""
    alphabet = string.ascii_letters + string.digits + _SYMBOLS
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(14))
        if not problems(candidate, ""):
            return candidate
