"""Lazy rows: a page is fetched and rendered, never the whole list."""

import pytest

from gridgov.core.models import WorkCalendarDay
from gridgov.core.pagination import LazyRows


@pytest.mark.django_db
def test_only_the_page_is_rendered(django_assert_num_queries):
    rendered = []
    rows = LazyRows(WorkCalendarDay.objects.order_by("date"), lambda day: rendered.append(day) or day.date)
    with django_assert_num_queries(2):
        total = len(rows)
        page = rows[10:15]
    assert total == WorkCalendarDay.objects.count() > 15
    assert len(page) == 5 and len(rendered) == 5
    assert rows[0] == WorkCalendarDay.objects.order_by("date").first().date
