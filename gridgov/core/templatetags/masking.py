"""Masking in templates (ARCHITECTURE §6): ``{% load masking %}{{ name|mask_name }}``."""

from django import template

from gridgov.core import masking

register = template.Library()
register.filter("mask_name", masking.mask_name)
register.filter("mask_phone", masking.mask_phone)
register.filter("mask_id_number", masking.mask_id_number)
register.filter("mask_address", masking.mask_address)
register.filter("redact_text", masking.redact_text)
