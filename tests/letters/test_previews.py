"""Issue 9, item 4: no letter leaves without a preview (letters/drafts.py).

The case letters (designation, formal warning) and the informal warning letter go through
the same preview as the decisions that write to the customer: a POST that does not carry
the signed draft of the letter shown only shows the letter again; confirming issues exactly
that letter, and a letter that changed since is a 409 with nothing issued.
"""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from letters import rendering
from letters.models import Letter, LetterKind
from tests.factories import some_indicators
from tests.letter_previews import confirm, draft_of

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


@pytest.fixture
def no_weasyprint(monkeypatch):
    monkeypatch.setattr(rendering, "html_to_pdf", lambda html: b"%PDF-1.7 stand-in")


@pytest.fixture
def informal_warning(officer, customer, adults):
    return case_services.warning_give_informal(
        actor=officer, customer=customer, directorate=adults, method="phone",
        given_on=timezone.localdate(), behaviours=some_indicators(1),
        summary="Told Mr Evans his language on the phone was unacceptable.",
    )


def issue_url(case, kind=LetterKind.DESIGNATION) -> str:
    return reverse("letters:issue", args=[case.reference, kind])


def test_posting_issue_without_the_preview_only_shows_the_letter(designated, senior_manager,
                                                                 login):
    response = login(senior_manager).post(issue_url(designated))
    assert response.status_code == 200
    assert "Our decision to limit your contact with the council" in text(response)
    assert not Letter.objects.exists()


def test_confirming_the_preview_issues_the_letter_shown(designated, senior_manager, login,
                                                        no_weasyprint):
    client = login(senior_manager)
    preview = client.get(reverse("letters:preview", args=[designated.reference,
                                                          LetterKind.DESIGNATION]))
    shown = html.unescape(re.search(r'srcdoc="([^"]*)"', preview.content.decode()).group(1))
    response = client.post(issue_url(designated),
                           {"draft": draft_of(preview), "action": "confirm"})
    assert response.status_code == 302
    assert Letter.objects.get().html == shown


def test_a_letter_changed_since_its_preview_is_409_and_not_issued(designated, senior_manager,
                                                                  login, no_weasyprint):
    client = login(senior_manager)
    preview = client.get(reverse("letters:preview", args=[designated.reference,
                                                          LetterKind.DESIGNATION]))
    customer = designated.customer
    customer.full_name = "Morgan Evans"
    customer.save()
    response = client.post(issue_url(designated),
                           {"draft": draft_of(preview), "action": "confirm"})
    assert response.status_code == 409
    page = text(response)
    assert "no longer the one you checked" in page
    assert "Dear Morgan Evans" in page  # the letter as it would be now
    assert not Letter.objects.exists()


def test_a_forged_draft_is_400_and_issues_nothing(designated, senior_manager, login):
    response = login(senior_manager).post(issue_url(designated),
                                          {"draft": "forged:token", "action": "confirm"})
    assert response.status_code == 400
    assert "could not be checked" in text(response)
    assert not Letter.objects.exists()


def test_one_letters_draft_cannot_issue_another(designated, senior_manager, login,
                                               informal_warning, officer):
    client = login(senior_manager)
    preview = client.get(reverse("letters:preview", args=[designated.reference,
                                                          LetterKind.DESIGNATION]))
    url = reverse("letters:informal_warning_issue",
                  args=[designated.customer.reference, informal_warning.pk])
    response = client.post(url, {"draft": draft_of(preview), "action": "confirm"})
    assert response.status_code == 400
    assert not Letter.objects.exists()


def test_the_informal_warning_letter_is_previewed_before_it_is_issued(
    officer, customer, informal_warning, login, no_weasyprint
):
    client = login(officer)
    page = text(client.get(customer.get_absolute_url()))
    url = reverse("letters:informal_warning_issue", args=[customer.reference,
                                                          informal_warning.pk])
    assert f'href="{url}"' in page  # a link to the preview, not a button that issues
    preview = client.get(url)
    assert preview.status_code == 200
    assert "About the way you have been contacting us" in text(preview)
    assert not Letter.objects.exists()
    response = confirm(client, url, follow=True)
    assert Letter.objects.filter(warning=informal_warning).count() == 1
    assert "Re-issue a letter confirming this warning" in text(response)
