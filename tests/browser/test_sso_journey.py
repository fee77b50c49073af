"""Issue 10 in a real browser: a member of staff signs in through the council's OpenID
Connect provider (panva's oidc-provider, run on 127.0.0.1 by tests/sso/oidc.py), at the
provider's own sign-in page, and comes back with the roles and directorates their groups
give them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from accounts.models import AccessChange
from accounts.roles import Role
from sso.models import ClaimMapping
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

SENIORS = "5f1c0b1e-0000-4000-8000-00000000a002"


def test_staff_sign_in_through_the_provider_with_the_roles_their_groups_give(
    live_server, live_oidc_provider, page: Page, adults, children
):
    ClaimMapping.objects.create(claim_value=SENIORS, role=Role.SENIOR_MANAGER, directorate=adults)
    ours = factories.CustomerFactory(full_name="Alys Adults-Customer", directorates=[adults])
    theirs = factories.CustomerFactory(full_name="Cai Children-Customer", directorates=[children])
    live_oidc_provider.add_account(
        "sian", password="sians-password-at-the-provider", groups=[SENIORS],
        given_name="Sian", family_name="Senior",
    )
    base = live_server.url
    page.set_default_timeout(20_000)

    page.goto(f"{base}/deadlines/")
    page.get_by_role("button", name="Sign in with Council Test ID").click()
    # The provider's own page, on its own port.
    expect(page.get_by_role("heading", name="Council Test ID")).to_be_visible()
    assert page.url.startswith(live_oidc_provider.issuer)
    page.get_by_label("Username").fill("sian")
    page.get_by_label("Password").fill("sians-password-at-the-provider")
    page.get_by_role("button", name="Sign in").click()

    # Back where she was going: the deadline dashboard, which only senior managers and
    # independent reviewers see.
    expect(page.get_by_role("heading", level=1)).to_have_text("Deadlines")
    assert page.url == f"{base}/deadlines/"
    page.goto(f"{base}{ours.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alys Adults-Customer")
    response = page.goto(f"{base}{theirs.get_absolute_url()}")
    assert response.status == 404

    user = get_user_model().objects.get(username="sian@council.example")
    assert set(
        AccessChange.objects.filter(subject=user).values_list("action", "kind", "value", "source")
    ) == {
        ("granted", "role", Role.SENIOR_MANAGER, AccessChange.Source.SSO),
        ("granted", "directorate", "Adults", AccessChange.Source.SSO),
    }
