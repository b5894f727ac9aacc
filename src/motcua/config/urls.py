from django.contrib import admin
from django.urls import include, path

from motcua.core.views import healthz
from motcua.portal.views import lookup as portal_lookup

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("xac-thuc-hai-buoc/", include("motcua.accounts.totp_urls")),
    path("api/v1/", include("motcua.api.urls")),
    path("thong-ke/", include("motcua.reports.urls")),
    path("cong-dan/", include("motcua.portal.urls")),
    path("tra-cuu/", portal_lookup, name="lookup"),
    path("cai-cach/", include("motcua.reform.urls")),
    path("danh-gia/", include("motcua.evaluation.urls")),
    path("thanh-toan/", include("motcua.payments.urls")),
    path("phan-anh/", include("motcua.feedback.urls")),
    path("open311/v2/", include("motcua.feedback.open311_urls")),
    path("so-hoa/", include("motcua.digitisation.urls")),
    path("tich-hop/", include("motcua.integrations.urls")),
    path("xac-thuc-van-ban/", include("motcua.signing.urls")),
    path("", include("motcua.ops.urls")),
    path("", include("motcua.backoffice.urls")),
]

# Error pages in the user's language and layout; problem details under /api/ (config.errors).
handler400 = "motcua.config.errors.bad_request"
handler403 = "motcua.config.errors.permission_denied"
handler404 = "motcua.config.errors.page_not_found"
handler500 = "motcua.config.errors.server_error"
