"""Open311 GeoReport v2, mounted at /open311/v2/ (namespace "open311"). JSON only."""

from django.urls import path

from motcua.feedback import open311

app_name = "open311"

urlpatterns = [
    path("services.json", open311.services, name="services"),
    path("requests.json", open311.requests, name="requests"),
    path("requests/<str:request_id>.json", open311.request_detail, name="request"),
]
