"""The HTTP side of sign-in links (the rules are in ligepraksis/signin.py): ask for one, and the page
an e-mailed link opens, used by applying, joining and the general "send me a sign-in link" page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpResponse
from django.shortcuts import redirect, render

from ligepraksis import signin
from ligepraksis.errors import DomainError

LOGIN_BACKEND = "ligepraksis.auth.EmailBackend"  # the session's backend: loads the user on each request


def send_login_link(
    request, *, email: str, scope: str, url_name: str, template: str, url_kwargs=None, context=None
) -> HttpResponse:
    """Mail a sign-in link for `scope` (or the "use your password" mail) and answer with the one page
    every address gets, so that the answer tells nothing about the address."""
    signin.signin_link_send(
        email=email,
        scope=scope,
        url_name=url_name,
        url_kwargs=url_kwargs,
        template=template,
        context=context,
    )
    return render(
        request,
        "registration/signin_link_sent.html",
        {"email": email, "minutes": signin.link_minutes(), **(context or {})},
    )


def link_page(
    request, token: str, *, scope: str, success_url: str, retry_url: str, success_message: str = ""
) -> HttpResponse:
    """GET shows a page with a "Log in" button (mail scanners open links; that must not spend them);
    the button's POST spends the token, logs in and goes to `success_url`. A link that does not work
    sends the user to `retry_url` with a message saying why."""
    try:
        if request.method == "POST":
            user = signin.signin_link_spend(token=token, scope=scope)
        else:
            user = signin.signin_link_check(token=token, scope=scope)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(retry_url)
    if request.method != "POST":
        return render(
            request,
            "registration/signin_link_confirm.html",
            {"account_email": user.email, "minutes": signin.link_minutes()},
        )
    login(request, user, backend=LOGIN_BACKEND)
    if success_message:
        messages.success(request, success_message)
    return redirect(success_url)
