"""Realistic assessments and dossiers for the renderer tests, scored by the real scorer."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import docx
import openpyxl
from openpyxl.workbook.workbook import Workbook

from cdht.reports import (
    AnnualReportInput,
    CommuneDossier,
    DistrictDossier,
    RecognitionRecord,
    Signing,
    VillageFigures,
)
from cdht.reports.inputs import DifficultyItem
from cdht.scoring import Assessment, Fact, UnitFacts, evaluate
from cdht.scoring.learning_models import LearningModels, ModelCount
from tests.scoring.builders import YEAR, commune, district, level_2_commune_answers, village, villages

STATUS_LABELS = {
    "pass": "Đạt",
    "fail": "Không đạt",
    "missing": "Thiếu số liệu",
    "no_evidence": "Thiếu minh chứng",
}
NASTY = ('=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1:A2)", "=1+1")
SIGNING = Signing(
    place="Hòa Bình",
    signed_on=date(2025, 2, 10),
    signer_name="Nguyễn Thị Lan",
    recipient="Phòng Giáo dục và Đào tạo huyện Kim Sơn",
)


def level_2_commune(code: str = "X01") -> Assessment:
    return evaluate(commune(code=code))


def level_1_commune(code: str = "X02") -> Assessment:
    """5.1 at 70%: enough for level 1, not for level 2."""
    return evaluate(commune(code=code, children=villages(1000, 700, 650, 160)))


def troubled_commune_facts(code: str = "X03") -> UnitFacts:
    """Every status: 1.2 without evidence, 2.1 failed, 4.2 missing, 5.1/5.2 missing (a village silent)."""
    answers = level_2_commune_answers()
    answers["1.2"] = Fact(True, 0)
    answers["2.1"] = Fact(False, 1)
    del answers["4.2"]
    children = [*villages(900, 700, 500, 120, count=3), village("Thôn Im Lặng", None, None, None, None)]
    return commune(answers, children, code=code)


def troubled_commune(code: str = "X03") -> Assessment:
    return evaluate(troubled_commune_facts(code))


def commune_totals_commune() -> Assessment:
    """The commune entered its own totals, on the base of citizens aged 15 and over."""
    answers = level_2_commune_answers() | {
        "citizens": Fact(2000),
        "learning_citizens": Fact(1234),
        "trained_citizens": Fact(1100),
        "university_citizens": Fact(250),
        "citizen_base": Fact("age15plus"),
    }
    return evaluate(commune(answers, code="X04"))


def village_figures() -> list[VillageFigures]:
    return [
        VillageFigures("T01", "Thôn Đồng Mỏ", 250, 214, 163, 41, "approved", 12, 12),
        VillageFigures("T02", "Bản Nà Pàn", 250, 212, 162, 40, "completed", 12, 12),
        VillageFigures("T03", "Xóm Ải", 250, 212, 162, 40, "returned", 9, 12),
        VillageFigures("T04", "Tổ dân phố 4", 250, 212, 163, 39, "in_progress", 4, 12),
        VillageFigures("T05", NASTY[0], None, None, None, None, "not_started", 0, 12),
    ]


def commune_dossier(assessment: Assessment | None = None) -> CommuneDossier:
    assessment = assessment or level_2_commune()
    counts = {indicator: 2 for indicator in ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3")}
    return CommuneDossier(assessment, village_figures(), counts | {"4.1": 1}, SIGNING)


def district_assessment(names: tuple[str, ...] = ()) -> Assessment:
    """Three communes (levels 2, 1, 0) plus level-2 communes named `names`."""
    communes = [
        commune(code="X01"),
        commune(code="X02", children=villages(1000, 700, 650, 160)),
        troubled_commune_facts(),
    ]
    communes += [replace(commune(code=f"N{index}"), unit_name=name) for index, name in enumerate(names)]
    return evaluate(district(communes=communes))


RECOGNITIONS = (
    RecognitionRecord(
        "X01", "Xã X01", 2, YEAR, "123/QĐ-PGDĐT", date(2025, 3, 25), "Phòng Giáo dục và Đào tạo"
    ),
    RecognitionRecord("X02", "Xã X02", 1, YEAR, NASTY[1], None, NASTY[3]),
)


def district_dossier(assessment: Assessment | None = None) -> DistrictDossier:
    assessment = assessment or district_assessment()
    children = tuple(CommuneDossier(child, evidence_counts={"1.1": 3}) for child in assessment.children)
    return DistrictDossier(assessment, children, RECOGNITIONS, {"1.1": 4}, SIGNING)


def annual_input() -> AnnualReportInput:
    assessment = district_assessment()
    return AnnualReportInput(
        unit_name="Huyện Kim Sơn",
        year=YEAR,
        communes=assessment.children,
        recognitions=RECOGNITIONS,
        communes_total=5,
        district=assessment,
        signing=SIGNING,
    )


DIFFICULTIES = (
    DifficultyItem(
        7,
        "Xã X01",
        "Thôn Đồng Mỏ",
        "Hoàng Văn Tư",
        date(2024, 11, 5),
        "Gia đình có con đi làm xa có được tính là gia đình học tập không?",
        "Được tính nếu gia đình đáp ứng các tiêu chí do xã ban hành.",
        "Lê Thị Hoa",
        date(2024, 11, 6),
    ),
    DifficultyItem(9, "Xã X01", "Xã X01", "Cán bộ xã X01", date(2025, 1, 10), "Nộp biên bản họp ở đâu?"),
    DifficultyItem(8, "Xã X03", "Bản Nà Pàn", "Lò Văn Sáng", date(2024, 12, 1), NASTY[0]),
)
LEARNING_MODELS = {
    "X01": LearningModels(ModelCount(6, 5), ModelCount(420, 390), ModelCount(12, 10), ModelCount(4, 3), 4, 4),
    "X02": LearningModels(ModelCount(3, 3), ModelCount(300, 250), ModelCount(0, 0), ModelCount(4, 4), 3, 4),
}


def may_report_input() -> AnnualReportInput:
    """The yearly report with what the May report adds: stages, learning models, difficulties."""
    return replace(
        annual_input(),
        stages={"X01": "đã quyết định (đạt)", "X02": "hội đồng đang thẩm định"},
        learning_models=LEARNING_MODELS,
        difficulties=DIFFICULTIES,
        period=(date(YEAR, 7, 1), date(YEAR + 1, 5, 20)),
    )


def open_workbook(data: bytes) -> Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def docx_text(data: bytes) -> str:
    """Every paragraph of the body, the tables and the page header, one per line."""
    document = docx.Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(paragraph.text for paragraph in cell.paragraphs)
    for section in document.sections:
        lines.extend(paragraph.text for paragraph in section.header.paragraphs)
    return "\n".join(lines)
