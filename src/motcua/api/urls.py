from django.urls import path

from motcua.api.views import api

urlpatterns = [path("", api.urls)]
