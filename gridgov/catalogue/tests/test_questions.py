"""Extra questions of a category: the seven types' shape (``question_errors``), the cleaning of
the answers a report gives (``answers_clean``), and the seed's questions of the newer types
reaching existing databases (migration 0004, ``seed_questions_add``)."""

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import translation

from gridgov.catalogue.models import Category
from gridgov.catalogue.questions import QUESTION_TYPES, answers_clean, question_errors
from gridgov.catalogue.seed import QUESTIONS_0004, seed_questions_add

WASTE = ["生活垃圾", "建筑垃圾", "大件垃圾", "园林垃圾", "其他"]


def category_asking(*questions) -> SimpleNamespace:
    """A category with just these questions (``answers_clean`` reads nothing else)."""
    return SimpleNamespace(questions=list(questions))


def q(key, kind, **extra) -> dict:
    return {"key": key, "label": key, "type": kind, **extra}


def clean_en(category, answers):
    with translation.override("en"):
        return answers_clean(category, answers)


# --- question_errors ---------------------------------------------------------------------------


def test_the_seven_types_are_the_open311_datatypes():
    assert set(QUESTION_TYPES) == {"text", "longtext", "number", "datetime", "yesno", "choice", "multichoice"}


def test_questions_of_the_new_types_pass():
    # Given one question of each new type, the multichoice one with its choices
    questions = [
        q("situation", "longtext"),
        q("happened_at", "datetime", required=True),
        q("waste_kinds", "multichoice", choices=WASTE, required=True),
    ]
    # Then nothing is wrong with them
    assert question_errors(questions) == []


@pytest.mark.parametrize(
    ("question", "fragment"),
    [
        (q("kinds", "multichoice"), "needs a list"),
        (q("kinds", "multichoice", choices=[]), "needs a list"),
        (q("kinds", "multichoice", choices=["a", "a"]), "needs a list"),
        (q("kinds", "multichoice", choices=["a", " "]), "needs a list"),
        (q("when", "datetime", choices=["今天"]), "only choice and multichoice"),
        (q("note", "longtext", choices=["x"]), "only choice and multichoice"),
        (q("when", "date"), "type must be one of text, longtext, number, datetime"),
    ],
)
def test_new_types_are_checked(question, fragment):
    # Given a malformed question of a new type, when it is checked (in English)
    with translation.override("en"):
        errors = question_errors([question])
    # Then the error names the problem
    assert errors and fragment in " ".join(errors)


def test_choice_errors_are_translated():
    assert question_errors([q("kinds", "multichoice")]) == [
        "第 1 个问题：单选题和多选题需要一组互不相同且不为空的选项。"
    ]


def test_a_category_with_a_malformed_multichoice_question_does_not_validate(db):
    category = Category.objects.get(code="E0101")
    category.questions = [q("kinds", "multichoice", choices=["x", "x"])]
    with pytest.raises(ValidationError) as excinfo:
        category.full_clean()
    assert "questions" in excinfo.value.message_dict


