from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cases import views as case_views
from imr_site import health, security, two_factor

urlpatterns = [
    path("", case_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", two_factor.setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", two_factor.verify, name="two_factor_verify"),
    path("accounts/keepalive/", security.keepalive, name="keepalive"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("audit/", include("audit.urls")),
    path("cases/", include("cases.urls")),
    path("operations/", include("operations.urls")),
    path("reviews/", include("reviews.urls")),
    path("guidelines/", include("guidelines.urls")),
    path("reports/", include("reports.urls")),
    path("api/", include("api.urls")),
    path("o/", include("parties.oauth_urls")),
    path("portal/", include("parties.portal.urls")),
]
