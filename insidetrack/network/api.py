from django.http import HttpRequest
from ninja import Router, Schema

from insidetrack.core.api_auth import actor_of
from insidetrack.core.schemas import ErrorOut

from .selectors import dealers_visible_to

router = Router()


class DealerOut(Schema):
    pk: int
    code: str
    name: str
    region: str
    country: str
    language: str
    time_zone: str


@router.get("/dealers", response={200: list[DealerOut], 401: ErrorOut}, summary="Dealers the caller may see")
def list_dealers(request: HttpRequest) -> list[DealerOut]:
    return [
        DealerOut(pk=d.pk, code=d.code, name=d.name, region=d.region.name, country=d.country, language=d.language,
                  time_zone=d.time_zone)
        for d in dealers_visible_to(actor_of(request)).order_by("code")
    ]
