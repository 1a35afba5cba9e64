"""Demo data: one Open311 client with a published key, so that the README's examples run
against `make run` as they are."""

from gridgov.accounts.auth import client_key_create, token_digest
from gridgov.accounts.models import ApiToken, TokenPurpose

DEMO_CLIENT = "演示数字城管"
#: Published in the README: a demo installation only.
DEMO_KEY = "gg_demo-open311-key"


def demo_loaded() -> bool:
    return ApiToken.objects.filter(digest=token_digest(DEMO_KEY)).exists()


def load_demo(out) -> None:
    if demo_loaded():
        out.write("Open311: the demo client key exists.")
        return
    client_key_create(name=DEMO_CLIENT, purpose=TokenPurpose.OPEN311, raw=DEMO_KEY)
    out.write(f"Open311: demo client “{DEMO_CLIENT}” with api_key {DEMO_KEY}.")
