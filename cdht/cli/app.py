"""The `cdht` command line (typer): the root app and its commands, one module per group. Each command opens
the app from settings and runs one use case; what a command needs is imported when it runs, so that
`cdht --help` stays quick."""

from __future__ import annotations

import typer

from cdht.cli import (
    broadcasts,
    database,
    exports,
    imports,
    people,
    questionnaires,
    recognitions,
    records,
    reminders,
    running,
    scores,
)

__all__ = ["app", "main"]

app = typer.Typer(help="cdht: bot thu thập dữ liệu đánh giá Cộng đồng học tập (TT 25/2023/TT-BGDĐT).")

# The order of `cdht --help`.
imports.register(app)  # import-roster, import-answers
imports.register_units(app)  # the group `units`: import
scores.register(app)  # score
running.register(app)  # chat, run, worker
database.register(app)  # seed-demo; the group `db`
exports.register(app)  # export
broadcasts.register(app)  # broadcast
reminders.register(app)  # remind
recognitions.register(app)  # recognize
reminders.register_deadline(app)  # deadline
records.register(app)  # audit
records.register_prune(app)  # prune
people.register_invite(app)  # invite
people.register(app)  # the group `people`: deactivate, reactivate
questionnaires.register(app)  # the group `questionnaire`


def main() -> None:
    app()
