"""Moving a task list in and out: export as JSON or CSV, import from a todochat export
or Todoist's CSV export."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from todochat.api.deps import PathUser, SessionDep
from todochat.api.schemas import ERROR_RESPONSES, error_responses
from todochat.errors import InvalidInputError
from todochat.services import exports, imports
from todochat.services import labels as label_service
from todochat.services.imports import ImportFormat, ImportReport

router = APIRouter(prefix="/api/{user_id}", tags=["export and import"], responses=ERROR_RESPONSES)

# The import route, allowed a larger body than the rest (Settings.max_import_bytes).
IMPORT_PATH = re.compile(r"/api/[^/]+/import")


class RowOut(BaseModel):
    """One row of the file: its number (a CSV file's header is row 1), the task it made
    or matched (`id`), or why it was refused."""

    row: int
    title: str | None
    id: int | None = None
    reason: str | None = None


class ImportOut(BaseModel):
    """What the import did, row by row."""

    format: ImportFormat
    created: list[RowOut]
    skipped: list[RowOut]
    refused: list[RowOut]

    @classmethod
    def of(cls, report: ImportReport) -> ImportOut:
        def rows(outcomes: list[imports.RowOutcome]) -> list[RowOut]:
            return [RowOut(row=o.row, title=o.title, id=o.id, reason=o.reason) for o in outcomes]

        return cls(
            format=report.format,
            created=rows(report.created),
            skipped=rows(report.skipped),
            refused=rows(report.refused),
        )


@router.get(
    "/export",
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
)
async def export_tasks(
    user: PathUser,
    session: SessionDep,
    format: Annotated[Literal["json", "csv"], Query(description="json or csv.")] = "json",
) -> Response:
    """Every task, as a file to download: times in your time zone."""
    tasks = await exports.all_tasks(session, user.id)
    labels = await label_service.labels_of(session, tasks)
    now = datetime.now(UTC)
    filename = f"todochat-tasks-{now.date().isoformat()}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if format == "csv":
        return Response(
            exports.export_csv(user, tasks, labels),
            media_type="text/csv; charset=utf-8",
            headers=headers,
        )
    document = exports.export_json(user, tasks, labels, exported_at=now)
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return Response(text, media_type="application/json", headers=headers)


@router.post(
    "/import",
    responses=error_responses(
        e400="The Content-Length is not a number",
        e413="The file is larger than the server accepts (MAX_IMPORT_BYTES)",
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {}, "text/csv": {}, "text/plain": {}},
        }
    },
)
async def import_tasks(
    request: Request,
    user: PathUser,
    session: SessionDep,
    format: Annotated[
        ImportFormat | None,
        Query(description="json, csv (todochat's) or todoist; omitted: told from the file."),
    ] = None,
) -> ImportOut:
    """Create tasks from a file sent as the request body; rows already in your list are
    skipped, so sending the same file again adds nothing."""
    # Its size is bounded before this runs (BodySizeLimitMiddleware, IMPORT_PATH).
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError("an import file must be UTF-8 text", "body") from exc
    if not text.strip():
        raise InvalidInputError("the file is empty", "body")
    return ImportOut.of(await imports.import_tasks(session, user, text, format))
