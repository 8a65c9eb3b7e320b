from __future__ import annotations

import pytest

from tests.scale.databases import database_kind


@pytest.fixture(params=["sqlite", "postgres"])
def kind_and_schema(request: pytest.FixtureRequest) -> tuple[str, str | None]:
    return database_kind(request)
