"""URLs of progress/ reports."""

urlpatterns = []
