from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from insidetrack.core.api_auth import actor_of
from insidetrack.core.schemas import ErrorOut

from . import selectors

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
