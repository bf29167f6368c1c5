"""schemathesis, in process, over every operation of GET /api/openapi.json: no 5xx, and every
answer (status, content type, headers, body) as the spec describes it. Repeatable: hypothesis
runs derandomized (a fixed seed) with a small example count.

Generated path values rarely name a real contest, period or unit, so each case is pointed at the
test contest and, by a stable hash of what was generated, at a published period, an unpublished
one or the generated text itself; callers take turns as organizer, admin, unit and anonymous.
A second run sends data that breaks the spec (schemathesis' negative mode): never a 5xx.
"""

from __future__ import annotations

import itertools
import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_headers_conformance,
                                               response_schema_conformance, status_code_conformance)

from api_world import build_world

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
PERIODS = ("2026-02", "2026-Q1", "2026-04", "2026-03")  # published, published, unpublished, published
UNITS = ("A", "B", "C")
ROLES = ("organizer", "admin", "unit_a", "organizer", "anonymous")
EXAMPLES = 25


@pytest.fixture(scope="module")
def api_world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schemathesis")
    mp = pytest.MonkeyPatch()
    world = build_world(folder, mp)
    world.app.config["AUTH_FAILURES_PER_MINUTE"] = 10_000  # a revoked token must not block the run
    yield world
    mp.undo()


def stable(value: object) -> int:
    return zlib.crc32(repr(value).encode("utf-8", "surrogatepass"))


def pick(options: tuple, generated: object) -> object:
    """A stable choice among ``options`` plus the generated value itself."""
    choices = (*options, generated)
    return choices[stable(generated) % len(choices)]


def aim(case, n: int) -> str:
    """Point the case at the test contest; returns the role of the n-th call. A bearer token that
    schemathesis made up for the security scheme is dropped: ours are sent instead."""
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    params = case.path_parameters
    if params is not None:
        if "cid" in params:
            params["cid"] = "small"
        if "period" in params:
            params["period"] = pick(PERIODS, params["period"])
        if "unit" in params:
            params["unit"] = pick(UNITS, params["unit"])
    return ROLES[n % len(ROLES)]


def operations(world):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", world.app)
    return [result.ok() for result in schema.get_all_operations()]


def test_the_spec_lists_every_operation(api_world):
    labels = {op.label for op in operations(api_world)}
    assert len(labels) == 55 and "GET /api/contests/{cid}/template/{period}.xlsx" in labels
    assert {f"GET /api/programmes/{{pid}}/{kind}/{{period}}.{fmt}"
            for kind, fmt in (("boards", "png"), ("boards", "svg"), ("notices", "docx"), ("notices", "pdf"))} <= labels
    assert {"POST /api/contests/{cid}/objections", "GET /api/contests/{cid}/notices/{period}.docx",
            "POST /api/contests/{cid}/submissions"} <= labels


# schemathesis' own pytest plugin does not run under pytest 9 (it reads Function._nodeid), so each
# operation is driven through hypothesis directly, with the same strategies and checks.
def negatable(operation) -> bool:
    """Has a body, a query parameter or a typed path parameter: something data can break."""
    return bool(operation.body) or any(
        p.location == "query" or (p.location == "path" and p.definition.get("schema", {}).get("type") != "string")
        for p in operation.iter_parameters())


def drive(world, mode: GenerationMode, checks: list, examples: int) -> list[str]:
    failures = []
    for operation in operations(world):
        if mode == GenerationMode.NEGATIVE and not negatable(operation):
            continue
        calls = itertools.count()

        @settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            case.call_and_validate(headers=world.headers(aim(case, next(calls))), checks=checks)

        try:
            run()
        except Unsatisfiable:  # negative mode: an operation with nothing that can break the spec
            continue
        except (Exception, BaseExceptionGroup) as exc:  # every operation's failures, reported together
            failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:2000]}")
    return failures


def test_every_operation_answers_as_the_spec_says(api_world):
    failures = drive(api_world, GenerationMode.POSITIVE, CHECKS, EXAMPLES)
    assert failures == [], "\n\n".join(failures)


def test_data_that_breaks_the_spec_never_gets_a_5xx(api_world):
    failures = drive(api_world, GenerationMode.NEGATIVE, [not_a_server_error, content_type_conformance], 10)
    assert failures == [], "\n\n".join(failures)
