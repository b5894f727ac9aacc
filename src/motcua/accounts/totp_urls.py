"""URLs of the second factor, mounted at /xac-thuc-hai-buoc/ (namespace `totp`)."""

from django.urls import path

from motcua.accounts import totp_views

app_name = "totp"

urlpatterns = [
    path("", totp_views.verify, name="verify"),
    path("dang-ky/", totp_views.enrol, name="enrol"),
]
