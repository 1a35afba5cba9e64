from django.urls import path

from . import views

app_name = "wishes"
urlpatterns = [
    path("", views.wall, name="wall"),
    path("claim/", views.claim_many, name="claim_many"),
    path("mine/", views.mine, name="mine"),
    path("review/", views.review, name="review"),
    path("new/", views.new, name="new"),
    path("pledges/<int:pledge_id>/fulfil/", views.pledge_fulfil, name="fulfil"),
    path("pledges/<int:pledge_id>/withdraw/", views.pledge_withdraw, name="withdraw"),
    path("<int:wish_id>/claim/", views.claim, name="claim"),
    path("<int:wish_id>/review/", views.wish_review, name="review_wish"),
    path("<int:wish_id>/confirm/", views.wish_confirm, name="confirm"),
    path("<int:wish_id>/thank/", views.wish_thank, name="thank"),
]
