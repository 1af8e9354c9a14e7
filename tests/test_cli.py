"""The `tracker` command as PRODUCT.md fixes it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tracker.auth.service import user_for_token
from tracker.extensions import db
from tracker.models import Department, Role, User


@pytest.mark.both_databases
def test_init_db_is_safe_to_run_twice(runner):
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "up to date" in result.output


def test_create_department(runner, make):
    result = runner.invoke(args=["create-department", "ZJJ", "市住建局"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Department.name).where(Department.code == "ZJJ")) == "市住建局"


@pytest.mark.both_databases
def test_create_department_twice_fails_clearly(runner, make):
    runner.invoke(args=["create-department", "ZJJ", "市住建局"])
    result = runner.invoke(args=["create-department", "ZJJ", "市住建局"])
    assert result.exit_code != 0
    assert "ZJJ" in result.output


def test_create_user_takes_the_password_from_the_environment(runner, make, api):
    make.department("ZJJ", "市住建局")
    result = runner.invoke(args=["create-user", "wang", "--role", "department", "--department", "ZJJ",
                                 "--email", "wang@example.org"], env={"TRACKER_PASSWORD": "s3cret-pass"})
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "wang"))
    assert user.role is Role.DEPARTMENT and user.department.code == "ZJJ" and user.email == "wang@example.org"
    login = api.anonymous.post("/api/v1/auth/login", json={"username": "wang", "password": "s3cret-pass"})
    assert login.status_code == 200


def test_create_user_refuses_a_department_account_without_department(runner, make):
    result = runner.invoke(args=["create-user", "wang", "--role", "department"], env={"TRACKER_PASSWORD": "s3cret-pass"})
    assert result.exit_code != 0
    assert "department" in result.output.lower()
    assert db.session.scalar(select(User).where(User.username == "wang")) is None


def test_create_user_without_password_and_terminal_fails(runner, make):
    result = runner.invoke(args=["create-user", "li", "--role", "producer"], env={"TRACKER_PASSWORD": ""})
    assert result.exit_code != 0
    assert "TRACKER_PASSWORD" in result.output


def test_create_token_prints_one_token_alone_on_one_line(runner, make):
    make.user("producer", username="producer")
    result = runner.invoke(args=["create-token", "producer"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert user_for_token(lines[0]).username == "producer"


def test_create_token_for_unknown_user_fails(runner, make):
    result = runner.invoke(args=["create-token", "ghost"])
    assert result.exit_code != 0
    assert "ghost" in result.output


def test_serve_refuses_several_workers_without_a_message_queue(runner):
    result = runner.invoke(args=["serve", "--workers", "2"], env={"TRACKER_MESSAGE_QUEUE": ""})
    assert result.exit_code != 0
    assert "TRACKER_MESSAGE_QUEUE" in result.output