# --- answers_clean: every type -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "given", "stored"),
    [
        (q("pole", "text"), "  A-17 ", "A-17"),
        (q("pole", "text"), "x" * 600, "x" * 500),  # one line, cut at 500 as before
        (q("pole", "text"), 17, "17"),
        (q("situation", "longtext"), " 一位老人\r\n坐在桥下 ", "一位老人\n坐在桥下"),
        (q("situation", "longtext"), "字" * 2000, "字" * 2000),
        (q("count", "number"), "3", 3.0),
        (q("count", "number"), " 2.5 ", 2.5),
        (q("count", "number"), 4, 4.0),
        (q("when", "datetime"), "2026-11-27T21:30:00+08:00", "2026-11-27T21:30:00+08:00"),
        (q("when", "datetime"), "2026-11-27T13:30:00Z", "2026-11-27T21:30:00+08:00"),
        (q("when", "datetime"), "2026-11-27T08:30:00-05:00", "2026-11-27T21:30:00+08:00"),
        (q("when", "datetime"), "2026-11-27T21:30:00", "2026-11-27T21:30:00+08:00"),  # naive
        (q("when", "datetime"), "2026-11-27T21:30", "2026-11-27T21:30:00+08:00"),  # datetime-local
        (q("when", "datetime"), "2026-11-27 21:30", "2026-11-27T21:30:00+08:00"),
        (q("blocks", "yesno"), "1", True),
        (q("blocks", "yesno"), "是", True),
        (q("blocks", "yesno"), "no", False),
        (q("blocks", "yesno"), True, True),
        (q("kind", "choice", choices=["雨水", "污水"]), "污水", "污水"),
        (q("kind", "choice", choices=["雨水", "污水"]), " 雨水 ", "雨水"),
        (q("kinds", "multichoice", choices=WASTE), ["大件垃圾", "生活垃圾"], ["生活垃圾", "大件垃圾"]),
        (q("kinds", "multichoice", choices=WASTE), "建筑垃圾", ["建筑垃圾"]),  # a single string
        (q("kinds", "multichoice", choices=WASTE), ["其他", "其他", ""], ["其他"]),
        (q("kinds", "multichoice", choices=WASTE), ("园林垃圾",), ["园林垃圾"]),
    ],
)
def test_a_valid_answer_is_stored_cleaned(question, given, stored):
    # Given a category asking one question, when a valid answer is cleaned
    cleaned, errors = answers_clean(category_asking(question), {question["key"]: given})
    # Then it is stored in the type's form and nothing is wrong
    assert errors == {}
    assert cleaned == {question["key"]: stored}
    assert type(cleaned[question["key"]]) is type(stored)


@pytest.mark.parametrize(
    ("question", "given", "message"),
    [
        (q("count", "number"), "three", "Enter a number."),
        (q("count", "number"), "nan", "Enter a number."),
        (q("count", "number"), True, "Enter a number."),
        (q("count", "number"), ["1"], "Enter a number."),
        (q("situation", "longtext"), "字" * 2001, "Enter at most 2000 characters."),
        (q("situation", "longtext"), ["a", "b"], "Enter a text."),
        (q("pole", "text"), {"a": 1}, "Enter a text."),
        (q("when", "datetime"), "yesterday", "Enter a date and time."),
        (q("when", "datetime"), "2026-11-27", "Enter a date and time."),  # a date is not enough
        (q("when", "datetime"), "2026-02-30T10:00", "Enter a date and time."),
        (q("when", "datetime"), "2026-11-27T25:00", "Enter a date and time."),
        (q("when", "datetime"), 1764250200, "Enter a date and time."),
        (q("kind", "choice", choices=["雨水", "污水"]), "自来水", "Choose one of the options."),
        (q("kind", "choice", choices=["雨水", "污水"]), ["雨水"], "Choose one of the options."),
        (q("kinds", "multichoice", choices=WASTE), "厨余", "Choose one or more of the options."),
        (
            q("kinds", "multichoice", choices=WASTE),
            ["生活垃圾", "厨余"],
            "Choose one or more of the options.",
        ),
        (q("kinds", "multichoice", choices=WASTE), [1], "Choose one or more of the options."),
    ],
)
def test_an_invalid_answer_is_refused_with_a_message(question, given, message):
    # Given a category asking one question, when an invalid answer is cleaned
    cleaned, errors = clean_en(category_asking(question), {question["key"]: given})
    # Then it is not stored and the error is keyed "answers.<key>"
    assert cleaned == {}
    assert errors == {f"answers.{question['key']}": [message]}


@pytest.mark.parametrize("kind", [k for k in QUESTION_TYPES if k != "yesno"])
@pytest.mark.parametrize("given", [None, "", "   ", [], ["", " "]])
def test_a_required_question_left_unanswered_is_an_error(kind, given):
    # Given a required question of any type but yes/no
    question = q("it", kind, required=True, **({"choices": WASTE} if "choice" in kind else {}))
    # When it is not answered (missing, empty, blank, no box ticked)
    answers = {} if given is None else {"it": given}
    cleaned, errors = clean_en(category_asking(question), answers)
    # Then it must be answered
    assert cleaned == {}
    assert errors == {"answers.it": ["This question must be answered."]}


@pytest.mark.parametrize("kind", [k for k in QUESTION_TYPES if k != "yesno"])
def test_an_optional_question_left_unanswered_is_left_out(kind):
    question = q("it", kind, **({"choices": WASTE} if "choice" in kind else {}))
    assert answers_clean(category_asking(question), {"it": ""}) == ({}, {})
    assert answers_clean(category_asking(question), {}) == ({}, {})


