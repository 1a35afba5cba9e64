"""Photos are made smaller on the phone before they are sent: a 3200 × 2400 camera photo goes up
as a JPEG of at most 2048 px and fewer bytes, and its preview shows; a file the browser cannot
decode goes as it is, for the server to judge."""

import os

import pytest
from PIL import Image

from .test_browser import PHONE_SIZE, menu, resident_sign_in, town  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHOSEN = """() => {
  const input = document.getElementById("id_photos");
  return Promise.all([...input.files].map(f =>
    createImageBitmap(f).then(b => [f.name, f.type, f.size, b.width, b.height], () => [f.name, f.type, f.size, 0, 0])));
}"""


def test_a_large_photo_is_made_smaller_on_the_phone(live_server, town, browser_page, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    # given a camera photo of 3200 × 2400 (noise, so that it is large) and a text file
    photo = tmp_path / "IMG_0001.JPG"
    Image.frombytes("RGB", (3200, 2400), os.urandom(3200 * 2400 * 3)).save(photo, quality=92)
    note = tmp_path / "note.txt"
    note.write_text("不是照片")
    page = browser_page(viewport=PHONE_SIZE)
    resident_sign_in(page, live_server.url, expect)
    menu(page, "随手拍").click()
    # when the resident chooses them for a report
    page.get_by_label("照片").set_input_files([photo, note])
    expect(page.locator("#id_photos")).not_to_have_attribute("aria-busy", "true")
    expect(page.get_by_role("img", name="IMG_0001.jpg")).to_be_visible()
    # then the photo is a JPEG of at most 2048 px with fewer bytes, the text file is untouched
    (name, kind, size, width, height), (other, other_kind, _size, _w, _h) = page.evaluate(CHOSEN)
    assert (name, kind, width, height) == ("IMG_0001.jpg", "image/jpeg", 2048, 1536)
    assert size < photo.stat().st_size
    assert (other, other_kind) == ("note.txt", "text/plain")
