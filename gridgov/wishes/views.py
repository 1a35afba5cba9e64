"""The public wish wall (微心愿墙): published wishes and what became of them, for everyone, signed
in or not, on a phone first. Nothing on it identifies a beneficiary."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode

from . import selectors
from .models import WishCategory, WishStatus

PAGE_SIZE = 20


def wall(request):
    category = request.GET.get("category", "")
    if category not in WishCategory.values:
        category = ""
    page = Paginator(selectors.public_wishes(category=category), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "wishes/wall.html",
        {
            "page": page,
            "rows": page.object_list,
            "categories": WishCategory.choices,
            "category": category,
            "query": urlencode({"category": category}) if category else "",
            "open_status": WishStatus.PUBLISHED,
        },
    )
