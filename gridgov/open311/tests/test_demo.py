"""The demo installation speaks Open311 as the README shows: the demo key files requests and
the article's 张家村 case reads as a closed request with both photos."""

import pytest
from django.core.management import call_command

from gridgov.open311.demo import DEMO_KEY

from .conftest import Open311


@pytest.mark.django_db
def test_the_readme_examples_work_on_the_demo(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo")
    call_command("load_demo")  # a second run keeps the one key
    o311 = Open311(client, DEMO_KEY)
    article = o311.get("requests/20221228000001", extensions="true").body[0]
    assert article["status"] == "closed" and article["service_code"] == "C0201"
    assert [p["kind"] for p in article["extended_attributes"]["photos"]] == ["before", "after"]
    assert client.get(article["media_url"].removeprefix("http://testserver")).status_code == 200
    created = o311.post(
        "requests",
        service_code="C0201",
        lat="41.1186",
        long="122.1877",
        description="村口彩砖破损",
        **{"attribute[blocks_traffic]": "false"},
    )
    assert created.status == 201 and created.body[0]["service_request_id"], created.errors
    assert o311.get("requests").body  # the demo's recent cases
