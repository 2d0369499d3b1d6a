from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("ansoeg/<int:round_id>/", views.apply, name="apply"),
    path("ansoeg/<int:round_id>/bekraeft/<str:token>/", views.verify, name="verify"),
    path("ansoeg/<int:round_id>/praksis/", views.start, name="start"),
    path("ansoegninger/", views.mine, name="mine"),
    path("ansoegninger/<int:pk>/", views.detail, name="detail"),
    path("ansoegninger/<int:pk>/rediger/", views.edit, name="edit"),
    path("ansoegninger/<int:pk>/genaabn/", views.reopen, name="reopen"),
    path("ansoegninger/<int:pk>/slet/", views.delete, name="delete"),
    path("ansoegninger/<int:pk>/bekraeft-anmodning/", views.confirm_request, name="confirm_request"),
    path("ansoegninger/<int:pk>/bekraeft-praksis/", views.confirm_practice, name="confirm_practice"),
    path("ansoegninger/<int:pk>/overdrag-praksis/", views.hand_over, name="hand_over"),
    path("ansoegninger/<int:pk>/inhabilitet/", views.lift_conflict, name="lift_conflict"),
    path("ansoegninger/<int:pk>/accepter/", views.accept, name="accept"),
    path("ansoegninger/<int:pk>/traek-tilbage/", views.withdraw, name="withdraw"),
    path("ansoegninger/<int:pk>/vurdering/", views.review, name="review"),
    path("ansoegninger/<int:pk>/indstilling/", views.recommend, name="recommend"),
    path("ansoegninger/<int:pk>/beslutning/", views.decide, name="decide"),
    path("ansoegninger/<int:pk>/tilbud/", views.offer, name="offer"),
    path("ansoegninger/<int:pk>/afgoerelse.pdf", views.decision_letter, name="decision_letter"),
    path("ansoegninger/<int:pk>/vilkaar.pdf", views.terms_pdf, name="terms_pdf"),
    path("runder/<int:round_id>/ansoegninger/", views.round_list, name="round_list"),
    path("runder/<int:round_id>/udvaelgelse/", views.selection, name="selection"),
    path("runder/<int:round_id>/udvaelgelse/forslag/", views.apply_suggestion, name="apply_suggestion"),
    path("runder/<int:round_id>/eksport/", views.export, name="export"),
]
