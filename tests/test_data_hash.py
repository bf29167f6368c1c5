"""The results' hashes. An import's (the audit chain's) and the publications' made before
2026-12-04: the fast text sort gives exactly the hash of the reference definition (tuples
sorted, one line each). A sheet's since: the nested results' JSON, keys sorted."""

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
def test_nested_results_hash_as_their_rows_the_way_before(cells):
    from arena.services.results import lines_sha256

    nested: dict = {}
    for (u, k, m), v in cells.items():
        nested.setdefault(m, {}).setdefault(u, {})[k] = v
    assert lines_sha256(nested) == reference([(u, k, m, v) for (u, k, m), v in cells.items()])


def test_a_sheets_data_hash_is_the_sha256_of_its_inputs_json_keys_sorted():
    from arena.services.results import results_sha256

    data = {"2026-02": {"B": {"gdp": 2.0}, "A": {"tax": -0.5, "gdp": 1e-05}}, "2026-01": {"A": {"gdp": 1.5}}}
    text = b'{"2026-01":{"A":{"gdp":1.5}},"2026-02":{"A":{"gdp":0.00001,"tax":-0.5},"B":{"gdp":2.0}}}'
    assert results_sha256(data) == hashlib.sha256(text).hexdigest()
    # a period or unit without rows is no data: the same rows hash the same however they are held
    assert results_sha256({**data, "2026-03": {}, "2026-01": {"A": {"gdp": 1.5}, "C": {}}}) == results_sha256(data)
    assert results_sha256({"2026-01": {"A": {"gdp": 1.5000000000000002}}}) != results_sha256({"2026-01": {"A": {"gdp": 1.5}}})


@given(st.dictionaries(st.tuples(CODE, CODE, st.sampled_from(["2026-01", "2026-02"])),
                       st.floats(allow_nan=False, allow_infinity=False, width=64), max_size=40))
def test_the_data_hash_does_not_depend_on_the_order_rows_are_held_in(cells):
    from arena.services.results import results_sha256

    forward: dict = {}
    backward: dict = {}
    for (u, k, m), v in cells.items():
        forward.setdefault(m, {}).setdefault(u, {})[k] = v
    for (u, k, m), v in reversed(list(cells.items())):
        backward.setdefault(m, {}).setdefault(u, {})[k] = v
    assert results_sha256(forward) == results_sha256(backward)


def test_a_recorded_hash_is_checked_by_the_definition_it_was_made_with():
    from arena.services.results import lines_sha256, recorded_sha256, results_sha256

    data = {"2026-01": {"A": {"gdp": 1.5}}}
    old, new = lines_sha256(data), results_sha256(data)
    assert old != new
    assert recorded_sha256(data, old) == old and recorded_sha256(data, new) == new
    assert recorded_sha256(data, None) == new and recorded_sha256(data, "0" * 64) == new
