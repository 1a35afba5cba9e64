from gridgov.orgs.tests.conftest import attached, territory  # noqa: F401  (shared fixtures)
