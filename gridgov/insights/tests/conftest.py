"""Insights tests run in the case loop's small world (张家村, its grids, centres and units)."""

from gridgov.cases.tests.conftest import world  # noqa: F401

from .factories import street_month  # noqa: F401
