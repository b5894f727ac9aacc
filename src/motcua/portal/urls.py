"""Citizen portal under /cong-dan/ (the public look-up is mounted at /tra-cuu/ by the root)."""

from django.urls import path

from motcua.accounts import oidc
from motcua.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.catalogue, name="catalogue"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure"),
    path("thu-tuc/<str:code>/nop/", views.submit, name="submit"),
    path("nhap/<str:key>/xoa/", views.draft_delete, name="draft_delete"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("dang-ky/", views.signup, name="signup"),
    path("dang-ky/xac-thuc/", views.signup_confirm, name="signup_confirm"),
    path("dang-nhap/", views.CitizenLoginView.as_view(), name="login"),
    path("dang-xuat/", views.CitizenLogoutView.as_view(), name="logout"),
    path("dinh-danh/", oidc.oidc_login, name="oidc_login"),
    path("dinh-danh/ket-qua/", oidc.oidc_callback, name="oidc_callback"),
    path("ho-so/", views.my_dossiers, name="my_dossiers"),
    path("ho-so/<int:pk>/", views.my_dossier, name="my_dossier"),
    path("ho-so/<int:pk>/bo-sung/", views.my_dossier_supplement, name="my_dossier_supplement"),
    path("ho-so/<int:pk>/rut/", views.my_dossier_withdraw, name="my_dossier_withdraw"),
    path("tep/<int:pk>/", views.upload_download, name="upload"),
    path("ho-so/<int:pk>/ket-qua.pdf", views.my_dossier_result, name="my_dossier_result"),
]
