"""Forms of the geo admin pages."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def parse_geojson_bytes(raw: bytes) -> dict:
    """Decode an uploaded GeoJSON file (UTF-8, with or without BOM); raises ValueError with a
    message for the user."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(_("The file is not UTF-8 text.")) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            _("The file is not valid JSON (line %(line)d, column %(column)d).")
            % {"line": exc.lineno, "column": exc.colno}
        ) from exc
    return data


class GeoJSONUploadForm(forms.Form):
    file = forms.FileField(
        label=_("GeoJSON file"),
        help_text=_(
            'A FeatureCollection in WGS-84 lon/lat. Each feature\'s properties give either "code" '
            '(an existing grid, or a new 15- or 18-digit grid code) or "parent" and "name".'
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        try:
            return parse_geojson_bytes(upload.read())
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
