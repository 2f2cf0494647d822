from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/referrals/", views.referral_add, name="referral_add"),
    path("<int:pk>/referrals/<int:referral_pk>/move/", views.referral_move, name="referral_move"),
    path("<int:pk>/check-ins/<int:checkin_pk>/", views.checkin_record, name="checkin_record"),
    path("handovers/<int:ownership_pk>/", views.handover_plan, name="handover"),
    path("handovers/<int:ownership_pk>/generate/", views.handover_plan_generate, name="handover_generate"),
    path("handovers/items/<int:item_pk>/tick/", views.handover_item_tick, name="handover_tick"),
]
