"""A state body under mne2017 with its first quarter open, an account for everyone, and
the console over it at a simulated day; a client per person, signed in as themselves."""

from __future__ import annotations

from datetime import date, datetime, timezone
from functools import cache
from typing import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from models import Account
from models.db import transaction
from states.cycles import open_cycle
from tests.factories import Org, organisation
from web.app import create_app
from web.identity.passwords import hash_password
from web.settings import Settings

DAY = date(2026, 4, 2)  # Q1 of 2026 opened on 1 April; its sheets are due by 10 April (п.3.1)


def password(name: str) -> str:
    return f"{name}-secret-pw"


@cache
def _hash(name: str) -> str:  # argon2 is slow on purpose: hash each test password once
    return hash_password(password(name))


def accounts(org: Org) -> None:
    with transaction(org.engine) as session:
        for name, servant_id in org.ids.items():
            session.add(Account(servant_id=servant_id, login=name, password_hash=_hash(name), lang="en",
                                created_at=datetime.now(timezone.utc)))


@pytest.fixture
def org(db: Engine) -> Org:
    made = organisation(db, "mne2017")
    open_cycle(db, made.code, "quarterly", "2026-Q1", on=date(2026, 4, 1))
    accounts(made)
    return made


@pytest.fixture
def app(org: Org):  # type: ignore[no-untyped-def]
    return create_app(org.engine, Settings(today=DAY))


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as made:
        yield made


def signed_in(app, name: str) -> TestClient:  # type: ignore[no-untyped-def]
    """A client of its own (its own cookies), signed in over the API as `name`."""
    made = TestClient(app)
    answer = made.post("/api/v1/login", json={"login": name, "password": password(name)})
    assert answer.status_code == 200, answer.text
    made.headers["X-CSRF-Token"] = answer.json()["csrf"]
    return made
