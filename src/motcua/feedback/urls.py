"""Ratings and phản ánh, kiến nghị, mounted at /phan-anh/ (namespace "feedback")."""

from django.urls import path

from motcua.feedback import views

app_name = "feedback"

urlpatterns = [
    # Citizens and the public
    path("gui/", views.submit, name="submit"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("cong-khai/", views.published, name="published"),
    path("danh-gia/ho-so/<int:pk>/", views.rate_my_dossier, name="rate_my_dossier"),
    path("danh-gia/tra-cuu/", views.rate_by_lookup, name="rate_by_lookup"),
    # Back office (staff of the unit)
    path("quan-ly/", views.staff_list, name="staff_list"),
    path("quan-ly/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("quan-ly/<int:pk>/<str:action>/", views.staff_action, name="staff_action"),
    path("danh-gia-chua-hai-long/", views.unhappy, name="unhappy"),
    path("danh-gia/quay/<int:pk>/", views.rate_at_counter, name="rate_at_counter"),
]
