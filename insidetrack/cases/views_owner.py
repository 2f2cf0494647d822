"""The photos an owner sent with an issue, served only through the scoping: to the owner, and to the dealer's
people, its region and head office, who may see the case. There is no public URL; each answer is private."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from insidetrack.core.errors import NotFound

from . import selectors_owner


@login_required
@require_GET
def photo(request: HttpRequest, pk: int, case_photo_pk: int) -> FileResponse:
    try:
        item = selectors_owner.photo_get(actor=request.actor, case_pk=pk, photo_pk=case_photo_pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("photo not found") from exc
    response = FileResponse(handle, content_type=item.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response
