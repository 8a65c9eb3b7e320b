"""`cdht questionnaire schema|diagram`: the questionnaire definitions, as JSON Schema or as a Mermaid diagram."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cdht.cli.common import fail

questionnaire_app = typer.Typer(help="Bộ câu hỏi.")


def register(app: typer.Typer) -> None:
    app.add_typer(questionnaire_app, name="questionnaire")


@questionnaire_app.command("schema")
def questionnaire_schema_command() -> None:
    """In JSON Schema của định nghĩa bộ câu hỏi (sinh từ mô hình pydantic)."""
    from cdht.conversations.definition.schema import questionnaire_json_schema

    typer.echo(json.dumps(questionnaire_json_schema(), ensure_ascii=False, indent=2))


@questionnaire_app.command("diagram")
def questionnaire_diagram_command(
    questionnaire_id: Annotated[str, typer.Argument(help="Mã bộ câu hỏi")],
) -> None:
    """In sơ đồ Mermaid của một bộ câu hỏi (các câu và điều kiện hỏi)."""
    from cdht.conversations.definition.loader import builtin_questionnaires
    from cdht.conversations.definition.mermaid import questionnaire_mermaid

    questionnaires = builtin_questionnaires()
    if questionnaire_id not in questionnaires:
        raise fail(f"Không có bộ câu hỏi '{questionnaire_id}'. Có: {', '.join(sorted(questionnaires))}.")
    typer.echo(questionnaire_mermaid(questionnaires[questionnaire_id]))
