"""URLs of the evaluation pages; the lead mounts them at /danh-gia/ (namespace "evaluation")."""

from django.urls import path

from motcua.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:unit_code>/", views.unit_page, name="unit"),
]
