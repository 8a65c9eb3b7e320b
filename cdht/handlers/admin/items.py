"""What an imported `item` may be for each tier: a scoring fact key or a question id, with its answer type."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from cdht.conversations.definition.question import Question
from cdht.conversations.definition.questionnaire import Questionnaire

# Which tier of unit answers each questionnaire.
AUDIENCE_TIER = {
    "village_head": "village",
    "commune_officer": "commune",
    "district": "district",
    "province": "province",
}


@dataclass(frozen=True)
class ItemSpec:
    question_id: str
    fact: str | None
    qtype: str
    choices: tuple[tuple[str, str], ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    levels: tuple[int, int] = (0, 3)
    # The question as the chat asks it, and its questionnaire: an imported answer is checked by the same
    # rules (bounds, relations with other answers).
    question: Question | None = field(default=None, compare=False, repr=False)
    questionnaire: Questionnaire | None = field(default=None, compare=False, repr=False)


def item_catalog(questionnaires: Iterable[Questionnaire]) -> dict[str, dict[str, ItemSpec]]:
    """tier -> item (question id or fact key) -> spec. A fact key names the question that feeds it."""
    catalog: dict[str, dict[str, ItemSpec]] = {}
    for questionnaire in questionnaires:
        tier = AUDIENCE_TIER.get(questionnaire.audience)
        if tier is None:
            continue
        items = catalog.setdefault(tier, {})
        for question in questionnaire.questions:
            if question.type in ("evidence", "location"):
                continue
            spec = ItemSpec(
                question_id=question.id,
                fact=question.fact,
                qtype=question.type,
                choices=question.options() if question.type != "yes_no" else (),
                min_value=question.min,
                max_value=question.max,
                levels=question.levels,
                question=question,
                questionnaire=questionnaire,
            )
            items[question.id] = spec
            if question.fact:
                items.setdefault(question.fact, spec)
            variation = question.varies_by
            if variation is not None:  # what a village's figure was counted on (its `citizen_base`)
                choices = tuple((code, variant.name) for code, variant in variation.variants.items())
                items.setdefault(
                    variation.setting, ItemSpec(variation.setting, variation.setting, "choice", choices)
                )
    return catalog
