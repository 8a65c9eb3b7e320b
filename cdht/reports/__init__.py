"""Pure renderers of the dossier and reports: XLSX tables, DOCX drafts, PNG charts, the evidence ZIP.

Plain data in (`inputs`), bytes or text out; no database, network or clock (dates are passed in).
Charts use matplotlib's Figure API with the Agg canvas only, so they may run in worker threads.

The names below are loaded when first used (PEP 562): importing `cdht.reports.annual_stats` or
`cdht.reports.inputs` must not pull in matplotlib, python-docx and xlsxwriter, which cost most of a second
and which a command such as `cdht score` never uses.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES = {  # public name: the module that defines it
    "criteria_status_chart": "cdht.reports.charts.drawings",
    "district_overview_chart": "cdht.reports.charts.drawings",
    "village_completion_chart": "cdht.reports.charts.drawings",
    "annual_report_document": "cdht.reports.docx.annual",
    "request_letter": "cdht.reports.docx.letter",
    "self_assessment_report": "cdht.reports.docx.self_assessment",
    "evidence_index": "cdht.reports.evidence.archive",
    "evidence_layout": "cdht.reports.evidence.archive",
    "write_evidence_zip": "cdht.reports.evidence.archive",
    "safe_file_name": "cdht.reports.evidence.names",
    "VILLAGE_STATES": "cdht.reports.inputs",
    "AnnualReportInput": "cdht.reports.inputs",
    "CommuneDossier": "cdht.reports.inputs",
    "DistrictDossier": "cdht.reports.inputs",
    "EvidenceRecord": "cdht.reports.inputs",
    "RecognitionRecord": "cdht.reports.inputs",
    "Signing": "cdht.reports.inputs",
    "UnitDossier": "cdht.reports.inputs",
    "VillageFigures": "cdht.reports.inputs",
    "VillageState": "cdht.reports.inputs",
    "annual_report_workbook": "cdht.reports.xlsx.annual",
    "sheet_name": "cdht.reports.xlsx.base",
    "commune_workbook": "cdht.reports.xlsx.commune",
    "district_workbook": "cdht.reports.xlsx.district",
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
