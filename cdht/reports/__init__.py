"""Pure renderers of the dossier and reports: XLSX tables, DOCX drafts, PNG charts, the evidence ZIP.

Plain data in (`inputs`), bytes or text out; no database, network or clock (dates are passed in).
Charts use matplotlib's Figure API with the Agg canvas only, so they may run in worker threads.
"""

from cdht.reports.charts.drawings import (
    criteria_status_chart,
    district_overview_chart,
    village_completion_chart,
)
from cdht.reports.docx.annual import annual_report_document
from cdht.reports.docx.letter import request_letter
from cdht.reports.docx.self_assessment import self_assessment_report
from cdht.reports.evidence.archive import evidence_index, evidence_layout, write_evidence_zip
from cdht.reports.evidence.names import safe_file_name
from cdht.reports.inputs import (
    VILLAGE_STATES,
    AnnualReportInput,
    CommuneDossier,
    DistrictDossier,
    EvidenceRecord,
    RecognitionRecord,
    Signing,
    UnitDossier,
    VillageFigures,
    VillageState,
)
from cdht.reports.xlsx.annual import annual_report_workbook
from cdht.reports.xlsx.base import sheet_name
from cdht.reports.xlsx.commune import commune_workbook
from cdht.reports.xlsx.district import district_workbook

__all__ = [
    "VILLAGE_STATES",
    "AnnualReportInput",
    "CommuneDossier",
    "DistrictDossier",
    "EvidenceRecord",
    "RecognitionRecord",
    "Signing",
    "UnitDossier",
    "VillageFigures",
    "VillageState",
    "annual_report_document",
    "annual_report_workbook",
    "commune_workbook",
    "criteria_status_chart",
    "district_overview_chart",
    "district_workbook",
    "evidence_index",
    "evidence_layout",
    "request_letter",
    "safe_file_name",
    "self_assessment_report",
    "sheet_name",
    "village_completion_chart",
    "write_evidence_zip",
]
