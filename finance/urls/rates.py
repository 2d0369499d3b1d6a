"""URLs of finance/ rates."""

urlpatterns = []
