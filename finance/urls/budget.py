"""URLs of finance/ budget."""

urlpatterns = []
