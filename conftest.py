"""Fixtures shared by every app's tests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    # Password hashing is deliberately slow; tests do not need it to be.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every process sees grid changes at once.
    settings.GRIDGOV_GEO_RECHECK_SECONDS = 0
    # Background tasks run where they are enqueued.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Nothing cached by one test (placements, rendered cases) may leak into the next.
    cache.clear()
