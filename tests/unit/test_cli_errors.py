"""What a `zhuchka` command says when PostgreSQL cannot be reached: a few words, not a page."""

from __future__ import annotations

import psycopg
import pytest

from zhuchka.cli import postgres_reason


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        (
            'connection failed: connection to server at "127.0.0.1", port 5999 failed: '
            "Connection refused\n\tIs the server running on that host and accepting TCP/IP "
            "connections?",
            "connection refused",
        ),
        (
            'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
            'FATAL:  database "zhuchka" does not exist',
            'database "zhuchka" does not exist',
        ),
        (
            'connection failed: connection to server at "10.0.0.9", port 5432 failed: '
            'FATAL:  password authentication failed for user "postgres"',
            'password authentication failed for user "postgres"',
        ),
        ("", "OperationalError"),
    ],
)
def test_the_reason_is_what_the_server_said(said: str, reason: str) -> None:
    assert postgres_reason(psycopg.OperationalError(said)) == reason
