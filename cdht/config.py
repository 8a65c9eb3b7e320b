"""Settings from the environment and `.env`, all prefixed `CDHT_`. Tokens are SecretStr and never logged."""

from __future__ import annotations

from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from cdht.scoring.facts import RecognitionValidity


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CDHT_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy async URL; default: SQLite file cdht.sqlite3 under data_dir"
    )
    database_schema: str | None = Field(
        default=None,
        description="PostgreSQL only: the schema to use (its search_path), e.g. to share one database",
    )

    telegram_token: SecretStr | None = None
    telegram_api_base: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_host: str = "127.0.0.1"
    telegram_webhook_port: int = 8080

    zalo_token: SecretStr | None = None
    zalo_api_base: str = "https://bot-api.zaloplatforms.com"
    zalo_webhook_url: str | None = Field(
        default=None, description="Zalo webhook URL; default: <public_url>/zalo/webhook"
    )
    zalo_webhook_secret: SecretStr | None = None
    public_url: str | None = Field(
        default=None,
        description="Public HTTPS address of the bot's own HTTP server (Zalo webhook, file links, Mini App)",
    )
    http_host: str = "127.0.0.1"
    http_port: int = 8081
    file_url_secret: SecretStr | None = Field(
        default=None, description="Key signing file links; default: derived from the Zalo token"
    )
    file_url_ttl_hours: float = 72.0
    miniapp: bool = Field(
        default=True,
        description="Serve the Mini App (progress, review, dossier pages) under <public_url>/app when a public URL is set",
    )
    miniapp_secret: SecretStr | None = Field(
        default=None,
        description="Key signing Mini App sessions and links; default: derived from the file-link secret or a bot token",
    )
    miniapp_init_max_age_seconds: int = Field(
        default=3600,
        gt=0,
        description="How old Telegram's initData (its auth_date) may be when a Mini App opens",
    )
    miniapp_session_minutes: float = Field(
        default=30.0, gt=0, description="How long a Mini App session lasts without being used"
    )
    miniapp_link_minutes: float = Field(
        default=15.0,
        gt=0,
        description="How long a signed Mini App link sent on Zalo or the console stays valid",
    )
    miniapp_cookie_samesite: Literal["Lax", "Strict", "None"] = Field(
        default="Lax",
        description="SameSite of the session cookie; `None` (sent with Secure and Partitioned) lets Telegram Web open the app in its frame",
    )
    file_store: Literal["folder", "database"] = Field(
        default="folder",
        description=(
            "Where evidence, dossier documents and exports are kept: `folder` (under data_dir, one machine) "
            "or `database` (rows of the database, which every worker on one PostgreSQL reaches)"
        ),
    )

    sqlite_inline: bool = Field(
        default=True,
        description="SQLite calls run in place on the event loop's thread (fast); off: in aiosqlite's thread",
    )
    slow_ms: float = Field(
        default=100.0, description="Statements slower than this, and event-loop stalls longer, are logged"
    )

    rate_global_per_second: float = 25.0
    rate_per_chat_per_second: float = 1.0
    rate_per_group_per_minute: float = 20.0
    rate_bulk_floor: float = Field(
        default=0.2, ge=0.0, le=1.0, description="Share of the global rate kept for broadcasts and reminders"
    )

    assessment_year: int | None = Field(
        default=None,
        description="The calendar year being assessed; default: this year from July, else last year",
    )
    timezone: str = "Asia/Ho_Chi_Minh"
    log_level: str = "INFO"
    retention_days: int = Field(
        default=30,
        ge=1,
        description=(
            "Days the raw content of handled updates, of sent messages and exported files is kept "
            "(Nghị định 13/2023/NĐ-CP); `cdht prune` and the daily scheduler drop what is older"
        ),
    )
    dossier_receivers: dict[str, str] = Field(
        default={"commune": "district", "district": "province", "province": "province"},
        description=(
            "Which tier receives and decides a unit's dossier, by the tier evaluated (TT25 Điều 9, 14, 19; "
            "changed with the 2025 reorganisation): found by walking up from the unit"
        ),
    )
    departments_file: Path | None = Field(
        default=None,
        description=(
            "YAML list of a district's (or province's) departments and the indicators each owns; "
            "default: the packaged cdht/scoring/criteria/departments.yaml"
        ),
    )
    invite_ttl_hours: float = Field(
        default=72.0, gt=0, description="How long a one-time invite code (`/moi`, `cdht invite`) stays valid"
    )
    annual_report_issuers: dict[str, str] = Field(
        default={"district": "Phòng Giáo dục và Đào tạo", "province": "Sở Giáo dục và Đào tạo"},
        description=(
            "Who issues the yearly report made in May (TT25 Điều 23.2), by the reporting unit's code or tier "
            "(the code wins): an office under the unit's People's Committee, or a whole body when the text "
            "holds {unit} (e.g. 'Ủy ban nhân dân {unit}')"
        ),
    )
    annual_report_recipients: dict[str, list[str]] = Field(
        default={
            "district": ["Sở Giáo dục và Đào tạo {parent}", "Ủy ban nhân dân {unit}"],
            "province": ["Bộ Giáo dục và Đào tạo", "Ủy ban nhân dân {unit}"],
        },
        description=(
            "To whom the yearly report goes («Nơi nhận»), by the reporting unit's code or tier (the code wins); "
            "{unit} is the reporting unit ('huyện Kim Sơn'), {parent} the unit above it ('tỉnh Ninh Bình')"
        ),
    )
    recognition_validity: RecognitionValidity = Field(
        default="assessed_year",
        description=(
            "How «bảo lưu trong thời hạn 3 năm (36 tháng) tiếp theo năm được công nhận» (TT25 Điều 5.4, 10.4, "
            "15.4) is read: `assessed_year` (three years after the year assessed) or `decision_year` (three "
            "years after the year of the decision); see cdht/scoring/FACTS.md"
        ),
    )

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'cdht.sqlite3').as_posix()}"

    def year_for(self, today: date) -> int:
        """Data of year Y is collected late in Y and sent before 28/02 of Y+1 (TT25 Điều 9)."""
        if self.assessment_year is not None:
            return self.assessment_year
        return today.year if today.month >= 7 else today.year - 1

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"
