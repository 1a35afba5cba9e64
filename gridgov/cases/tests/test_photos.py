"""Tests for the photo intake: formats by content, limits before decoding, clean re-encoded JPEGs."""

import hashlib
import io
import struct
import zlib

import pillow_heif
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms, ImageFile

from gridgov.cases.photos import PreparedPhoto, photo_prepare
from gridgov.core.errors import PayloadTooLarge, ValidationFailed

pillow_heif.register_heif_opener()

RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


# --- helpers -------------------------------------------------------------------------------------------


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def two_colour(size: tuple[int, int] = (200, 100)) -> Image.Image:
    """Left half red, right half blue, so orientation and cropping are visible."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return image


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (39.0, 54.0, 27.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (116.0, 23.0, 50.0)
    return exif


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_header_only(width: int, height: int) -> bytes:
    """A valid PNG signature and IHDR claiming ``width`` x ``height``, with no pixel data (no IDAT).

    Reading the header works; decoding it fails with an OSError, so a 413 proves nothing was decoded.
    """

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def header_only(data: bytes, fmt: str) -> bytes:
    """``data`` cut right after its header, before the compressed pixels."""
    if fmt == "JPEG":
        return data[: data.index(b"\xff\xda") + 14]  # keep the start-of-scan header only
    if fmt == "PNG":
        return data[: data.index(b"IDAT") - 4]
    return data[: data.index(b"mdat") + 4]  # HEIF: the boxes that describe the image, no coded data


def jpeg_markers(data: bytes) -> list[int]:
    """The segment markers of a JPEG up to the start of scan (APPn, COM, DQT, SOFn, DHT, ...)."""
    markers, position = [], 2
    while data[position + 1] != 0xDA:
        marker = data[position + 1]
        markers.append(marker)
        position += 2 + struct.unpack(">H", data[position + 2 : position + 4])[0]
    return markers


def assert_clean_jpeg(data: bytes) -> Image.Image:
    """``data`` is a JPEG with no metadata of any kind; returns it opened."""
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0
    assert len(image.getexif().get_ifd(ExifTags.IFD.GPSInfo)) == 0
    assert not {"exif", "icc_profile", "xmp", "comment", "photoshop"} & set(image.info)
    assert b"Exif\x00\x00" not in data and b"ICC_PROFILE" not in data and b"ns.adobe.com/xap" not in data
    # Only JFIF (APP0) is allowed among the application segments; no APP1..APP15, no COM.
    assert [m for m in jpeg_markers(data) if 0xE1 <= m <= 0xEF or m == 0xFE] == []
    return image


def assert_close(pixel: tuple, expected: tuple, tolerance: int = 24) -> None:
    """JPEG is lossy: a pixel is within ``tolerance`` of ``expected`` on every channel."""
    assert all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True)), (pixel, expected)


def assert_photo_error(excinfo: pytest.ExceptionInfo, status: int) -> None:
    assert excinfo.value.status == status
    assert excinfo.value.fields["photo"] == [excinfo.value.message]


class UnreadableUpload:
    """An upload whose ``.size`` is known and whose body must not be touched."""

    def __init__(self, size: int):
        self.size = size
        self.touched: list[str] = []

    def _touch(self, name: str):
        self.touched.append(name)
        raise AssertionError(f"{name}() called on an upload that is too large")

    def read(self, *args):
        self._touch("read")

    def seek(self, *args):
        self._touch("seek")

    def chunks(self, *args):
        self._touch("chunks")


class Stream(io.RawIOBase):
    """A non-seekable stream without ``.size`` (e.g. a request body) that counts the bytes handed out."""

    def __init__(self, data: bytes):
        self._data = io.BytesIO(data)
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self._data.readinto(buffer)
        self.bytes_read += count
        return count


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any pixel data is decoded (JPEG/PNG through ImageFile.load, HEIF through its own)."""

    def forbidden(self, *args, **kwargs):
        raise AssertionError(f"{self.format} pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", forbidden)
    monkeypatch.setattr(pillow_heif.as_plugin.HeifImageFile, "load", forbidden)


# --- accepted formats and clean output -------------------------------------------------------------------


