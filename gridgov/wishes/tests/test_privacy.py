"""Privacy sweep: the public wish wall (page and JSON) never shows a beneficiary's name, phone
or ID number, neither from the private fields nor typed into the public text."""

import pytest

from gridgov.wishes import services

from .conftest import jpeg, post_wish

PEOPLE = (
    # name, phone, an ID number, address
    ("姜玉君", "13904300001", "211122194503120026", "张家村3组12号"),
    ("侯巨", "13904300002", "21112219500101003X", "张家村5组8号"),
    ("欧阳娜娜", "13904300003", "211122201203150041", "张家村1组1号"),
)


@pytest.mark.django_db
def test_the_public_wall_never_shows_who_the_beneficiaries_are(client, world, cast):
    for i, (name, phone, id_number, address) in enumerate(PEOPLE):
        # given wishes whose private fields hold the beneficiary and whose public text names them too
        wish = post_wish(
            world,
            cast,
            by=cast.grid_worker if i % 2 else cast.poster,
            title=f"{name}的冬季棉被",
            description=f"{name}（身份证{id_number}，电话{phone}，住{address}）希望有一床棉被。",
            beneficiary_name=name,
            beneficiary_phone=phone,
            beneficiary_address=f"{address} 身份证{id_number}",
        )
        wish = services.wish_review(actor=cast.secretary, wish=wish, approve=True)
        if i == 2:  # one is fulfilled, confirmed and thanked by name
            pledge = services.pledge_create(actor=cast.member, wish=wish)
            services.pledge_fulfil(actor=cast.member, pledge=pledge, photo=jpeg())
            services.wish_confirm(actor=cast.poster, wish=wish)
            services.wish_thank(actor=cast.poster, wish=wish, text=f"{name}感谢大家！有事打{phone}")
    # when anyone reads the wall
    page = client.get("/wishes/")
    api = client.get("/api/wishes/public")
    assert page.status_code == 200 and api.status_code == 200
    html, text = page.content.decode(), api.content.decode()
    assert api.json()["count"] == 3 and "棉被" in html and "感谢大家" in html
    # then no name, phone or ID number is anywhere in it (JSON escapes checked as well)
    for name, phone, id_number, _address in PEOPLE:
        for secret in (name, phone, id_number, id_number[-8:], phone[-8:]):
            assert secret not in html, secret
            assert secret not in text, secret
            assert secret.encode("unicode_escape").decode() not in text, secret
