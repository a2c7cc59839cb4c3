from django.urls import path

from . import views

app_name = "submissions"

urlpatterns = [
    path("entry/", views.entry_index, name="entry_index"),
    path("entry/import/", views.import_upload, name="import_upload"),
    path("entry/import/confirm/", views.import_confirm, name="import_confirm"),
    path("entry/template/", views.template_choose, name="template_choose"),
    path("entry/template/<int:year>/<int:month>.<str:extension>", views.template_download, name="template_download"),
    path("entry/lock/", views.lock_view, name="lock"),
    path("entry/unlock/", views.unlock_view, name="unlock"),
    path("entry/<str:unit_code>/<int:year>/<int:month>/", views.entry_grid, name="entry_grid"),
    path("entry/<str:unit_code>/<int:year>/<int:month>/history/", views.entry_history, name="entry_history"),
    path("entry/<str:unit_code>/<int:year>/<int:month>/dossiers/", views.month_dossiers, name="month_dossiers"),
    path("entry/<str:unit_code>/<int:year>/dossiers/", views.year_dossiers, name="year_dossiers"),
    path("entry/dossiers/import/", views.dossier_upload, name="dossier_upload"),
    path("entry/dossiers/import/<int:job_id>/", views.dossier_job, name="dossier_job"),
    path("entry/dossiers/import/<int:job_id>/confirm/", views.dossier_confirm, name="dossier_confirm"),
    path("entry/dossiers/import/<int:job_id>/columns/", views.dossier_mapping, name="dossier_mapping"),
    path("entry/comment/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("entry/<str:unit_code>/<int:year>/<int:month>/comment/", views.comment_add, name="comment_add"),
    path("entry/<str:unit_code>/<int:year>/<int:month>/<str:action>/", views.month_action, name="month_action"),
]