def test_an_unanswered_yesno_question_is_no_even_when_required():
    category = category_asking(q("blocks", "yesno", required=True))
    assert answers_clean(category, {}) == ({"blocks": False}, {})
    assert answers_clean(category, {"blocks": ""}) == ({"blocks": False}, {})


def test_several_answers_at_once_with_unknown_keys_ignored_and_messages_translated():
    # Given a category asking one question of every type
    category = category_asking(
        q("pole", "text"),
        q("situation", "longtext"),
        q("count", "number", required=True),
        q("when", "datetime"),
        q("blocks", "yesno"),
        q("kind", "choice", choices=["雨水", "污水"], required=True),
        q("kinds", "multichoice", choices=WASTE),
    )
    # When the answers come with a key it does not ask and three wrong answers (in Chinese)
    cleaned, errors = answers_clean(
        category,
        {
            "pole": "A-17",
            "situation": "两行\n说明",
            "when": "明天",
            "blocks": "on",
            "kinds": ["厨余"],
            "colour": "红",
        },
    )
    # Then the good answers are cleaned, the unknown key is dropped
    assert cleaned == {"pole": "A-17", "situation": "两行\n说明", "blocks": True}
    # And every error is keyed by its question, with a translated message
    assert errors == {
        "answers.count": ["此问题必须回答。"],
        "answers.when": ["请输入日期和时间。"],
        "answers.kind": ["此问题必须回答。"],
        "answers.kinds": ["请从选项中选择一项或多项。"],
    }


def test_a_category_without_questions_takes_no_answers():
    assert answers_clean(category_asking(), {"anything": "x"}) == ({}, {})
    assert answers_clean(SimpleNamespace(questions=None), {}) == ({}, {})


# --- The seed and migration 0004 ----------------------------------------------------------------


def test_seed_uses_the_new_types_for_real_categories(db):
    # Given a freshly migrated database
    by_code = {c.code: c for c in Category.objects.filter(code__in=QUESTIONS_0004)}
    # Then 暴露垃圾 asks which kinds of waste (several may be ticked)
    waste = next(x for x in by_code["E0101"].questions if x["key"] == "waste_kinds")
    assert waste["type"] == "multichoice"
    assert waste["choices"] == ["生活垃圾", "建筑垃圾", "大件垃圾", "园林垃圾", "其他"]
    # And 施工扰民 asks when it happens, 流浪乞讨人员 for a description of the person
    assert [x["type"] for x in by_code["E0301"].questions] == ["yesno", "datetime"]
    assert [x["type"] for x in by_code["E0508"].questions] == ["longtext"]
    for category in by_code.values():
        assert question_errors(category.questions) == []


def test_migration_0004_adds_the_questions_to_an_existing_database_and_keeps_edits(db):
    # Given a database seeded before the new types: 施工扰民 with its one question, 暴露垃圾
    # without questions, and 流浪乞讨人员 where an administrator already asks something as "person"
    Category.objects.filter(code="E0301").update(
        questions=[q("at_night", "yesno", required=True) | {"label": "是否夜间施工"}]
    )
    Category.objects.filter(code="E0101").update(questions=[])
    Category.objects.filter(code="E0508").update(questions=[q("person", "text") | {"label": "人员"}])
    # When the migration's function runs
    added = seed_questions_add(apps, QUESTIONS_0004)
    # Then the new questions are appended where missing, the administrator's question stays
    assert added == 2
    by_code = {c.code: c.questions for c in Category.objects.filter(code__in=QUESTIONS_0004)}
    assert [x["key"] for x in by_code["E0301"]] == ["at_night", "happened_at"]
    assert by_code["E0301"][0]["label"] == "是否夜间施工"
    assert [(x["key"], x["type"]) for x in by_code["E0101"]] == [("waste_kinds", "multichoice")]
    assert by_code["E0508"] == [q("person", "text") | {"label": "人员"}]
    # And running it again adds nothing
    assert seed_questions_add(apps, QUESTIONS_0004) == 0


def test_migration_0004_skips_a_deleted_category(db):
    Category.objects.filter(code="E0508").delete()
    Category.objects.filter(code="E0101").update(questions=[])
    assert seed_questions_add(apps, QUESTIONS_0004) == 1
