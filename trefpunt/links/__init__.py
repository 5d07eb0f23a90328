"""The link checker: visits every material's web address, keeps a history of what answered, and tells
the public page and the editors what it found. Knows nothing of Flask; ``policy_from`` reads settings
from a plain mapping (the app's config)."""

from __future__ import annotations

from collections.abc import Mapping

from .models import LinkCheck, Outcome
from .probe import Policy

__all__ = ["LinkCheck", "Outcome", "Policy", "policy_from", "user_agent"]


def user_agent(config: Mapping) -> str:
    """An honest User-Agent: what visits, for which site, and how to reach the people who run it."""
    contact = str(config.get("LINK_CHECK_CONTACT") or "").strip()
    site = str(config.get("PUBLIC_BASE_URL") or "").strip()
    details = "; ".join(part for part in (f"+{site}" if site else "", contact) if part)
    return f"Trefpunt-linkcontrole/1.0 ({details})" if details else "Trefpunt-linkcontrole/1.0"


def policy_from(config: Mapping) -> Policy:
    return Policy(
        user_agent=user_agent(config),
        connect_timeout=float(config.get("LINK_CHECK_CONNECT_TIMEOUT", 5)),
        read_timeout=float(config.get("LINK_CHECK_READ_TIMEOUT", 10)),
        allowed_networks=Policy.networks(config.get("LINK_CHECK_PRIVATE_NETWORKS") or ()),
    )
