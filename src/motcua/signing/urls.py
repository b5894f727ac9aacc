from django.urls import path

from motcua.signing import views

app_name = "signing"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("ky-so/<int:pk>/", views.document_sign, name="document_sign"),
]
