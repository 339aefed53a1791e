"""The data layer: services and schema, run on each database engine.

What these tests check (constraints, locking, ordering, time stamps, migrations) is
exactly what SQLite and PostgreSQL may do differently, so every test in this folder is
`both_databases` (see tests/conftest.py): no test here needs to say it.
"""

from __future__ import annotations

import pytest


def pytest_collectstart(collector: pytest.Collector) -> None:
    """Mark each test module of this folder `both_databases`."""
    if isinstance(collector, pytest.Module):
        collector.add_marker(pytest.mark.both_databases)
