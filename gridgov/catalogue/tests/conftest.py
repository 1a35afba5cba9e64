import pytest

from gridgov.orgs.tests.factories import attach_units, make_territory


@pytest.fixture
def territory(db):
    return make_territory()


@pytest.fixture
def attached(territory):
    return attach_units(territory)
