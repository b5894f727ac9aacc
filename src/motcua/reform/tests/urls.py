"""Test URLconf: the project's URLs plus the reform pages at /cai-cach/, as the lead mounts them."""

from django.urls import include, path

from motcua.config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *[p for p in project_urlpatterns if "cai-cach" not in str(p.pattern)],
    path("cai-cach/", include("motcua.reform.urls")),
]
