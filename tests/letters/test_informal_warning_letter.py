"""An officer confirms an informal warning in writing from the customer page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from letters.models import Letter
from tests.factories import some_indicators
from tests.letter_previews import confirm


@pytest.fixture
def informal_warning(officer, customer, adults):
    return services.warning_give_informal(
        actor=officer,
        customer=customer,
        directorate=adults,
        method="phone",
        given_on=timezone.localdate(),
        behaviours=some_indicators(1),
        summary="Told Mr Evans his language on the phone was unacceptable.",
    )


def test_officer_issues_and_downloads_an_informal_warning_letter(
    client, officer, customer, informal_warning
):
    client.force_login(officer)
    url = reverse("letters:informal_warning_issue", args=[customer.reference, informal_warning.pk])
    response = confirm(client, url, follow=True)
    letter = Letter.objects.get(warning=informal_warning)
    assert (letter.kind, letter.version, letter.customer) == ("informal_warning", 1, customer)
    assert "Re-issue a letter confirming this warning" in response.content.decode()
    pdf = client.get(reverse("letters:customer_pdf", args=[customer.reference, letter.pk]))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_outsider_cannot_issue_or_download_informal_warning_letters(
    client, officer, outsider, customer, informal_warning
):
    client.force_login(officer)
    confirm(client, reverse("letters:informal_warning_issue",
                            args=[customer.reference, informal_warning.pk]))
    letter = Letter.objects.get(warning=informal_warning)
    client.force_login(outsider)
    issue = reverse(
        "letters:informal_warning_issue", args=[customer.reference, informal_warning.pk]
    )
    assert client.post(issue).status_code == 404
    pdf = reverse("letters:customer_pdf", args=[customer.reference, letter.pk])
    assert client.get(pdf).status_code == 404
    assert Letter.objects.filter(warning=informal_warning).count() == 1
