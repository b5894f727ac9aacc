from django.urls import path

from motcua.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.bieu06_page, name="bieu06"),
    path("ho-so/", views.bieu06_drilldown, name="dossiers"),
    path("bieu-06.xlsx", views.bieu06_xlsx, name="xlsx"),
]

urlpatterns += [
    path("bang-dieu-khien/", views.dashboard_page, name="dashboard"),
]
