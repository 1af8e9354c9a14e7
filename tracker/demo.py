"""Demo data (filled in by the demo work)."""
from __future__ import annotations


def load_demo() -> dict:
    return {"accounts": []}


def print_accounts(summary: dict, echo) -> None:  # noqa: ANN001
    for username, role, password in summary["accounts"]:
        echo(f"{role:<11} {username:<16} {password}")
