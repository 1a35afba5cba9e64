from django.core.management.base import BaseCommand
from django.db import transaction

from gridgov.core.registry import demo_loaders


class Command(BaseCommand):
    help = "Load (or refresh) the demo data of every module. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Do nothing when the demo data has been loaded before."
        )

    def handle(self, *args, once=False, **options):
        loaders = demo_loaders()
        if once and all(config.demo_loaded() for config in loaders if hasattr(config, "demo_loaded")):
            self.stdout.write("Demo data already loaded (run `manage.py load_demo` to refresh it).")
            return
        with transaction.atomic():
            for config in loaders:
                config.load_demo(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
