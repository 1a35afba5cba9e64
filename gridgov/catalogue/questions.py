"""A category's extra questions: their shape (``question_errors``) and the cleaning of the answers
a report gives to them (``answers_clean``).

The seven types map one to one onto the datatypes of an Open311 service definition's
attributes: ``text`` → string, ``longtext`` → text, ``number`` → number, ``datetime`` →
datetime, ``yesno`` → a two-valued singlevaluelist, ``choice`` → singlevaluelist,
``multichoice`` → multivaluelist.

What an answer is stored as (``Case.answers``, a JSON object keyed by the question's key):

=============== ====================================================================
``text``        one line, stripped, at most 500 characters (longer input is cut)
``longtext``    several lines (``\\n``), stripped, at most 2000 characters
``number``      a float
``datetime``    an ISO-8601 string in Asia/Shanghai, e.g. ``2026-11-27T21:30:00+08:00``
``yesno``       a boolean (unanswered is ``False``)
``choice``      one of ``choices``
``multichoice`` a non-empty list of ``choices``, in the order of ``choices``
=============== ====================================================================
"""

import math
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

QUESTION_TYPES = ("text", "longtext", "number", "datetime", "yesno", "choice", "multichoice")
#: The types whose questions have (and need) ``choices``.
CHOICE_TYPES = ("choice", "multichoice")
QUESTION_KEYS = {"key", "label", "type", "choices", "required"}
QUESTION_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

TEXT_MAX_LENGTH = 500
LONGTEXT_MAX_LENGTH = 2000
#: Answers to ``datetime`` questions are read (when naive) and stored in this zone.
ANSWER_TIME_ZONE = ZoneInfo("Asia/Shanghai")

#: ``YYYY-MM-DD``, ``T`` or a space, ``HH:MM``, optional seconds (and fraction), optional offset:
#: the browser's ``datetime-local`` value ("2026-11-27T21:30") as well as full ISO-8601 strings.
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE
)
_TRUE = {"1", "true", "yes", "on", "是"}


def question_errors(questions) -> list[str]:
    """What is wrong with a category's extra questions (an empty list when nothing is).

    The shape: a list of ``{"key", "label", "type", "choices", "required"}`` where ``key`` is a
    unique snake_case identifier, ``label`` the question shown to the reporter, ``type`` one
    of ``QUESTION_TYPES`` (``text``, ``longtext``, ``number``, ``datetime``, ``yesno``,
    ``choice``, ``multichoice``), ``choices`` a non-empty list of distinct strings for (and
    only for) ``choice`` and ``multichoice`` questions, and ``required`` a boolean (optional).
    """
    if not isinstance(questions, list):
        return [str(_("The questions must be a list."))]
    errors: list[str] = []
    seen: set[str] = set()
    for n, question in enumerate(questions, start=1):

        def error(message, n=n):
            errors.append(str(_("Question %(n)s: %(message)s") % {"n": n, "message": message}))

        if not isinstance(question, dict):
            error(_("each question must be an object."))
            continue
        unknown = sorted(set(question) - QUESTION_KEYS)
        if unknown:
            error(_("unknown entries %(names)s.") % {"names": ", ".join(unknown)})
        key = question.get("key")
        if not isinstance(key, str) or not QUESTION_KEY.match(key):
            error(_("the key must be a short snake_case identifier, e.g. “area_m2”."))
        elif key in seen:
            error(_("the key “%(key)s” is used twice.") % {"key": key})
        else:
            seen.add(key)
        label = question.get("label")
        if not isinstance(label, str) or not label.strip():
            error(_("the label must be a non-empty text."))
        kind = question.get("type")
        if kind not in QUESTION_TYPES:
            error(_("the type must be one of %(types)s.") % {"types": ", ".join(QUESTION_TYPES)})
        choices = question.get("choices")
        if kind in CHOICE_TYPES:
            if (
                not isinstance(choices, list)
                or not choices
                or not all(isinstance(c, str) and c.strip() for c in choices)
                or len(set(choices)) != len(choices)
            ):
                error(_("a choice or multichoice question needs a list of distinct, non-empty choices."))
        elif choices not in (None, []):
            error(_("only choice and multichoice questions have choices."))
        if not isinstance(question.get("required", False), bool):
            error(_("“required” must be true or false."))
    return errors


