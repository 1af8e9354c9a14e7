"""The API description is the API: schemathesis drives every operation of `/api/v1/openapi.json`,
as each role and as nobody, and checks that no answer is a server error and that every answer
matches what the description says about it (status, content type, body schema).

One app with the demo city serves the whole module, so generated ids often meet real rows; the
examples per operation are bounded to keep the suite fast (`SCHEMATHESIS_EXAMPLES` raises them
for a deeper run by hand).
"""
from __future__ import annotations

import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import text

from tracker.auth import service as accounts
from tracker.demo import load_demo
from tracker.extensions import db
from tracker.models import Department, Role, User

from .conftest import make_app

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
ROLES = ["anonymous", "admin", "producer", "supervisor", "department"]
DEMO_USERS = {"admin": "admin", "producer": "producer", "supervisor": "supervisor", "department": "zjj"}


@pytest.fixture(scope="module")
def described_app(tmp_path_factory, sqlite_template):
    folder = tmp_path_factory.mktemp("api-description")
    app = make_app(sqlite_template.fresh_copy(folder / "tracker.db"), folder,
                   RATELIMIT_ENABLED=False)
    with app.app_context():
        load_demo()
        accounts.issue_token(db.session.query(User).filter_by(username="fx").one())  # one to revoke
        db.session.remove()
        real = real_path_parameters()
    app.config["DESCRIBED_ROWS"] = real
    return app


def credentials(app) -> dict[str, str]:
    """A token per role, its account put back as the demo had it: generated requests revoke
    tokens and deactivate or change accounts, which must not blind the requests after them."""
    with app.app_context():
        tokens = {}
        for role, name in DEMO_USERS.items():
            user = db.session.query(User).filter_by(username=name).one()
            user.active, user.role = True, Role(role)
            if role == "department":
                user.department = db.session.query(Department).filter_by(code="ZJJ").one()
            tokens[role] = accounts.issue_token(user)[1]
        db.session.remove()
    return tokens


def real_path_parameters() -> dict[tuple[str, ...], list[dict]]:
    """Path parameters naming rows that exist: a commitment in each status, every episode, a
    follow-up block as well as a case item, … so that generated requests reach real answers."""
    def rows(sql: str) -> list[dict]:
        return [dict(row._mapping) for row in db.session.execute(text(sql))]
    return {
        ("attachment_id",): rows("SELECT id AS attachment_id FROM attachments ORDER BY id LIMIT 3"),
        ("case_id",): rows("SELECT min(id) AS case_id FROM cases GROUP BY status"),
        ("code",): rows("SELECT code FROM departments ORDER BY id LIMIT 3"),
        ("commitment_id",): rows("SELECT min(id) AS commitment_id FROM commitments GROUP BY status"),
        ("episode_id",): rows("SELECT id AS episode_id FROM episodes"),
        ("episode_id", "item_id"): rows("SELECT min(episode_id) AS episode_id, min(id) AS item_id "
                                        "FROM rundown_items GROUP BY episode_id, kind, state"),
        ("token_id",): rows("SELECT id AS token_id FROM api_tokens ORDER BY id LIMIT 1"),
        ("user_id",): rows("SELECT id AS user_id FROM users ORDER BY id"),
    }


@pytest.fixture(scope="module")
def api_schema(described_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", described_app)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
NEGATIVE_CHECKS = [*CHECKS, negative_data_rejection]


def findings_for(operation, mode: GenerationMode, app, rows: dict) -> list[str]:
    """Each request generated for `operation` is sent as every role, and as nobody."""
    checks = NEGATIVE_CHECKS if mode is GenerationMode.NEGATIVE else CHECKS

    names = tuple(re.findall(r"{(\w+)}", operation.path))
    known = [name for name in names if name != "action"]
    real = rows.get(tuple(known), []) if known else []
    strategies = [operation.as_strategy(generation_mode=mode),
                  *(operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=values)
                    for values in real)]

    @given(case=st.one_of(strategies))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def probe(case) -> None:
        tokens = credentials(app)
        for role in ROLES:
            headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
            try:
                case.call_and_validate(headers=headers, checks=checks)
            except (AssertionError, BaseExceptionGroup) as failures:  # one failure, or a group
                raise AssertionError(f"as {role}: {failures}") from failures

    try:
        probe()
    except Unsatisfiable:  # nothing to get wrong: e.g. no parameter or body to make invalid
        return []
    except AssertionError as failure:
        return [f"{operation.label} ({mode.value}) {failure}"[:3000]]
    return []


SHARDS = 6  # the operations in six tests, so that the suite's workers share them


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_answer_is_what_the_description_says(api_schema, described_app, shard):
    rows = described_app.config["DESCRIBED_ROWS"]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 50
    found = [finding for operation in operations[shard::SHARDS] for mode in GenerationMode
             for finding in findings_for(operation, mode, described_app, rows)]
    assert not found, f"{len(found)} operations answer otherwise than described:\n\n" + "\n\n".join(found)


def test_public_operations_say_they_need_no_credentials(described_app):
    """An operation open to anyone declares `security: []`; every other one inherits the
    bearer/session requirement — and answers 401 to a request without credentials."""
    spec = described_app.test_client().get("/api/v1/openapi.json").get_json()
    assert spec["security"] == [{"bearer": []}, {"session": []}]
    public = {(method.upper(), path) for path, operations in spec["paths"].items()
              for method, operation in operations.items() if method != "parameters" and operation.get("security") == []}
    assert {("GET", "/api/v1/public/commitments"), ("GET", "/api/v1/public/stats"), ("POST", "/api/v1/auth/login"),
            ("GET", "/api/v1/health")} <= public
    client = described_app.test_client()
    for path, operations in spec["paths"].items():
        for method in operations:
            if method == "parameters" or (method.upper(), path) in public:
                continue
            concrete = re.sub(r"{(\w+)}", lambda m: "ZJJ" if m[1] == "code" else "take" if m[1] == "action" else "1",
                              path)
            answer = client.open(concrete, method=method.upper(), json={})
            assert answer.status_code == 401, f"{method.upper()} {path} answers {answer.status_code} without credentials"
