from django.http import HttpRequest
from ninja import Router, Schema

from insidetrack.core.api_auth import actor_of
from insidetrack.core.schemas import ErrorOut

from .selectors import touchpoints_for

router = Router()


class TouchpointOut(Schema):
    code: str
    name: str
    stage: str
    position: int
    department: str
    rational_needs: str
    emotional_needs: str
    is_surveyed: bool


@router.get("/touchpoints", response={200: list[TouchpointOut], 401: ErrorOut}, summary="The journey's touchpoints")
def list_touchpoints(request: HttpRequest) -> list[TouchpointOut]:
    return [
        TouchpointOut(code=t.code, name=t.display_name(), stage=t.stage.code, position=t.position,
                      department=t.department, rational_needs=t.rational_needs, emotional_needs=t.emotional_needs,
                      is_surveyed=t.is_surveyed)
        for t in touchpoints_for(actor_of(request))
    ]
