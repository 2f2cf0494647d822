from django.urls import path

from . import views, views_advocacy, views_benchmarks, views_dashboard, views_drivers, views_scorecards

app_name = "analytics"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views_dashboard.dashboard_page, name="dashboard"),
    path("feedback/", views.responses, name="responses"),
    path("dealers/", views.dealers, name="dealers"),
    path("rates/", views.response_rates_page, name="response_rates"),
    path("advocacy/", views_advocacy.advocacy, name="advocacy"),
    path("moments-of-truth/", views_drivers.moments_of_truth, name="moments_of_truth"),
    path("journeys/", views_drivers.journeys, name="journeys"),
    path("benchmarks/", views_benchmarks.benchmark_list, name="benchmarks"),
    path("benchmarks/new/", views_benchmarks.benchmark_new, name="benchmark_new"),
    path("benchmarks/edit/", views_benchmarks.benchmark_edit, name="benchmark_edit"),
    path("benchmarks/delete/", views_benchmarks.benchmark_delete, name="benchmark_delete"),
    path("scorecard/", views_scorecards.scorecard, name="scorecard"),
    path("scorecard/scorecard.pdf", views_scorecards.scorecard, {"fmt": "pdf"}, name="scorecard_pdf"),
    path("scorecard/scorecard.csv", views_scorecards.scorecard, {"fmt": "csv"}, name="scorecard_csv"),
    path("scorecard/scorecard.xlsx", views_scorecards.scorecard, {"fmt": "xlsx"}, name="scorecard_xlsx"),
    path("scorecard/region/<str:region_code>/", views_scorecards.scorecard, name="scorecard_region"),
    path("scorecard/region/<str:region_code>/scorecard.pdf", views_scorecards.scorecard, {"fmt": "pdf"},
         name="scorecard_region_pdf"),
    path("scorecard/region/<str:region_code>/scorecard.csv", views_scorecards.scorecard, {"fmt": "csv"},
         name="scorecard_region_csv"),
    path("scorecard/region/<str:region_code>/scorecard.xlsx", views_scorecards.scorecard, {"fmt": "xlsx"},
         name="scorecard_region_xlsx"),
    path("scorecard/dealer/<str:dealer_code>/", views_scorecards.scorecard, name="scorecard_dealer"),
    path("scorecard/dealer/<str:dealer_code>/scorecard.pdf", views_scorecards.scorecard, {"fmt": "pdf"},
         name="scorecard_dealer_pdf"),
    path("scorecard/dealer/<str:dealer_code>/scorecard.csv", views_scorecards.scorecard, {"fmt": "csv"},
         name="scorecard_dealer_csv"),
    path("scorecard/dealer/<str:dealer_code>/scorecard.xlsx", views_scorecards.scorecard, {"fmt": "xlsx"},
         name="scorecard_dealer_xlsx"),
]
