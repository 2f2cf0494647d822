from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from insidetrack.core.api_auth import actor_of
from insidetrack.core.schemas import ErrorOut

from . import policies, selectors, services
from .models import CheckIn, CheckInOutcome, HandoverChecklistItem, HandoverPlan

router = Router()


class CustomerListIn(Schema):
    search: str = ""


class CustomerOut(Schema):
    pk: int
    first_name: str
    last_name: str
    email: str
    phone: str
    language: str
    dealer_code: str = Field(..., alias="dealer.code")
    household: str
    usage: list[str]
    handover_preference: str
    consent_surveys: bool
    created_at: datetime


class VehicleOut(Schema):
    vin: str
    model: str
    model_year: int
    powertrain: str


class CustomerDetailOut(CustomerOut):
    vehicles: list[VehicleOut]


@router.get("", response={200: list[CustomerOut], 401: ErrorOut}, summary="Customers the caller may see")
@paginate(LimitOffsetPagination)
def list_customers(request: HttpRequest, filters: Query[CustomerListIn]):
    return selectors.customer_list(actor=actor_of(request), search=filters.search)


@router.get("/{pk}", response={200: CustomerDetailOut, 401: ErrorOut, 404: ErrorOut}, summary="One customer")
def get_customer(request: HttpRequest, pk: int):
    return selectors.customer_get(actor=actor_of(request), pk=pk)


# --- Relationship work over the API: check-ins and handover plans (a dealer's CRM or handover app) -------------------


class CheckInOut(Schema):
    pk: int
    vin: str = Field(..., alias="ownership.vehicle.vin")
    kind: str
    due_on: date
    state: str = Field(..., description="done, overdue, due (within a week) or scheduled")
    done_at: datetime | None
    outcome: str
    note: str

    @staticmethod
    def resolve_state(checkin: CheckIn) -> str:
        return policies.checkin_state(due_on=checkin.due_on, done=checkin.done_at is not None,
                                      today=timezone.localdate())


class CheckInRecordIn(Schema):
    outcome: str = Field(..., description="How the call went: " + ", ".join(CheckInOutcome.values))
    note: str = Field("", max_length=2000)


class ChecklistItemOut(Schema):
    pk: int
    code: str
    label: str
    position: int
    ticked_at: datetime | None

    @staticmethod
    def resolve_label(item: HandoverChecklistItem) -> str:
        return policies.checklist_item_label(item.code)


class HandoverPlanOut(Schema):
    ownership_pk: int = Field(..., alias="ownership_id")
    vin: str = Field(..., alias="ownership.vehicle.vin")
    handover_preference: str
    generated_at: datetime
    items: list[ChecklistItemOut]

    @staticmethod
    def resolve_items(plan: HandoverPlan) -> list[HandoverChecklistItem]:
        return sorted(plan.items.all(), key=lambda item: item.position)


class TickIn(Schema):
    ticked: bool = True


_WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.get("/{pk}/checkins", response={200: list[CheckInOut], 401: ErrorOut, 404: ErrorOut},
            summary="A customer's ownership check-ins")
def list_checkins(request: HttpRequest, pk: int):
    actor = actor_of(request)
    customer = selectors.customer_get(actor=actor, pk=pk)
    return [checkin for ownership in selectors.customer_ownerships(actor=actor, customer=customer)
            for checkin in ownership.checkins.all()]


@router.post("/checkins/{checkin_pk}", response={200: CheckInOut, **_WRITE_ERRORS},
             summary="Record a check-in call (once)")
def record_checkin(request: HttpRequest, checkin_pk: int, payload: CheckInRecordIn):
    actor = actor_of(request)
    checkin = services.checkin_record(actor=actor, checkin_pk=checkin_pk, outcome=payload.outcome, note=payload.note)
    return CheckIn.objects.select_related("ownership__vehicle").get_visible(actor, pk=checkin.pk)


@router.get("/{pk}/handover-plans", response={200: list[HandoverPlanOut], 401: ErrorOut, 404: ErrorOut},
            summary="The handover plans of a customer's cars, with their checklists")
def list_handover_plans(request: HttpRequest, pk: int):
    actor = actor_of(request)
    customer = selectors.customer_get(actor=actor, pk=pk)
    return [ownership.handover_plan for ownership in selectors.customer_ownerships(actor=actor, customer=customer)
            if selectors.has_plan(ownership)]


@router.post("/ownerships/{ownership_pk}/handover-plan", response={201: HandoverPlanOut, **_WRITE_ERRORS},
             summary="Prepare (or refresh) a car's handover plan from the customer's preferences")
def generate_handover_plan(request: HttpRequest, ownership_pk: int):
    actor = actor_of(request)
    plan = services.handover_plan_generate(actor=actor, ownership_pk=ownership_pk)
    return Status(201, HandoverPlan.objects.select_related("ownership__vehicle").prefetch_related("items")
                  .get_visible(actor, pk=plan.pk))


@router.post("/handover-items/{item_pk}", response={200: ChecklistItemOut, **_WRITE_ERRORS},
             summary="Tick or untick a handover checklist item")
def tick_handover_item(request: HttpRequest, item_pk: int, payload: TickIn):
    return services.handover_item_tick(actor=actor_of(request), item_pk=item_pk, ticked=payload.ticked)
