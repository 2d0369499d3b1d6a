"""URLs of progress/ consultants."""

urlpatterns = []