def test_jpeg_with_exif_and_gps_comes_out_with_no_metadata():
    # given a JPEG carrying EXIF with GPS, an ICC profile, XMP and a comment
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://ns.adobe.com/xap/1.0/"/></x:xmpmeta>'
    )
    data = encode(
        two_colour(),
        "JPEG",
        exif=exif_with_gps(),
        icc_profile=srgb,
        xmp=xmp,
        comment=b"taken at home",
    )
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert {"exif", "icc_profile", "xmp", "comment"} <= set(source.info)

    # when it is prepared
    photo = photo_prepare(upload(data))

    # then both stored versions read back with no EXIF, GPS or other metadata
    assert isinstance(photo, PreparedPhoto)
    assert photo.source_format == "JPEG"
    assert assert_clean_jpeg(photo.large).size == (200, 100) == (photo.width, photo.height)
    assert_clean_jpeg(photo.thumb)
    assert b"PhoneMaker" not in photo.large + photo.thumb
    assert b"taken at home" not in photo.large + photo.thumb


def test_exif_orientation_is_applied():
    # given a 200x100 JPEG (red left, blue right) whose EXIF says "rotate 90° clockwise to display"
    data = encode(two_colour((200, 100)), "JPEG", exif=exif_with_gps(orientation=6))

    # when it is prepared
    photo = photo_prepare(upload(data))

    # then it is stored upright, 100x200, red on top, with no orientation tag left to apply twice
    large = assert_clean_jpeg(photo.large)
    assert large.size == (100, 200) == (photo.width, photo.height)
    assert_close(large.getpixel((50, 40)), RED)
    assert_close(large.getpixel((50, 160)), BLUE)


def test_png_with_alpha_is_flattened_on_white():
    # given a PNG that is opaque red on the left and fully transparent on the right
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    image.paste((*RED, 255), (0, 0, 100, 100))
    data = encode(image, "PNG")

    # when it is prepared
    photo = photo_prepare(upload(data, "photo.png", "image/png"))

    # then it is a JPEG with the transparent part white
    large = assert_clean_jpeg(photo.large)
    assert photo.source_format == "PNG"
    assert large.mode == "RGB"
    assert_close(large.getpixel((40, 50)), RED)
    assert_close(large.getpixel((160, 50)), WHITE)


def test_heic_from_a_phone_is_accepted_and_cleaned():
    # given a HEIC as phones take it, with EXIF GPS and an orientation of 6
    data = encode(two_colour((200, 100)), "HEIF", exif=exif_with_gps(orientation=6).tobytes(), quality=90)
    assert data[4:12] == b"ftypheic"

    # when it is prepared
    photo = photo_prepare(upload(data, "IMG_0001.HEIC", "image/heic"))

    # then it is a clean JPEG, rotated exactly once (libheif applies the rotation, the EXIF tag is reset)
    large = assert_clean_jpeg(photo.large)
    assert photo.source_format == "HEIF"
    assert large.size == (100, 200)
    assert_close(large.getpixel((50, 40)), RED, tolerance=40)
    assert_close(large.getpixel((50, 160)), BLUE, tolerance=40)


def test_multi_picture_jpeg_keeps_only_the_first_picture():
    # given a phone JPEG with a second picture appended (MPO), red first and blue second
    first, second = Image.new("RGB", (120, 80), RED), Image.new("RGB", (120, 80), BLUE)
    data = encode(first, "MPO", save_all=True, append_images=[second])

    # when it is prepared
    photo = photo_prepare(upload(data))

    # then it counts as a JPEG and the stored picture is the first one
    assert photo.source_format == "JPEG"
    assert_close(assert_clean_jpeg(photo.large).getpixel((60, 40)), RED)


def test_animated_png_keeps_the_first_frame():
    # given an animated PNG whose first frame is red and second blue
    first, second = Image.new("RGB", (120, 80), RED), Image.new("RGB", (120, 80), BLUE)
    data = encode(first, "PNG", save_all=True, append_images=[second])

    # when it is prepared
    photo = photo_prepare(upload(data, "photo.png", "image/png"))

    # then the stored picture is the first frame
    assert_close(assert_clean_jpeg(photo.large).getpixel((60, 40)), RED)


