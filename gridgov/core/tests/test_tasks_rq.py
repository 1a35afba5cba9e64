"""Background tasks on Redis + RQ (GRIDGOV_TASKS_BACKEND=rq): a step's job reaches the queue
only when its transaction commits, an RQ worker runs it against the database, and the result is
read back through the Tasks API; the scheduler's sweep goes the same way.

They need a real Redis: GRIDGOV_TEST_REDIS_URL names a database of its own (for example
redis://127.0.0.1:6379/15), emptied before and after each test. Without it they are skipped,
unless GRIDGOV_REDIS_REQUIRED=1 (set by CI), in which case they fail. The worker runs in this
process (rq's SimpleWorker, no fork), so it sees the test database."""

import io
import os
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus

from gridgov.accounts.models import Notification, NotificationKind
from gridgov.cases.models import Case, CaseEvent
from gridgov.cases.tasks import case_event_notify, sla_sweep
from gridgov.cases.tests.conftest import resident_report

# The jobs are enqueued when a transaction really commits.
pytestmark = pytest.mark.django_db(transaction=True)


def _redis_unavailable(reason: str):
    if os.environ.get("GRIDGOV_REDIS_REQUIRED") == "1":
        pytest.fail(f"{reason}, but GRIDGOV_REDIS_REQUIRED=1: Redis task tests must run.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def rq(settings):
    """The RQ backend as configured for GRIDGOV_TASKS_BACKEND=rq, on the test Redis database:
    ``rq.queue`` is its queue, ``rq.work()`` runs a worker until the queue is empty."""
    url = os.environ.get("GRIDGOV_TEST_REDIS_URL", "")
    if not url:
        _redis_unavailable("GRIDGOV_TEST_REDIS_URL is not set")
    try:
        import django_rq
        from redis.exceptions import RedisError
        from rq import SimpleWorker
    except ImportError:
        _redis_unavailable("django-tasks-rq is not installed (pip install -e '.[rq]')")
    # The root conftest runs tasks immediately; here they go to Redis, as in production.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {**settings.RQ_QUEUES["default"], "URL": url}}
    redis = django_rq.get_connection("default")
    try:
        redis.flushdb()
    except RedisError as error:
        _redis_unavailable(f"no Redis answers at {url} ({error})")

    def work() -> None:
        # The job class comes from the settings (RQ["JOB_CLASS"]), as for `manage.py rqworker`.
        worker = django_rq.get_worker("default", worker_class=SimpleWorker)
        worker.work(burst=True, logging_level="WARNING")

    yield SimpleNamespace(queue=django_rq.get_queue("default"), work=work)
    redis.flushdb()
    redis.close()


def test_a_step_reaches_the_queue_only_when_its_transaction_commits(rq, world):
    # given a resident's report written in a transaction
    with transaction.atomic():
        case = resident_report(world)
        # then, before the commit, nothing is queued in Redis
        assert rq.queue.count == 0
    # when the transaction commits
    # then one job waits: the notification of the report's event
    event = CaseEvent.objects.get(case=case, action="report")
    [job] = rq.queue.get_jobs()
    assert job.func_name == case_event_notify.module_path
    assert job.args == (event.pk,)
    assert case_event_notify.get_result(job.id).status == TaskResultStatus.READY


def test_a_rolled_back_step_queues_nothing(rq, world):
    # given a report whose transaction fails after it was written
    with pytest.raises(RuntimeError), transaction.atomic():
        resident_report(world)
        raise RuntimeError("boom")
    # then neither the case nor its job exists
    assert not Case.objects.exists()
    assert rq.queue.count == 0


def test_a_worker_delivers_the_notification_and_records_the_result(rq, world):
    # given a committed report whose notification waits in Redis
    case = resident_report(world)
    event = CaseEvent.objects.get(case=case, action="report")
    [job_id] = rq.queue.job_ids
    assert not Notification.objects.filter(source=f"event:{event.pk}").exists()
    # when a worker runs
    rq.work()
    # then the grid worker has the report in their inbox, nobody outside the grid does
    assert Notification.objects.filter(
        user=world.users.grid_worker, kind=NotificationKind.NEW_REPORT, title__contains=case.number
    ).exists()
    assert not Notification.objects.filter(user=world.users.sibling_grid_worker).exists()
    # and the task's result says it succeeded, with the number of messages stored
    result = case_event_notify.get_result(job_id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == Notification.objects.filter(source=f"event:{event.pk}").count() > 0
    assert rq.queue.count == 0


def test_the_scheduler_enqueues_the_sla_sweep_and_a_worker_runs_it(rq, world):
    # given a report already announced, whose deadlines have passed
    case = resident_report(world)
    rq.work()
    Case.objects.filter(pk=case.pk).update(
        warn_at=timezone.now() - timedelta(hours=2), due_at=timezone.now() - timedelta(hours=1)
    )
    before = Notification.objects.count()
    # when the scheduler enqueues its sweeps once
    out = io.StringIO()
    call_command("scheduler", "--once", stdout=out)
    # then the SLA sweep waits in Redis under the id the scheduler printed
    [job] = [job for job in rq.queue.get_jobs() if job.func_name == sla_sweep.module_path]
    assert f"enqueued {sla_sweep.name} ({job.id})" in out.getvalue()
    # when a worker runs
    rq.work()
    # then the sweep succeeded, returned its counts, and stored announcements of the deadlines
    result = sla_sweep.get_result(job.id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    counts = result.return_value
    assert isinstance(counts, dict) and counts
    assert all(isinstance(key, str) and isinstance(value, int) for key, value in counts.items())
    assert Notification.objects.count() > before
    assert rq.queue.count == 0
