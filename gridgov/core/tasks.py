"""Enqueueing background work (Django Tasks API) so that it matches the transaction."""

from django.db import transaction
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Enqueue ``task`` for the change being written.

    When tasks are stored in the database (the default backend) the job row is written in the
    same transaction, as an outbox: it exists exactly when the change commits, and it costs no
    second write transaction. Other backends (Redis queues, the immediate one) get it after the
    commit, so a worker never sees a change that is not there yet.
    """
    if isinstance(task_backends[task.backend], DatabaseBackend):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs), robust=True)
