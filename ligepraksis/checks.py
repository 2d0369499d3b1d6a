"""System checks of the portal's own settings (run by `manage.py check`; `--deploy` adds the
deployment ones)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "testserver"}


def _is_local(host: str) -> bool:
    host = (host or "").strip("[]").lower()
    if not host or host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified or address.is_link_local


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """Every link in e-mails and calendar feeds is made from SITE_URL (ligepraksis/links.py): in a
    deployment it must be the portal's public https address, not this machine's. An error when the
    portal is DEPLOYED, a warning for a production-like run over plain http (DEPLOYED=false)."""
    parts = urlsplit(settings.SITE_URL)
    level = Error if getattr(settings, "DEPLOYED", False) else Warning
    problems = []
    if parts.scheme != "https":
        problems.append(
            level(
                f"SITE_URL ({settings.SITE_URL}) is not an https address: links in e-mails and calendar "
                "feeds would send people to plain http.",
                hint="Set SITE_URL to the portal's public address, e.g. https://ligepraksis.example.org.",
                id="ligepraksis.E001" if level is Error else "ligepraksis.W001",
            )
        )
    if _is_local(parts.hostname or ""):
        problems.append(
            level(
                f"SITE_URL ({settings.SITE_URL}) points at this machine: links in e-mails and calendar "
                "feeds would not open on anyone else's.",
                hint="Set SITE_URL to the address people reach the portal at (the host in ALLOWED_HOSTS).",
                id="ligepraksis.E002" if level is Error else "ligepraksis.W002",
            )
        )
    return problems
