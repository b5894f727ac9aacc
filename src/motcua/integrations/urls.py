from django.urls import path

from motcua.integrations import views

app_name = "integrations"

urlpatterns = [
    path("webhook/", views.webhook_log, name="webhook_log"),
    path("webhook/<int:pk>/gui-lai/", views.webhook_redeliver, name="webhook_redeliver"),
    path("dvcqg/", views.national_report, name="national_report"),
    path("dvcqg-gia-lap/trang-thai/", views.fake_national_status, name="fake_national_status"),
    path("dvcqg-gia-lap/ho-so/", views.fake_national_submissions, name="fake_national_submissions"),
]
