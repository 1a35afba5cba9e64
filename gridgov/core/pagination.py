"""Paginating rendered rows without rendering every row: the API's page-number pagination
slices what a list endpoint returns, so an endpoint returns ``LazyRows`` (the query and how to
render one row) and only the page is fetched and rendered, with one count query."""

from collections.abc import Callable, Sequence

from django.db.models import QuerySet


class LazyRows(Sequence):
    def __init__(self, queryset: QuerySet, render: Callable):
        self.queryset, self.render = queryset, render

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.render(row) for row in self.queryset[index]]
        return self.render(self.queryset[index])
