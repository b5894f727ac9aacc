"""URLs of the CCHC pages; the lead mounts them at /cai-cach/ (namespace "reform")."""

from django.urls import path

from motcua.reform import views

app_name = "reform"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:unit_code>/ke-hoach/", views.plans, name="plans"),
    path("<str:unit_code>/ke-hoach/<int:pk>/", views.plan_detail, name="plan"),
    path("<str:unit_code>/ra-soat-tthc/", views.reviews, name="reviews"),
    path("<str:unit_code>/hoat-dong/", views.activities, name="activities"),
    path("<str:unit_code>/bao-cao/", views.drafts, name="drafts"),
    path("<str:unit_code>/kiem-tra-so-lieu/", views.check_figures_page, name="check"),
    path("<str:unit_code>/bao-cao/<int:pk>/", views.draft_edit, name="draft"),
    path("<str:unit_code>/bao-cao/<int:pk>/docx/", views.draft_docx, name="draft_docx"),
    path("<str:unit_code>/bao-cao/<int:pk>/pdf/", views.draft_pdf, name="draft_pdf"),
]
