"""The demo cases: the article's 张家村 case step by step, and cases in every state."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from gridgov.cases.demo import ARTICLE_CASE_ID
from gridgov.cases.models import Case, CaseEvent, CaseStatus, TaskStatus
from gridgov.cases.selectors import cases_overdue, tasks_overdue

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_demo_tells_the_articles_case_and_fills_every_state(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # given the whole demo
    call_command("load_demo")
    # then the article's case went through every step at the article's times
    case = Case.objects.get(client_id=ARTICLE_CASE_ID)
    assert (case.number, case.description, case.status, case.rating) == (
        "20221228000001",
        "张家村路边彩砖破啦！",
        CaseStatus.RATED,
        "satisfied",
    )
    assert case.grid.path.startswith("211122001211") and case.centre.name == "太平街道指挥中心"
    steps = {e.action: e for e in case.events.select_related("actor", "task__unit")}
    assert steps["report"].at == datetime(2022, 12, 28, 9, 41, tzinfo=SH)
    assert steps["verify"].actor.full_name == "孟倩"
    assert steps["dispatch"].data["units"] == ["太平街道城市管理办公室"]
    assert steps["finish"].at == datetime(2022, 12, 29, 16, 0, tzinfo=SH)
    assert sorted(case.photos.values_list("kind", flat=True)) == ["after", "before"]
    # and the other cases cover every state, with one returned and re-dispatched, one merged,
    # and at least one overdue
    statuses = set(Case.objects.values_list("status", flat=True))
    # and nothing happened in the future
    assert not CaseEvent.objects.filter(at__gt=timezone.now()).exists()
    assert set(CaseStatus.values) <= statuses
    assert Case.objects.count() >= 30
    assert Case.objects.filter(tasks__status=TaskStatus.RETURNED).count() == 1
    assert Case.objects.filter(status=CaseStatus.MERGED, merged_into__isnull=False).count() == 1
    assert cases_overdue().exists() or tasks_overdue().exists()
    # and loading it again adds nothing
    count = Case.objects.count()
    call_command("load_demo")
    assert Case.objects.count() == count