class _Invalid(Exception):
    """An answer that cannot be cleaned; the message says why."""


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _text(value, limit: int, *, lines: bool) -> str:
    if isinstance(value, list | dict):
        raise _Invalid(gettext("Enter a text."))
    text = str(value).strip()
    if not lines:
        return text[:limit]
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a textarea posts CR LF
    if len(text) > limit:
        raise _Invalid(gettext("Enter at most %(n)d characters.") % {"n": limit})
    return text


def _number(value) -> float:
    if isinstance(value, bool):
        raise _Invalid(gettext("Enter a number."))
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise _Invalid(gettext("Enter a number.")) from None
    if not math.isfinite(number):
        raise _Invalid(gettext("Enter a number."))
    return number


def parse_answer_datetime(value) -> datetime | None:
    """An answer to a ``datetime`` question as an aware datetime in Asia/Shanghai, or ``None``
    when it is not a date and time. Takes ISO-8601 strings with any offset (``Z`` too), naive
    ones (read as Asia/Shanghai), the ``datetime-local`` form value and datetime objects."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and _DATETIME.match(value.strip()):
        text = value.strip().upper()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:  # e.g. 2026-02-30
            return None
    else:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=ANSWER_TIME_ZONE)
    try:
        return moment.astimezone(ANSWER_TIME_ZONE)
    except (OverflowError, ValueError):  # e.g. 0001-01-01T00:00+14:00
        return None


def _datetime(value) -> str:
    moment = parse_answer_datetime(value)
    if moment is None:
        raise _Invalid(gettext("Enter a date and time."))
    return moment.isoformat(timespec="seconds")


def _yesno(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return bool(value)


def _choice(value, choices: list) -> str:
    if isinstance(value, str):
        value = value.strip()
    if not isinstance(value, str) or value not in choices:
        raise _Invalid(gettext("Choose one of the options."))
    return value


def _multichoice(value, choices: list) -> list[str]:
    values = value if isinstance(value, list | tuple) else [value]
    picked = set()
    for item in values:
        if isinstance(item, str):
            item = item.strip()
            if not item:
                continue  # an empty value among the boxes (a hidden "none" field) is no choice
        if not isinstance(item, str) or item not in choices:
            raise _Invalid(gettext("Choose one or more of the options."))
        picked.add(item)
    return [c for c in choices if c in picked]


def answers_clean(category, answers: dict) -> tuple[dict, dict]:
    """The answers to ``category``'s extra questions, cleaned: ``(cleaned, errors)``.

    ``answers`` maps question keys to what was given (strings from a form, JSON values from the
    API; a ``multichoice`` answer a list or a single string). Keys the category does not ask
    are ignored. ``cleaned`` holds the answers as stored (see the module's table), keyed like
    the questions; an unanswered question is left out, except ``yesno`` (unanswered is
    ``False``). ``errors`` maps ``"answers.<key>"`` to a list of translated messages: "This
    question must be answered." for an unanswered required question, else why the answer is
    not valid. Both are empty dicts when there are no questions.
    """
    cleaned: dict = {}
    errors: dict[str, list[str]] = {}
    for q in category.questions or []:
        key = q["key"]
        kind = q.get("type", "text")
        value = answers.get(key)
        if isinstance(value, list | tuple):
            value = [v for v in value if not _blank(v)]  # ["", " "] is no answer
        if kind == "yesno" and _blank(value):
            value = False  # an unticked box is an answer: no
        if _blank(value):
            if q.get("required"):
                errors[f"answers.{key}"] = [gettext("This question must be answered.")]
            continue
        choices = q.get("choices") or []
        try:
            if kind == "number":
                value = _number(value)
            elif kind == "datetime":
                value = _datetime(value)
            elif kind == "yesno":
                value = _yesno(value)
            elif kind == "choice":
                value = _choice(value, choices)
            elif kind == "multichoice":
                value = _multichoice(value, choices)
            elif kind == "longtext":
                value = _text(value, LONGTEXT_MAX_LENGTH, lines=True)
            else:
                value = _text(value, TEXT_MAX_LENGTH, lines=False)
        except _Invalid as invalid:
            errors[f"answers.{key}"] = [str(invalid)]
            continue
        cleaned[key] = value
    return cleaned, errors
