from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("disconnect/", views.disconnect, name="disconnect"),
    path("export/", views.export, name="export"),
    path("delete/", views.delete, name="delete"),
    path("csrf-token/", views.csrf_token, name="csrf_token"),
    path("demo-sign-in/", views.demo_sign_in, name="demo_sign_in"),
]
