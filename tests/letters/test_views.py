"""The letters section of the case page, the preview and issue pages, informing the council
through the page, and who may read or download a letter."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from cases.models import CaseState
from letters import rendering, services
from letters.models import CouncilNotice, Letter, LetterKind
from tests.letter_previews import draft_of
from ucp.csp import inline_style_hashes

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def no_weasyprint(monkeypatch):
    monkeypatch.setattr(rendering, "html_to_pdf", lambda html: b"%PDF-1.7 stand-in")


@pytest.fixture
def issued(designated, senior_manager, no_weasyprint):
    return services.letter_issue(
        actor=senior_manager, kind=LetterKind.DESIGNATION, case=designated
    )


def test_senior_manager_previews_then_issues_the_designation_letter(
    designated, senior_manager, login
):
    client = login(senior_manager)
    page = text(client.get(reverse("cases:letters", args=[designated.reference])))
    assert "Letters and notices" in page
    # The button, in the step's one name (the preview page's heading).
    assert re.search(
        r'data-action="preview-designation-letter">Issue the designation letter<', page
    )
    assert "No letters have been issued on this case." in page

    preview = client.get(reverse("letters:preview", args=[designated.reference, "designation"]))
    assert preview.status_code == 200
    assert "Our decision to limit your contact with the council" in text(preview)
    assert not Letter.objects.exists()  # a preview issues nothing

    response = client.post(
        reverse("letters:issue", args=[designated.reference, "designation"]),
        {"draft": draft_of(preview), "action": "confirm"}, follow=True,
    )
    letter = Letter.objects.get()
    # Back to the case's letters tab, which lists it.
    assert response.redirect_chain[-1][0].endswith(
        f"{reverse('cases:letters', args=[designated.reference])}#letters")
    page = text(response)
    assert "Designation letter issued (version 1). Inform the council" in page
    assert "Designation letter, version 1" in page
    assert reverse("letters:pdf", args=[designated.reference, letter.pk]) in page
    assert "Re-issue the designation letter" in page


def test_informing_the_council_from_the_case_page(
    designated, issued, senior_manager, officer, adults, login, mailoutbox,
    django_capture_on_commit_callbacks,
):
    client = login(senior_manager)
    page = text(client.get(reverse("cases:letters", args=[designated.reference])))
    assert "Inform the council and send copies" in page
    assert adults.assistant_director_email in page and adults.service_manager_email in page
    url = reverse("letters:inform_council", args=[designated.reference])

    response = client.post(url, {"note": "Please check the banner."})
    assert response.status_code == 422
    assert "There is a problem" in text(response)
    assert "Choose the members of staff who need to know" in text(response)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"staff": [officer.pk], "note": "Check the banner."},
                               follow=True)
    assert "The designation is now in force." in text(response)
    designated.refresh_from_db()
    assert designated.state == CaseState.ACTIVE
    assert CouncilNotice.objects.get().note == "Check the banner."
    assert len(mailoutbox) == 3


def test_service_manager_sees_the_formal_warning_letter_button_not_the_designation_ones(
    designated, service_manager, login
):
    page = text(login(service_manager).get(reverse("cases:letters", args=[designated.reference])))
    assert re.search(
        r'data-action="preview-formal-warning-letter">Issue the formal warning letter<', page
    )
    # The task list names the senior manager's step, but it is no button or link of theirs.
    assert 'data-action="preview-designation-letter"' not in page
    assert 'data-action="designation"' not in page
    assert "Re-issue the designation letter" not in page
    assert "Inform the council and send copies" not in page


def test_a_page_for_a_step_the_user_cannot_take_redirects_with_a_message(
    designated, service_manager, login
):
    response = login(service_manager).get(
        reverse("letters:preview", args=[designated.reference, "designation"]), follow=True
    )
    assert "You cannot issue the designation letter on this case now." in text(response)


def test_posting_an_issue_the_user_may_not_make_is_refused_with_the_reason(
    designated, service_manager, login
):
    response = login(service_manager).post(
        reverse("letters:issue", args=[designated.reference, "designation"])
    )
    assert response.status_code == 403
    assert "Only a senior manager for this case can issue the designation letter." in text(
        response
    )
    assert not Letter.objects.exists()


def test_unknown_letter_kinds_are_404(designated, senior_manager, login):
    client = login(senior_manager)
    assert client.get(
        reverse("letters:preview", args=[designated.reference, "ransom_note"])
    ).status_code == 404


def test_colleagues_in_the_directorate_can_read_and_download_a_letter(
    designated, issued, officer, login
):
    client = login(officer)
    response = client.get(reverse("letters:html", args=[designated.reference, issued.pk]))
    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1)
                  for part in response["Content-Security-Policy"].split(";"))
    # The letter loads nothing, and only its own <style> applies (by hash: ucp/csp.py).
    assert policy["default-src"] == "'none'"
    assert policy["style-src"] == " ".join(inline_style_hashes(issued.html))
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response.content.decode() == issued.html
    response = client.get(reverse("letters:pdf", args=[designated.reference, issued.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert issued.filename in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.7 stand-in"


@pytest.mark.parametrize("name", ["html", "pdf"])
def test_an_outsider_gets_404_for_a_letter(designated, issued, outsider, login, name):
    response = login(outsider).get(reverse(f"letters:{name}", args=[designated.reference,
                                                                     issued.pk]))
    assert response.status_code == 404


def test_a_letter_of_another_case_is_404_under_this_case(
    designated, issued, make_case, officer, login, senior_manager
):
    other = make_case("referred")
    response = login(officer).get(reverse("letters:pdf", args=[other.reference, issued.pk]))
    assert response.status_code == 404


def test_a_directorate_lead_cannot_open_letters(designated, issued, lead, login):
    response = login(lead).get(reverse("letters:pdf", args=[designated.reference, issued.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("who", "status"), [("officer", 403), ("outsider", 404), ("lead", 403)]
)
def test_who_cannot_issue_or_inform(designated, persona, login, who, status):
    client = login(persona(who))
    ref = designated.reference
    assert client.post(reverse("letters:issue", args=[ref, "designation"])).status_code == status
    assert client.post(reverse("letters:inform_council", args=[ref])).status_code == status
    assert not Letter.objects.exists() and not CouncilNotice.objects.exists()


def test_service_manager_previews_and_issues_the_formal_warning_letter(
    frozen, make_case, service_manager, login, no_weasyprint
):
    case = make_case("warned")
    client = login(service_manager)
    preview = client.get(reverse("letters:preview", args=[case.reference, "formal_warning"]))
    assert preview.status_code == 200
    assert "Formal warning about your contact with the council" in text(preview)
    response = client.post(
        reverse("letters:issue", args=[case.reference, "formal_warning"]),
        {"draft": draft_of(preview), "action": "confirm"}, follow=True,
    )
    assert "Formal warning letter issued (version 1)." in text(response)
    assert Letter.objects.get().warning == case.formal_warning


def test_the_preview_pages_policy_allows_the_letters_own_css_and_nothing_else_inline(
    designated, senior_manager, login
):
    # The letter's frame (srcdoc) lives under the preview page's policy (ucp/csp.py).
    preview = login(senior_manager).get(
        reverse("letters:preview", args=[designated.reference, "designation"])
    )
    letter = html.unescape(re.search(r'srcdoc="([^"]*)"', preview.content.decode()).group(1))
    hashes = inline_style_hashes(letter)
    assert hashes
    styles = dict(part.strip().split(" ", 1) for part in
                  preview["Content-Security-Policy"].split(";"))["style-src"]
    assert styles.split() == ["'self'", *hashes]
    assert 'style="' not in preview.content.decode()
