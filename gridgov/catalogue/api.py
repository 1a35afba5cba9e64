"""The reportable categories, with the extra questions a report must answer."""

from ninja import Query, Router, Schema
from pydantic import Field

from gridgov.core.errors import NotFound

from . import selectors
from .models import Category

router = Router(tags=["catalogue"])


class MajorOut(Schema):
    code: str
    name: str


class QuestionOut(Schema):
    """An extra question; its answer goes into a report's ``answers`` under ``key``."""

    key: str
    label: str
    type: str = Field(
        description=(
            "text (one line) | longtext (several lines, up to 2000 characters) | number | "
            "datetime (ISO 8601; stored with the Asia/Shanghai offset) | yesno (true/false) | "
            "choice (one of choices) | multichoice (a list of choices)"
        )
    )
    choices: list[str] = Field([], description="The options of a choice or multichoice question")
    required: bool = False


class CategoryOut(Schema):
    code: str
    name: str
    kind: str
    kind_display: str
    major: MajorOut
    default_urgency: str
    default_urgency_display: str
    keywords: list[str]
    questions: list[QuestionOut]

    @staticmethod
    def from_category(category: Category) -> "CategoryOut":
        major = category.parent
        return CategoryOut(
            code=category.code,
            name=category.name,
            kind=category.kind,
            kind_display=str(category.get_kind_display()),
            major=MajorOut(code=major.code, name=major.name),
            default_urgency=category.default_urgency,
            default_urgency_display=str(category.get_default_urgency_display()),
            keywords=category.keyword_list,
            questions=[QuestionOut(**q) for q in category.questions],
        )


class CategoryFilter(Schema):
    q: str = Field("", max_length=100, description="Words matched against name, code, keywords and major")


@router.get("/categories", response=list[CategoryOut], summary="The categories a case can be reported in")
def categories(request, filters: Query[CategoryFilter]):
    return [CategoryOut.from_category(c) for c in selectors.categories_reportable(q=filters.q)]


@router.get("/categories/{code}", response=CategoryOut, summary="One reportable category")
def category_detail(request, code: str):
    category = selectors.category_get(code=code)
    if not category.is_reportable:
        raise NotFound()
    return CategoryOut.from_category(category)
