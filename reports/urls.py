from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("units/<str:unit_code>/", views.unit_dashboard, name="unit_dashboard"),
    path("my-unit/", views.my_dashboard, name="my_dashboard"),
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("province/", views.ProvinceView.as_view(), name="province"),
    path("overview/export.xlsx", views.OverviewXlsxView.as_view(), name="overview_xlsx"),
    path("reports/year-end/", views.YearEndIndexView.as_view(), name="year_end_index"),
    path("reports/year-end/<int:year>/", views.YearEndView.as_view(), name="year_end"),
    path("reports/year-end/<int:year>/scoring.xlsx", views.YearEndXlsxView.as_view(), name="year_end_xlsx"),
    path("reports/year-end/<int:year>/lock/", views.YearEndLockView.as_view(), name="year_end_lock"),
    path("reports/year-end/<int:year>/unlock/", views.YearEndUnlockView.as_view(), name="year_end_unlock"),
    path("reports/completeness/<int:year>/", views.CompletenessView.as_view(), name="completeness"),
    path("reports/completeness/<int:year>/completeness.xlsx", views.CompletenessXlsxView.as_view(), name="completeness_xlsx"),
    path("reports/quality/<int:year>/", views.QualityView.as_view(), name="quality"),
    path("reports/lock-exceptions/<int:year>/", views.LockExceptionsView.as_view(), name="lock_exceptions"),
    path("reports/lock-exceptions/revoke/<int:pk>/", views.LockExceptionRevokeView.as_view(), name="lock_exception_revoke"),
    path("api/progress", views.api_progress, name="api_progress"),
]
