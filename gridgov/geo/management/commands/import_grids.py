"""``manage.py import_grids FILE``: create or update grids from a GeoJSON FeatureCollection."""

import sys

from django.core.management.base import BaseCommand, CommandError

from gridgov.core.errors import DomainError
from gridgov.geo.forms import parse_geojson_bytes
from gridgov.geo.services import grids_import_geojson


class Command(BaseCommand):
    help = (
        "Create or update grid polygons from a GeoJSON FeatureCollection (WGS-84). Each feature's "
        "properties give 'code' (a 15- or 18-digit grid code) or 'parent' and 'name'. All or nothing: "
        "on any error nothing is written and the command exits non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the GeoJSON file, or - for standard input")

    def handle(self, *args, file: str, **options):
        try:
            if file == "-":
                raw = sys.stdin.buffer.read()
            else:
                with open(file, "rb") as handle:
                    raw = handle.read()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        try:
            data = parse_geojson_bytes(raw)
            result = grids_import_geojson(actor=None, feature_collection=data)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        except DomainError as exc:
            lines = [str(exc.message)]
            for key, messages in exc.fields.items():
                lines.extend(
                    f"  {key}: {message}" for message in messages if str(message) != str(exc.message)
                )
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(f"created {result.created}, updated {result.updated}")
