"""Who am I: lets a dealer system or a page check which scope its credentials carry."""

from django.http import HttpRequest
from ninja import Router, Schema

from insidetrack.core.api_auth import actor_of
from insidetrack.core.schemas import ErrorOut

router = Router()


class MeOut(Schema):
    role: str
    brand_id: int | None
    region_id: int | None
    dealer_id: int | None
    customer_id: int | None
    department: str | None


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="The caller's role and scope")
def me(request: HttpRequest) -> MeOut:
    actor = actor_of(request)
    return MeOut(role=str(actor.role), brand_id=actor.brand_id, region_id=actor.region_id,
                 dealer_id=actor.dealer_id, customer_id=actor.customer_id, department=actor.department)
