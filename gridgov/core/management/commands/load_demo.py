from django.core.management.base import BaseCommand
from django.db import transaction

from gridgov.core.registry import demo_loaders


class Command(BaseCommand):
    help = "Load (or refresh) the demo data of every module. Safe to run again."

    def handle(self, *args, **options):
        with transaction.atomic():
            for config in demo_loaders():
                config.load_demo(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