def test_content_decides_not_the_name():
    # given a JPEG named like a text file and a text file named like a JPEG
    jpeg = upload(encode(two_colour(), "JPEG"), "notes.txt", "text/plain")
    text = upload(b"just some words, not a picture\n" * 10, "photo.jpg", "image/jpeg")

    # when both are prepared
    photo = photo_prepare(jpeg)
    with pytest.raises(ValidationFailed) as excinfo:
        photo_prepare(text)

    # then the JPEG is accepted and the text refused with a 400 on the photo field
    assert photo.source_format == "JPEG"
    assert_photo_error(excinfo, 400)


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "WEBP", "TIFF"])
def test_other_image_formats_are_refused(fmt):
    # given a real image in a format the platform does not take, named as a JPEG
    data = encode(two_colour(), fmt)

    # when it is prepared, then it is refused with a 400
    with pytest.raises(ValidationFailed) as excinfo:
        photo_prepare(upload(data))
    assert_photo_error(excinfo, 400)


# --- sizes of the output -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source_size", "large_size", "thumb_size"),
    [
        ((3000, 1500), (2048, 1024), (320, 160)),  # landscape, scaled down
        ((1200, 4800), (512, 2048), (80, 320)),  # portrait, scaled down
        ((640, 480), (640, 480), (320, 240)),  # smaller than 2048: not upscaled
        ((100, 50), (100, 50), (100, 50)),  # smaller than the thumbnail: not upscaled either
    ],
)
def test_large_and_thumbnail_sizes(source_size, large_size, thumb_size):
    # given a JPEG of the source size
    data = encode(two_colour(source_size), "JPEG")

    # when it is prepared
    photo = photo_prepare(upload(data))

    # then the large version is at most 2048 px and the thumbnail at most 320 px on the longest side
    assert Image.open(io.BytesIO(photo.large)).size == large_size == (photo.width, photo.height)
    assert Image.open(io.BytesIO(photo.thumb)).size == thumb_size


def test_sha256_is_of_the_large_version():
    # given a JPEG, when it is prepared
    photo = photo_prepare(upload(encode(two_colour(), "JPEG")))

    # then the digest identifies the stored large version
    assert photo.sha256 == hashlib.sha256(photo.large).hexdigest()


# --- limits, checked before decoding ---------------------------------------------------------------------


def test_too_many_bytes_is_refused_without_reading_the_body(settings):
    # given an upload that declares 20 MB, over the 15 MB limit, and must not be read
    settings.GRIDGOV_PHOTO_MAX_BYTES = 15 * 1024 * 1024
    big = UnreadableUpload(size=20 * 1024 * 1024)

    # when it is prepared
    with pytest.raises(PayloadTooLarge) as excinfo:
        photo_prepare(big)

    # then it is a 413 on the photo field and the body was never touched
    assert_photo_error(excinfo, 413)
    assert "15" in excinfo.value.message
    assert big.touched == []


def test_byte_limit_is_inclusive(settings):
    # given a JPEG and a limit of exactly its size
    data = encode(two_colour(), "JPEG")
    settings.GRIDGOV_PHOTO_MAX_BYTES = len(data)

    # when it is prepared at the limit and one byte under it
    photo = photo_prepare(upload(data))
    settings.GRIDGOV_PHOTO_MAX_BYTES = len(data) - 1
    with pytest.raises(PayloadTooLarge) as excinfo:
        photo_prepare(upload(data))

    # then the first passes and the second is a 413
    assert photo.source_format == "JPEG"
    assert_photo_error(excinfo, 413)


def test_file_object_without_size_is_measured_by_seeking(settings):
    # given a plain seekable file object (no .size) over a lowered limit, and one under it
    data = encode(two_colour(), "JPEG")
    settings.GRIDGOV_PHOTO_MAX_BYTES = len(data) - 1

    # when they are prepared
    with pytest.raises(PayloadTooLarge) as excinfo:
        photo_prepare(io.BytesIO(data))
    settings.GRIDGOV_PHOTO_MAX_BYTES = len(data)
    partly_read = io.BytesIO(data)
    partly_read.read(10)
    photo = photo_prepare(partly_read)

    # then the big one is a 413 and the other is read from its start
    assert_photo_error(excinfo, 413)
    assert photo.source_format == "JPEG"


