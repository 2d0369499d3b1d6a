"""URLs of progress/ records."""

urlpatterns = []
