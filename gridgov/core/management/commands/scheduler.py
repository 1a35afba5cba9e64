"""Enqueue the apps' periodic sweeps (SLA warnings, later rollups) on a fixed interval.

Run one scheduler per installation beside the task workers (`manage.py db_worker`, or
`manage.py rqworker` with GRIDGOV_TASKS_BACKEND=rq); it enqueues on whichever backend is
configured. The sweeps are idempotent, so a second scheduler or a restart announces nothing
twice."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from gridgov.core.registry import periodic_tasks


class Command(BaseCommand):
    help = "Enqueue the periodic sweeps every GRIDGOV_SWEEP_SECONDS (or once with --once)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="enqueue each sweep once and exit")

    def handle(self, *args, once: bool = False, **options):
        while True:
            for task in periodic_tasks():
                result = task.enqueue()
                self.stdout.write(f"enqueued {task.name} ({result.id})")
            if once:
                return
            time.sleep(settings.GRIDGOV_SWEEP_SECONDS)
