"""Photo intake for case photos: check an upload cheaply, then re-encode it into clean JPEGs.

The cheap checks come first and never decode pixels: the byte size (from ``.size`` when known), the
format (by content, never by name: JPEG, PNG or HEIF/HEIC only), then the pixel count from the header.
Pillow's own decompression-bomb check runs in ``Image.open`` as a second line of defence. Only then is
the image decoded, turned upright, flattened to RGB and saved as a 2048 px JPEG and a 320 px thumbnail
that carry no metadata at all (no EXIF, GPS, XMP, ICC profile or comment).
"""

import hashlib
import io
import os
from dataclasses import dataclass
from typing import BinaryIO

import pillow_heif
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from gridgov.core.errors import PayloadTooLarge, ValidationFailed

pillow_heif.register_heif_opener()

LARGE_SIDE = 2048
THUMB_SIDE = 320
JPEG_OPTIONS = {"quality": 85, "optimize": True, "progressive": True}
ACCEPTED_FORMATS = ("JPEG", "PNG", "HEIF")  # the only Pillow openers tried; HEIF covers HEIC
# A JPEG carrying a second picture (common on phones) is opened by the JPEG opener as "MPO".
REPORTED_FORMAT = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "HEIF": "HEIF"}
# What a damaged file can raise while it is decoded (pillow_heif raises ValueError or RuntimeError).
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, RuntimeError)


@dataclass(frozen=True)
class PreparedPhoto:
    large: bytes  # JPEG, longest side <= 2048 (never upscaled), upright, no metadata at all
    thumb: bytes  # JPEG, longest side <= 320
    width: int  # of `large`
    height: int
    source_format: str  # "JPEG" | "PNG" | "HEIF"
    sha256: str  # hex digest of `large`


def photo_prepare(upload: UploadedFile | BinaryIO) -> PreparedPhoto:
    """Check ``upload`` (a Django ``UploadedFile`` or a binary file object) and re-encode it.

    Raises ``PayloadTooLarge`` (413) for too many bytes or pixels and ``ValidationFailed`` (400) for
    anything that is not an intact JPEG, PNG or HEIF/HEIC image, both with a ``photo`` field error.
    """
    data = _read_bounded(upload, settings.GRIDGOV_PHOTO_MAX_BYTES)
    image = _open_header(data, settings.GRIDGOV_PHOTO_MAX_PIXELS)
    source_format = REPORTED_FORMAT[image.format]
    try:
        # Decode less where the format allows, never below 2048 px: JPEG at 1/2, 1/4 or 1/8 scale,
        # HEIF from an embedded thumbnail that is big enough. PNG ignores this.
        image.draft(None, (LARGE_SIDE, LARGE_SIDE))
        # Multi-frame files stay on the frame Image.open chose (the first; for HEIF the primary image).
        large = _flatten(ImageOps.exif_transpose(image))
    except DECODE_ERRORS as error:
        raise _invalid(_("The photo is damaged or incomplete.")) from error
    large.thumbnail((LARGE_SIDE, LARGE_SIDE), Image.Resampling.LANCZOS)
    thumb = large.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    large_bytes = _jpeg(large)
    return PreparedPhoto(
        large=large_bytes,
        thumb=_jpeg(thumb),
        width=large.width,
        height=large.height,
        source_format=source_format,
        sha256=hashlib.sha256(large_bytes).hexdigest(),
    )


def _read_bounded(upload: UploadedFile | BinaryIO, max_bytes: int) -> bytes:
    """The upload's bytes, refusing more than ``max_bytes`` without reading them when the size is known."""
    seekable = bool(getattr(upload, "seekable", None) and upload.seekable())
    size = getattr(upload, "size", None)
    if size is None and seekable:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    if size is not None and size > max_bytes:
        raise _too_large_bytes(max_bytes)
    if seekable:
        upload.seek(0)
    chunks, total = [], 0
    while total <= max_bytes and (chunk := upload.read(max_bytes + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
    if total > max_bytes:  # a stream without a size, or one whose ``.size`` was wrong
        raise _too_large_bytes(max_bytes)
    return b"".join(chunks)


def _open_header(data: bytes, max_pixels: int) -> Image.Image:
    """Identify the image by content and check its dimensions; ``Image.open`` reads only the header."""
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError as error:
        raise _too_large_pixels(max_pixels) from error
    except DECODE_ERRORS as error:  # UnidentifiedImageError is an OSError
        raise _invalid(_("The file is not a JPEG, PNG or HEIC photo.")) from error
    if image.width * image.height > max_pixels:
        raise _too_large_pixels(max_pixels)
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """An RGB copy of ``image`` with transparency laid on white and no metadata in ``info``."""
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
    else:
        flat = image.convert("RGB")
    flat.info = {}  # the JPEG encoder would otherwise write back e.g. a comment kept in ``info``
    return flat


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **JPEG_OPTIONS)
    return buffer.getvalue()


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"photo": [message]})


def _too_large_bytes(max_bytes: int) -> PayloadTooLarge:
    message = _("The photo is larger than %(limit)s MB.") % {"limit": f"{max_bytes / 2**20:.3g}"}
    return PayloadTooLarge(message, fields={"photo": [message]})


def _too_large_pixels(max_pixels: int) -> PayloadTooLarge:
    message = _("The photo has more than %(limit)s megapixels.") % {"limit": f"{max_pixels / 1e6:.3g}"}
    return PayloadTooLarge(message, fields={"photo": [message]})
