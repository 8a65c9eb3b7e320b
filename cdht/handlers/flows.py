"""Multi-step officer actions (compose a broadcast, return answers, record a decision, raise or answer a
difficulty) as typed state: one model per flow, told apart by `name`, stored as JSON through the unit of
work's `flows`, so a restart in the middle loses nothing. A stored state this version does not understand
(left by an older one) counts as no flow: the person gets the normal reply instead of an error."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, get_args

import structlog
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from cdht.conversations.inbound import MediaKind
from cdht.handlers.ports import PersonRecord, UnitOfWork

log = structlog.get_logger(__name__)

AudienceRole = Literal["all", "village_head", "commune_officer", "district_admin"]
BroadcastStep = Literal["text", "role", "unit", "unfinished", "confirm"]


class _Flow(BaseModel):
    model_config = ConfigDict(frozen=True)


class Attachment(_Flow):
    """A photo or file sent with a broadcast, already in the file store (its sha256 there)."""

    sha256: str
    kind: MediaKind
    name: str | None = None


class BroadcastFlow(_Flow):
    """/thongbao: the text, then the audience (role, unit, only the unfinished), then the confirmation."""

    name: Literal["broadcast"] = "broadcast"
    step: BroadcastStep = "text"
    text: str = ""
    attachment: Attachment | None = None
    role: AudienceRole | None = None
    unit: str | None = None  # a unit code in the author's scope
    unfinished: bool = False


class ReturnFlow(_Flow):
    """/tralai: the officer types which answers the village must fix, and why."""

    name: Literal["return"] = "return"
    village: str  # the village's unit code


class DifficultyFlow(_Flow):
    """/vuongmac: the person types a difficulty or question for the admins responsible."""

    name: Literal["difficulty"] = "difficulty"


class DifficultyReplyFlow(_Flow):
    """/vm_traloi: an admin types the answer to one difficulty."""

    name: Literal["difficulty_reply"] = "difficulty_reply"
    id: int  # the difficulty's


class RecognitionFlow(_Flow):
    """/congnhan: an admin types a recognition decision, until one is recorded."""

    name: Literal["recognition"] = "recognition"


class AccessFlow(_Flow):
    """/khoa, /mokhoa: ending (or giving back) someone's access, waiting for the officer's confirmation."""

    name: Literal["access"] = "access"
    action: Literal["deactivate", "reactivate"]
    person: int  # the person's id, found in the officer's area when asked
    reason: str


class MeetingFlow(_Flow):
    """/hop: the self-assessment meeting (TT25 Điều 9.1.c), typed step by step: the day, who chaired, who took
    part, the level agreed."""

    name: Literal["meeting"] = "meeting"
    step: Literal["date", "chair", "participants", "level"] = "date"
    held_on: str | None = None  # ISO date
    chair: str = ""
    participants: str = ""


class DossierReturnFlow(_Flow):
    """/hoso: the receiving office types why a dossier goes back to the unit that sent it."""

    name: Literal["dossier_return"] = "dossier_return"
    dossier: int  # the dossier's id


class CouncilFlow(_Flow):
    """/hoidong: Phòng GD&ĐT types the council's members (phone and role), until a valid list is saved."""

    name: Literal["council"] = "council"


class OpinionFlow(_Flow):
    """/ykien: a council member's written opinion on the criteria of one dossier, one criterion at a time."""

    name: Literal["opinion"] = "opinion"
    dossier: int
    criterion: str  # the criterion's id being answered
    agrees: bool | None = None  # chosen with a button; the comment comes next


Flow = Annotated[
    BroadcastFlow
    | ReturnFlow
    | DifficultyFlow
    | DifficultyReplyFlow
    | RecognitionFlow
    | AccessFlow
    | MeetingFlow
    | DossierReturnFlow
    | CouncilFlow
    | OpinionFlow,
    Field(discriminator="name"),
]
FLOW_TYPES: tuple[type[BaseModel], ...] = get_args(get_args(Flow)[0])
_STORED: TypeAdapter[Flow] = TypeAdapter(Flow)


def flow_from_state(state: dict[str, Any]) -> Flow | None:
    """The flow a stored state holds; None when it is not one this version knows (logged)."""
    try:
        return _STORED.validate_python(state)
    except ValidationError as error:
        name = state.get("name") if isinstance(state, dict) else None  # JSON from an older version: anything
        log.warning("stored officer flow not understood; dropped", flow=name, error=str(error))
        return None


async def current_flow(uow: UnitOfWork, person: PersonRecord) -> Flow | None:
    """The person's flow in progress, if any. A stored state this version does not understand is dropped,
    so it is logged once and the person's messages go where they would without it."""
    state = await uow.flows.get(person.id)
    if state is None:
        return None
    flow = flow_from_state(state)
    if flow is None:
        await uow.flows.clear(person.id)
    return flow


async def set_flow(uow: UnitOfWork, person: PersonRecord, flow: Flow | None, now: datetime) -> None:
    """Store the person's flow in progress, or end it (None)."""
    if flow is None:
        await uow.flows.clear(person.id)
    else:
        await uow.flows.save(person.id, flow.model_dump(mode="json"), now)
