"""URLs of finance/ earnings."""

urlpatterns = []
