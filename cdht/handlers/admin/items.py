"""What an imported `item` may be for each tier: a scoring fact key or a question id, with its answer type."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from cdht.conversations.definition.question import Question
from cdht.conversations.definition.questionnaire import Questionnaire

# Which tier of unit answers each questionnaire.
AUDIENCE_TIER = {"village_head": "village", "commune_officer": "commune", "district": "district"}


@dataclass(frozen=True)
class ItemSpec:
    question_id: str
    fact: str | None
    qtype: str
    choices: tuple[tuple[str, str], ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    levels: tuple[int, int] = (0, 3)
    # The question as the chat asks it, and its questionnaire (None for the province's facts, which no chat
    # asks): an imported answer is checked by the same rules (bounds, relations with other answers).
    question: Question | None = field(default=None, compare=False, repr=False)
    questionnaire: Questionnaire | None = field(default=None, compare=False, repr=False)


def _province_items() -> dict[str, ItemSpec]:
    """The province has no chat questionnaire yet: its facts (cdht/scoring/FACTS.md) are imported."""
    items = {
        key: ItemSpec(key, key, "yes_no") for key in ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5")
    }
    items |= {key: ItemSpec(key, key, "yes_no") for key in ("3.1", "3.2", "3.3")}
    items |= {key: ItemSpec(key, key, "integer", min_value=0) for key in ("3.4", "3.5")}
    for key in ("poverty_rate", "poverty_rate_previous"):
        items[key] = ItemSpec(key, key, "percent", min_value=0, max_value=100)
    for key in ("grdp", "grdp_previous"):
        items[key] = ItemSpec(key, key, "decimal", min_value=0)
    return items


def item_catalog(questionnaires: Iterable[Questionnaire]) -> dict[str, dict[str, ItemSpec]]:
    """tier -> item (question id or fact key) -> spec. A fact key names the question that feeds it."""
    catalog: dict[str, dict[str, ItemSpec]] = {"province": _province_items()}
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
    return catalog
