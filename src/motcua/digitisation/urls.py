from django.urls import path

from motcua.digitisation import views

app_name = "digitisation"

urlpatterns = [
    path("ho-so/<int:pk>/", views.dossier_digitise, name="dossier"),
    path("tep/<int:pk>/", views.digitised_file, name="file"),
    path("kho/", views.store, name="store"),
    path("kho/<int:pk>/tep/", views.store_item_file, name="store_file"),
]
