"""Test URLconf: the project's URLs plus the statistics pages at /thong-ke/ (as the lead will
include them)."""

from django.urls import include, path

from motcua.config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *[p for p in project_urlpatterns if "thong-ke" not in str(getattr(p, "pattern", ""))],
    path("thong-ke/", include("motcua.reports.urls")),
]
