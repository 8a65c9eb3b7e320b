"""Every criterion and indicator name is the circular's own wording, read from the circular's text.

The text of Thông tư 25/2023/TT-BGDĐT (Điều 4–25 as codified) ships with the package
(cdht/scoring/criteria/tt25-2023-text.txt). It is parsed here into articles → «Tiêu chí N: …» →
«Chỉ tiêu N: …» clauses, «Nội dung tiêu chí theo quy định tại khoản K Điều A» followed, and each name of the
criteria sets compared with the clause of the article that sets its level. Only typography is forgiven:
quote marks, dashes, spacing, the clause's closing «;» or «.», and the law's «(sau đây gọi tắt là …)».
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import pytest
from pydantic import ValidationError

from cdht.scoring import UnitFacts
from cdht.scoring.criteria_set import SET_BY_TIER, CriteriaSet, Indicator, load_criteria_set
from cdht.scoring.evaluate import evaluate
from cdht.scoring.facts import Tier
from cdht.scoring.results import LEVELS
from cdht.scoring.rules import DoneRule

TIERS: tuple[Tier, ...] = ("commune", "district", "province")
CASES = [(tier, level) for tier in TIERS for level in LEVELS]

_ARTICLE = re.compile(r"^Điều 13\.1\.TT\.179\.(\d+)\.")
_CRITERION = re.compile(r"^(\d+)\. Tiêu chí (\d+): (.+)$")
_INDICATOR = re.compile(r"^[a-zđ]\) Chỉ tiêu (\d+): (.+)$")
_SAME_AS = re.compile(r"^Nội dung tiêu chí theo quy định tại khoản (\d+) Điều (\d+) Thông tư này\.?$")

# Điều 12 and Điều 17 (level 2 of district and province) call criterion 1 «… chính quyền cấp xã»: a slip,
# their content being khoản 1 of Điều 11 / Điều 16. The sets keep the tier's own wording (see the YAML).
SLIPS = {("district", 2, "1"): "cấp xã", ("province", 2, "1"): "cấp xã"}


@dataclass
class Clause:
    name: str
    indicators: dict[int, str] = field(default_factory=dict)
    same_as: tuple[int, int] | None = None
    """(article, criterion) whose indicators this criterion takes over («Nội dung tiêu chí theo …»)."""


@cache
def circular_text() -> str:
    return (resources.files("cdht.scoring") / "criteria" / "tt25-2023-text.txt").read_text(encoding="utf-8")


@cache
def circular() -> dict[int, dict[int, Clause]]:
    """Article number → criterion number → its clause, for every article that lists criteria."""
    text = circular_text()
    articles: dict[int, dict[int, Clause]] = {}
    article: dict[int, Clause] | None = None
    criterion: Clause | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if found := _ARTICLE.match(line):
            article, criterion = articles.setdefault(int(found[1]), {}), None
        elif article is None:
            continue
        elif found := _CRITERION.match(line):
            assert found[1] == found[2], line
            number = int(found[2])
            # The codified text repeats a criterion's heading line around the article's source note.
            assert number not in article or article[number].name == found[3], line
            criterion = article.setdefault(number, Clause(found[3]))
        elif (found := _INDICATOR.match(line)) and criterion is not None:
            criterion.indicators[int(found[1])] = found[2]
        elif (found := _SAME_AS.match(line)) and criterion is not None:
            criterion.same_as = (int(found[2]), int(found[1]))
    return {number: clauses for number, clauses in articles.items() if clauses}


def indicator_clauses(article: int, criterion: int) -> dict[int, str]:
    clause = circular()[article][criterion]
    if clause.same_as is not None:
        return indicator_clauses(*clause.same_as)
    return clause.indicators


def typography(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[“”„«»\"]", '"', text)
    text = re.sub(r"[‘’`']", "'", text)
    text = re.sub(r"\s*[–—]\s*", " - ", text)
    return " ".join(text.split())


@cache
def abbreviations() -> dict[str, str]:
    """The acts the circular cites in full once and names short after: «LONG (sau đây gọi tắt là SHORT)»,
    LONG being the citation that starts with SHORT on the same line. By the circular's own definition both
    name the same act, so a name may use either (commune 4.1 reads the long one at level 2 too)."""
    found = {}
    text = circular_text()
    for match in re.finditer(r"\(sau đây gọi tắt là ([^)]*)\)", text):
        before = text[: match.start()]
        start = before.rfind(match[1])
        if start != -1 and "\n" not in before[start:]:
            found[typography(before[start:])] = typography(match[1])
    return found


def words(text: str) -> str:
    """The wording without its typography: quotes, dashes, spaces, the closing «;» or «.», and the long
    citations of the acts the circular abbreviates."""
    text = typography(re.sub(r"\s*\(sau đây gọi tắt là [^)]*\)", "", text))
    for long, short in sorted(abbreviations().items(), key=lambda item: -len(item[0])):
        text = text.replace(long, short)
    return text.rstrip(" ;.")


def article_of(criteria_set: CriteriaSet, level: int) -> int:
    found = re.fullmatch(r"Điều (\d+)", criteria_set.articles[level])
    assert found, criteria_set.articles[level]
    return int(found[1])


def test_the_packaged_text_holds_the_criteria_of_every_tier_and_level() -> None:
    """The parser found what the rest of this file compares against: 6 articles with 4–5 criteria each."""
    assert set(TIERS) == set(SET_BY_TIER)
    for tier, level in CASES:
        criteria_set = load_criteria_set(SET_BY_TIER[tier])
        clauses = circular()[article_of(criteria_set, level)]
        assert sorted(clauses) == list(range(1, len(criteria_set.criteria) + 1)), (tier, level)
        for criterion in criteria_set.criteria:
            found = indicator_clauses(article_of(criteria_set, level), int(criterion.id))
            assert sorted(found) == list(range(1, len(criterion.indicators) + 1)), (tier, level, criterion.id)


@pytest.mark.parametrize(("tier", "level"), CASES)
def test_criterion_names_are_the_circulars_words(tier: str, level: int) -> None:
    criteria_set = load_criteria_set(SET_BY_TIER[tier])
    clauses = circular()[article_of(criteria_set, level)]
    for criterion in criteria_set.criteria:
        expected = clauses[int(criterion.id)].name
        slip = SLIPS.get((tier, level, criterion.id))
        if slip is not None:
            assert slip in expected, f"the circular no longer reads «{slip}» in {tier} {level} criterion 1"
            expected = circular()[article_of(criteria_set, 1)][int(criterion.id)].name
        assert words(criterion.name) == words(expected), f"{tier} tiêu chí {criterion.id}"


@pytest.mark.parametrize(("tier", "level"), CASES)
def test_indicator_names_are_the_circulars_words_at_each_level(tier: str, level: int) -> None:
    criteria_set = load_criteria_set(SET_BY_TIER[tier])
    article = article_of(criteria_set, level)
    for criterion in criteria_set.criteria:
        clauses = indicator_clauses(article, int(criterion.id))
        for number, indicator in enumerate(criterion.indicators, start=1):
            wording = indicator.name_at(level)
            assert words(wording) == words(clauses[number]), f"{tier} chỉ tiêu {indicator.id}, mức độ {level}"


@pytest.mark.parametrize("tier", TIERS)
def test_an_assessment_carries_each_levels_wording(tier: Tier) -> None:
    """Commune 4.2 reads «mức độ 2» at level 1 and «mức độ 3» at level 2: each result names its own level's."""
    criteria_set = load_criteria_set(SET_BY_TIER[tier])
    assessment = evaluate(UnitFacts(unit_code="U", unit_name="U", tier=tier, year=2024, facts={}))
    differs = 0
    for level in LEVELS:
        results = [
            result for criterion in assessment.levels[str(level)].criteria for result in criterion.indicators
        ]
        for indicator, result in zip(criteria_set.indicators, results, strict=True):
            assert result.name == indicator.name_at(level)
            differs += indicator.name_at(level) != indicator.name
    assert differs, f"{tier}: some indicator is worded differently at level 2 in the circular"


