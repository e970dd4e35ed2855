"""The migrations create exactly the tables the models declare, on both databases."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import models  # noqa: F401


def test_migrated_schema_matches_the_models(db: Engine) -> None:
    inspector = sa.inspect(db)
    assert set(inspector.get_table_names()) - {"alembic_version"} == set(SQLModel.metadata.tables)
    for name, table in SQLModel.metadata.tables.items():
        assert {c["name"] for c in inspector.get_columns(name)} == set(table.columns.keys()), name
        # every index a model declares is made (the console's pages stand on them, 0017)
        assert {i.name for i in table.indexes} <= {i["name"] for i in inspector.get_indexes(name)}, name
    indexes = {i["name"] for i in inspector.get_indexes("deadline")}
    assert "ix_deadline_status_due" in indexes  # the sweep's one index of due dates
