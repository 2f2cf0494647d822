from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
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
    dealer_code: str
    household: str
    usage: list[str]
    handover_preference: str
    consent_surveys: bool
    created_at: datetime

    @staticmethod
    def resolve_dealer_code(obj) -> str:
        return obj.dealer.code


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
    actor = actor_of(request)
    customer = selectors.customer_get(actor=actor, pk=pk)
    data = CustomerOut.from_orm(customer).dict()
    data["vehicles"] = [VehicleOut.from_orm(v).dict() for v in selectors.vehicles_of(actor=actor, customer=customer)]
    return data
