"""Labels over HTTP: list them with their task counts, rename one, delete one (its
tasks are kept). Labels are made by giving them to a task."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from todochat.api.deps import PathUser, SessionDep
from todochat.api.schemas import BODY_ERRORS, ERROR_RESPONSES, error_responses
from todochat.services import labels

router = APIRouter(prefix="/api/{user_id}/labels", tags=["labels"], responses=ERROR_RESPONSES)

LabelName = Annotated[str, Path(alias="name", max_length=100, description="The label's name.")]


class LabelOut(BaseModel):
    """A label and how many of your tasks carry it."""

    name: str
    tasks: int


class LabelRename(BaseModel):
    name: str = Field(max_length=100, description="The new name (its case too).")


@router.get("")
async def list_labels(user: PathUser, session: SessionDep) -> list[LabelOut]:
    """Your labels, alphabetical."""
    return [
        LabelOut(name=c.name, tasks=c.tasks) for c in await labels.list_labels(session, user.id)
    ]


@router.patch(
    "/{name}",
    responses={**BODY_ERRORS, **error_responses(e409="Another label has that name")},
)
async def rename_label(
    name: LabelName, body: LabelRename, user: PathUser, session: SessionDep
) -> LabelOut:
    """Rename a label; every task carrying it shows the new name."""
    renamed = await labels.rename_label(session, user.id, name, body.name)
    return LabelOut(name=renamed.name, tasks=renamed.tasks)


@router.delete("/{name}", status_code=204)
async def delete_label(name: LabelName, user: PathUser, session: SessionDep) -> Response:
    """Delete a label: its tasks lose it and are kept."""
    await labels.delete_label(session, user.id, name)
    return Response(status_code=204)
