from django.contrib.auth import views as auth_views
from django.urls import path

from motcua.accounts.forms import LockoutAuthenticationForm
from motcua.backoffice import views
from motcua.documents import views as document_views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(
            template_name="backoffice/login.html", authentication_form=LockoutAuthenticationForm
        ),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("tiep-nhan/moi/", views.intake, name="intake"),
    path("tiep-nhan/thu-tuc/", views.procedure_search, name="procedure_search"),
    path("tiep-nhan/thanh-phan/", views.procedure_components, name="procedure_components"),
    path("hang-doi/<slug:name>/", views.queue, name="queue"),
    path("ho-so/<int:pk>/", views.dossier_detail, name="dossier"),
    path("ho-so/<int:pk>/dinh-danh/", views.dossier_reveal_id, name="dossier_reveal_id"),
    path("ho-so/<int:pk>/to-khai/", views.dossier_form_data, name="dossier_form_data"),
    path("ho-so/<int:pk>/thao-tac/<slug:action>/", views.dossier_action, name="dossier_action"),
    path("ho-so/<int:pk>/in/<slug:slug>/", views.print_form, name="print_form"),
    path("ho-so/<int:pk>/in/<slug:slug>.pdf", views.print_form_pdf, name="print_form_pdf"),
    path("ho-so/<int:pk>/in/<slug:slug>.docx", views.print_form_docx, name="print_form_docx"),
    path(
        "ho-so/<int:pk>/van-ban/<int:doc_id>/",
        document_views.generated_document_download,
        name="generated_document",
    ),
    path("so-theo-doi/<int:unit_id>/<int:year>/", views.ledger, name="ledger"),
    path("so-theo-doi/<int:unit_id>/<int:year>.pdf", views.ledger_pdf, name="ledger_pdf"),
    path("so-theo-doi/<int:unit_id>/<int:year>.docx", views.ledger_docx, name="ledger_docx"),
]
