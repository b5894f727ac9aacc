"""Test URLconf: the project's URLs plus the evaluation pages at /danh-gia/, as the lead
mounts them."""

from django.urls import include, path

from motcua.config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *[p for p in project_urlpatterns if "danh-gia" not in str(p.pattern)],
    path("danh-gia/", include("motcua.evaluation.urls")),
]
