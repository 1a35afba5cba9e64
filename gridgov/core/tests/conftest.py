"""The case loop's small world (张家村, its grids, centre and units), for the tests of the
background-task machinery that run real case steps."""

from gridgov.cases.tests.conftest import world  # noqa: F401
