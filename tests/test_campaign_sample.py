"""A sample of the hardening campaign (`tests/campaign.py`), kept under CI: every
`EVERY`-th of its bad inputs, run as a real `bagalau` process by the campaign's own code,
must end clean (or neutralised) — no traceback, no hang, no database changed, nothing
accepted that should not be. The whole campaign takes minutes; this sample about one.

The inputs that reach PostgreSQL need it, as the `db` fixture does (tests/conftest.py):
required under CI, skipped elsewhere when it does not answer.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa

from tests import campaign
from tests.conftest import POSTGRES_URL, UNDER_CI

EVERY = 15  # of some 370 inputs: 25, from every part of the campaign
FINE = {"clean", "neutralised"}


@cache
def sample() -> list[campaign.Case]:
    return campaign.cases()[::EVERY]  # built when a test asks (it writes spreadsheets), not at collection


def postgres_or_none() -> str | None:
    try:
        with sa.create_engine(POSTGRES_URL).connect() as connection:
            connection.execute(sa.text("select 1"))
    except sa.exc.OperationalError as error:
        if UNDER_CI:
            pytest.fail(f"CI needs PostgreSQL at {POSTGRES_URL}: {error}", pytrace=False)
        return None
    return POSTGRES_URL


@pytest.fixture(scope="module")
def seeded() -> Iterator[tuple[Path, str | None]]:
    with campaign.seeded(postgres_or_none()) as places:
        yield places


def test_the_sample_spans_the_campaign() -> None:
    assert len(sample()) >= 20 and len({case.args[0] for case in sample()}) >= 6
    assert any(case.postgres for case in sample())


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_sample_of_the_campaign_ends_clean(seeded: tuple[Path, str | None], database: str) -> None:
    template, postgres = seeded
    if database == "postgres" and postgres is None:
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL} (set BAGALAU_TEST_POSTGRES_URL)")
    cases = [case for case in sample() if case.postgres == (database == "postgres")]
    outcomes = campaign.play_all(cases, template, postgres, workers=2)
    assert len(outcomes) == len(cases)
    assert all(outcome.split(" ")[0] in FINE for outcome in outcomes.values()), {
        name: outcome for name, outcome in outcomes.items() if outcome.split(" ")[0] not in FINE
    }
