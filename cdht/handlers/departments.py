"""Which department answers which question: a tier's questionnaire split by the departments list (data).

A question belongs to the indicator whose rule reads its fact (an evidence question to the indicator of the
question it backs); the department owning that indicator in the departments list answers it. The tier's lead
(Phòng GD&ĐT of a district, Sở GD&ĐT of a province) and people with no department get the whole
questionnaire: they check and assemble it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cdht.scoring.criteria_set import criteria_set_for_tier
from cdht.scoring.departments import Departments, active_departments, load_departments, use_departments

if TYPE_CHECKING:  # the questionnaires are read when a split is first asked for, not when the app opens
    from cdht.conversations.definition.questionnaire import Questionnaire

# The questionnaire a tier's departments share.
TIER_QUESTIONNAIRE = {"district": "district", "province": "province"}
QUESTIONNAIRE_TIER = {questionnaire: tier for tier, questionnaire in TIER_QUESTIONNAIRE.items()}

_splits: dict[tuple[int, str], tuple[Departments, dict[str, Questionnaire]]] = {}


def question_indicators(questionnaire: Questionnaire, tier: str) -> dict[str, str | None]:
    """Question id -> the indicator it feeds (None: no indicator reads it)."""
    by_fact: dict[str, str] = {}
    for indicator in criteria_set_for_tier(tier).indicators:
        for key in indicator.rule.fact_keys():
            by_fact.setdefault(key, indicator.id)
    found: dict[str, str | None] = {}
    for question in questionnaire.questions:
        source = questionnaire.get(question.evidence_for) if question.evidence_for else question
        fact = source.fact if source is not None else None
        found[question.id] = by_fact.get(fact) if fact else None
    return found


def question_owners(questionnaire: Questionnaire, tier: str, departments: Departments) -> dict[str, str]:
    """Question id -> the department code that answers it."""
    owners = {}
    for question_id, indicator in question_indicators(questionnaire, tier).items():
        if indicator is not None:
            owners[question_id] = departments.owner_of(tier, indicator)
        else:
            declared = questionnaire.question(question_id).owner
            known = departments.get(declared)
            owners[question_id] = (
                declared if declared and known and known.serves(tier) else departments.lead_of(tier)
            )
    return owners


def _split(questionnaire_id: str, departments: Departments) -> dict[str, Questionnaire]:
    """Each department's part of the questionnaire (departments owning nothing of it are absent)."""
    key = (id(departments), questionnaire_id)
    cached = _splits.get(key)
    if cached is not None and cached[0] is departments:
        return cached[1]
    from cdht.conversations.definition.errors import QuestionnaireError
    from cdht.conversations.definition.loader import builtin_questionnaires
    from cdht.conversations.definition.questionnaire import Questionnaire

    full = builtin_questionnaires()[questionnaire_id]
    tier = QUESTIONNAIRE_TIER[questionnaire_id]
    owners = question_owners(full, tier, departments)
    data = full.model_dump()
    data["owners"] = {d.code: d.name for d in departments.at(tier)}
    for question in data["questions"]:
        question["owner"] = owners[question["id"]]
    owned = Questionnaire.model_validate(data)
    parts = {}
    for code in sorted(set(owners.values())):
        try:
            parts[code] = owned.for_owner(code)
        except QuestionnaireError as error:
            raise QuestionnaireError(
                error.code,
                f"the part of {questionnaire_id!r} owned by {code!r} does not stand alone: {error}",
            ) from error
    _splits[key] = (departments, parts)
    return parts


def department_questionnaire(questionnaire_id: str, department: str | None) -> Questionnaire | None:
    """What a person of `department` answers of `questionnaire_id`: everything for the lead (or no
    department), their own part for another department, None when their department owns nothing of it."""
    from cdht.conversations.definition.loader import builtin_questionnaires

    full = builtin_questionnaires()[questionnaire_id]
    departments = active_departments()
    if questionnaire_id not in QUESTIONNAIRE_TIER or departments.is_lead(department):
        return full
    return _split(questionnaire_id, departments).get(department or "")


def split_hashes(questionnaire_id: str) -> frozenset[str]:
    """Content hashes of the departments' parts (not the lead's whole): tells their sessions apart."""
    if questionnaire_id not in QUESTIONNAIRE_TIER:
        return frozenset()
    departments = active_departments()
    return frozenset(
        part.content_hash
        for code, part in _split(questionnaire_id, departments).items()
        if not departments.is_lead(code)
    )


def owner_of_question(questionnaire_id: str, question_id: str) -> str:
    """The department answering one question of a tier's questionnaire."""
    departments = active_departments()
    for code, part in _split(questionnaire_id, departments).items():
        if part.get(question_id) is not None:
            return code
    return departments.lead_of(QUESTIONNAIRE_TIER.get(questionnaire_id, "district"))


def check_departments(departments: Departments) -> None:
    """Every tier questionnaire splits cleanly under `departments` (raises QuestionnaireError otherwise)."""
    for questionnaire_id in QUESTIONNAIRE_TIER:
        _split(questionnaire_id, departments)


def configure_departments(path: Path | None) -> Departments:
    """Load the departments list (settings.departments_file, else the packaged one), check that a file of
    one's own splits the questionnaires cleanly, and put it in force. A bad file stops the start with its
    reason. The packaged list is checked against the packaged questionnaires by the tests, not at every
    start: reading and splitting the questionnaires is a tenth of `cdht score`'s run."""
    departments = load_departments(path)
    if path is not None:
        check_departments(departments)
    use_departments(departments)
    return departments
