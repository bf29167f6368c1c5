"""The results' hash: the fast text sort gives exactly the hash of the reference definition
(tuples sorted, one line each), which every stored publication's data_sha256 was made with."""

import hashlib

from hypothesis import given, strategies as st

from arena.services.results import data_sha256

CODE = st.text(alphabet="AZaz09_-", min_size=1, max_size=4)
VALUE = st.floats(allow_nan=False, allow_infinity=False, width=64) | st.integers(-10**6, 10**6)


def reference(rows) -> str:
    canonical = sorted((u, k, p, float(v)) for u, k, p, v in rows)
    digest = hashlib.sha256()
    for u, k, p, v in canonical:
        digest.update(f"{u}\t{k}\t{p}\t{v!r}\n".encode())
    return digest.hexdigest()


@given(st.dictionaries(st.tuples(CODE, CODE, st.sampled_from(["2026-01", "2026-10", "2026-Q1"])), VALUE, max_size=60))
def test_the_fast_hash_is_the_reference_hash(cells):
    rows = [(u, k, p, v) for (u, k, p), v in cells.items()]
    assert data_sha256(rows) == reference(rows) == data_sha256(rows[::-1])


def test_prefixes_sort_as_tuples_do():
    rows = [("u1", "a", "2026-01", 1.0), ("u10", "a", "2026-01", 2.0), ("u1-", "a", "2026-01", 3.0),
            ("u1", "a_b", "2026-01", 4.0), ("u1", "a", "2026-02", 5)]
    assert data_sha256(rows) == reference(rows)


@given(st.dictionaries(st.tuples(CODE, CODE, st.sampled_from(["2026-01", "2026-02"])), VALUE, max_size=40))
def test_nested_results_hash_as_their_rows(cells):
    from arena.services.results import results_sha256

    nested: dict = {}
    for (u, k, m), v in cells.items():
        nested.setdefault(m, {}).setdefault(u, {})[k] = v
    assert results_sha256(nested) == reference([(u, k, m, v) for (u, k, m), v in cells.items()])
