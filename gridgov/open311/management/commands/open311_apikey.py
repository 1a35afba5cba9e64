from django.core.management.base import BaseCommand, CommandError

from gridgov.accounts.auth import client_key_create
from gridgov.accounts.models import TokenPurpose
from gridgov.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Create an Open311 client and its api_key; the key is printed once and stored only hashed."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The client's name, e.g. 大连市数字城管")

    def handle(self, *args, name, **options):
        try:
            token, raw = client_key_create(name=name, purpose=TokenPurpose.OPEN311)
        except ValidationFailed as error:
            raise CommandError("; ".join(str(m) for ms in error.fields.values() for m in ms)) from None
        self.stderr.write(
            f"Open311 client “{token.name}” created (key {token.prefix}…); keep the key secret:"
        )
        self.stdout.write(raw)
