"""Assignment URLs (administrators), included by reviews.urls."""

urlpatterns: list = []
