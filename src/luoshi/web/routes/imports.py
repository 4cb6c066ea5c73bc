"""Import a plan from the browser: upload → preview the extraction → confirm (office only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.responses import Response

from luoshi.errors import LuoshiError
from luoshi.services import imports
from luoshi.services.access import Forbidden, require_office
from luoshi.web.deps import DbDep, RequiredUser, client_ip
from luoshi.web.templating import render

router = APIRouter(tags=["import"])


@router.get("/import", include_in_schema=False)
def import_page(request: Request, user: RequiredUser) -> Response:
    require_office(user)
    return render(request, "import.html", {"preview": None, "report": None, "error": None})


@router.post("/import/preview", include_in_schema=False)
def import_preview(request: Request, db: DbDep, user: RequiredUser,
                   file: Annotated[UploadFile, File()]) -> Response:  # fmt: skip
    require_office(user)
    limit = request.app.state.settings.max_upload_bytes
    try:
        preview = imports.preview(db, user, file.filename or "", file.file.read(limit + 1), limit)
    except LuoshiError as exc:
        if isinstance(exc, Forbidden):
            raise
        return render(request, "import.html", {"preview": None, "report": None, "error": str(exc)}, 400)
    return render(request, "import.html", {"preview": preview, "report": None, "error": None})


@router.post("/import/confirm", include_in_schema=False)
def import_confirm(request: Request, db: DbDep, user: RequiredUser, sha256: Annotated[str, Form()]) -> Response:
    try:
        report = imports.confirm(db, user, sha256, client_ip(request))
        db.commit()  # the staged file goes only once the import is safely stored
    except LuoshiError as exc:
        if isinstance(exc, Forbidden):
            raise
        db.rollback()  # a bad file leaves nothing behind
        return render(request, "import.html", {"preview": None, "report": None, "error": str(exc)}, 400)
    imports.discard(user, sha256)
    return render(request, "import.html", {"preview": None, "report": report.files[0], "error": None})
