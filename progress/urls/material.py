"""URLs of progress/ material."""

urlpatterns = []
