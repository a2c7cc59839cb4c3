from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from units import views as unit_views
from units.forms import PortalAuthenticationForm

admin.site.site_header = _("Quản trị Cổng theo dõi DVCTT")
admin.site.site_title = _("Quản trị DVCTT")
admin.site.index_title = _("Danh mục và người dùng")

urlpatterns = [
    path("", unit_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=PortalAuthenticationForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", unit_views.PortalPasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("submissions.urls")),
    path("", include("reports.urls")),
    path("admin/", admin.site.urls),
]