def test_stream_without_size_is_read_only_up_to_the_limit(settings):
    # given a non-seekable stream of 50 kB and a 1000-byte limit
    settings.GRIDGOV_PHOTO_MAX_BYTES = 1000
    stream = Stream(b"\xff\xd8\xff" + b"x" * 50_000)

    # when it is prepared
    with pytest.raises(PayloadTooLarge) as excinfo:
        photo_prepare(stream)

    # then it is a 413 after reading at most one byte more than the limit
    assert_photo_error(excinfo, 413)
    assert stream.bytes_read == 1001


def test_decompression_bomb_is_refused_without_decoding(no_decoding):
    # given a 100-byte PNG whose header claims 100000 x 100000 pixels (10 gigapixels)
    data = png_header_only(100_000, 100_000)
    assert len(data) < 100

    # when it is prepared, then it is a 413 and no pixel was decoded
    with pytest.raises(PayloadTooLarge) as excinfo:
        photo_prepare(upload(data, "photo.png", "image/png"))
    assert_photo_error(excinfo, 413)


def test_pixel_limit_is_checked_from_the_header_before_decoding(settings):
    # given a header-only PNG claiming 8000 x 6000 (48 MP: over our 40 MP, under Pillow's own bomb limit)
    settings.GRIDGOV_PHOTO_MAX_PIXELS = 40_000_000
    data = png_header_only(8000, 6000)

    # when it is prepared under the 40 MP limit and under a limit high enough to let it through
    with pytest.raises(PayloadTooLarge) as too_large:
        photo_prepare(upload(data, "photo.png", "image/png"))
    settings.GRIDGOV_PHOTO_MAX_PIXELS = 100_000_000
    with pytest.raises(ValidationFailed) as decoded:
        photo_prepare(upload(data, "photo.png", "image/png"))

    # then the first is a 413 that never tried the missing pixels; only the second tried and found them missing
    assert_photo_error(too_large, 413)
    assert "40" in too_large.value.message
    assert_photo_error(decoded, 400)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "HEIF"])
def test_lowered_pixel_limit_refuses_a_normal_image_before_decoding(settings, fmt, no_decoding):
    # given a 200x100 image and a limit one pixel below its 20000 pixels
    settings.GRIDGOV_PHOTO_MAX_PIXELS = 200 * 100 - 1
    data = encode(two_colour((200, 100)), fmt)

    # when it is prepared, then it is a 413 and no pixel was decoded
    with pytest.raises(PayloadTooLarge) as excinfo:
        photo_prepare(upload(data))
    assert_photo_error(excinfo, 413)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "HEIF"])
def test_pixel_limit_is_inclusive(settings, fmt):
    # given a 200x100 image and a limit of exactly its 20000 pixels
    settings.GRIDGOV_PHOTO_MAX_PIXELS = 200 * 100

    # when it is prepared, then it is accepted
    assert photo_prepare(upload(encode(two_colour((200, 100)), fmt))).width == 200


# --- damaged files -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "HEIF"])
@pytest.mark.parametrize("damage", ["header only", "cut in half"])
def test_damaged_image_is_a_400_not_a_500(fmt, damage):
    # given an image whose pixel data is missing or cut off
    data = encode(Image.effect_noise((400, 300), 60).convert("RGB"), fmt)
    data = header_only(data, fmt) if damage == "header only" else data[: len(data) // 2]

    # when it is prepared, then it is refused with a 400 on the photo field
    with pytest.raises(ValidationFailed) as excinfo:
        photo_prepare(upload(data))
    assert_photo_error(excinfo, 400)


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\xd8\xff", b"\xff\xd8\xff\xe0" + b"\x00" * 200, b"\x89PNG\r\n\x1a\n" + b"junk" * 50],
    ids=["empty", "jpeg magic only", "jpeg magic then zeros", "png signature then junk"],
)
def test_garbage_behind_a_magic_number_is_a_400(data):
    # given bytes that start like an image but are not one
    # when they are prepared, then they are refused with a 400
    with pytest.raises(ValidationFailed) as excinfo:
        photo_prepare(upload(data))
    assert_photo_error(excinfo, 400)