def test_the_comparison_forgives_typography_only() -> None:
    commune_5 = circular()[6][5].name
    assert words('Tác dụng của việc xây dựng "Cộng đồng học tập"  cấp xã.') == words(commune_5)
    assert words("Hiệu quả xây dựng cộng đồng học tập") != words(commune_5)
    assert words("Kết quả phổ cập giáo dục – xóa mù chữ") == words(circular()[6][4].name)
    # A level's threshold is part of the words: «mức độ 2» is not «mức độ 3».
    assert words(circular()[6][4].indicators[2]) != words(circular()[7][4].indicators[2])


def test_the_abbreviated_acts_are_found() -> None:
    assert sorted(abbreviations().values()) == ["Nghị định số 20/2014/NĐ-CP", "Quyết định số 324/QĐ-KHVN"]
    level_1, level_2 = circular()[6][4].indicators[1], circular()[7][4].indicators[1]
    assert level_1 != level_2 and words(level_1) == words(level_2)


def test_per_level_names_are_for_the_two_levels_only() -> None:
    with pytest.raises(ValidationError, match="names may be given for levels"):
        Indicator(id="1.1", name="A", names={3: "B"}, rule=DoneRule(type="done", fact="1.1"))
    indicator = Indicator(id="1.1", name="A", names={2: "B"}, rule=DoneRule(type="done", fact="1.1"))
    assert (indicator.name_at(1), indicator.name_at(2)) == ("A", "B")
