"""URLs of progress/ milestones."""

urlpatterns = []
