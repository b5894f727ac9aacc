"""Online payment of fees under /thanh-toan/ (docs/domain/payments.md)."""

from django.urls import path

from motcua.payments import views

app_name = "payments"

urlpatterns = [
    path("ho-so/<int:pk>/", views.start, name="start"),
    path("sandbox/<str:ref>/", views.sandbox, name="sandbox"),
    path("ket-qua/", views.provider_return, name="return"),
    path("thong-bao/", views.provider_notify, name="notify"),
    path("bien-lai/<int:pk>/", views.receipt, name="receipt"),
    path("bien-lai/<int:pk>/pdf/", views.receipt_pdf, name="receipt_pdf"),
]
