"""Every PDF the system makes is tagged for screen readers, with its language and a title
(issue 11, item 7). All of them come from `letters.rendering.html_to_pdf`
(tests/test_structure.py holds every other module to that); here each kind is checked:
the letters as issued and stored, every template made into a PDF, and the renderer's
refusal of a document that could not say what it is. The quarterly report's PDF is checked
in tests/reports/, the Ombudsman bundle's in tests/reviews/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from cases import services as case_services
from governance import disclosure
from letters import rendering, services
from letters.models import LetterKind
from reviews import bundle
from tests.factories import some_indicators
from tests.tagged_pdf import assert_tagged

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Every template whose HTML becomes a PDF.
PDF_TEMPLATES = [*rendering.TEMPLATES.values(), "reports/quarterly.html", bundle.TEMPLATE,
                 disclosure.INDEX_PDF_TEMPLATE]


def _source_with_parents(name: str) -> str:
    """The template's source and that of every template it extends."""
    source = (TEMPLATES / name).read_text()
    parent = re.search(r'{%\s*extends\s+"([^"]+)"\s*%}', source)
    return source + (_source_with_parents(parent[1]) if parent else "")


@pytest.mark.parametrize("name", PDF_TEMPLATES)
def test_every_template_made_into_a_pdf_names_its_language_and_title(name):
    source = _source_with_parents(name)
    assert '<html lang="en-GB"' in source
    title = re.search(r"<title>(.*?)</title>", source, re.S)
    assert title and title[1].strip(), f"{name} has no <title>"
    if "{% block title %}" in title[1]:  # a letter: its own words come first
        assert re.search(r"{% block title %}\s*[^{\s]", source), f"{name} leaves its title empty"


@pytest.mark.parametrize("html", [
    "<!DOCTYPE html><html><head><title>A letter</title></head><body>x</body></html>",
    '<!DOCTYPE html><html lang="en-GB"><head><title> </title></head><body>x</body></html>',
    '<!DOCTYPE html><html lang="en-GB"><head></head><body>x</body></html>',
])
@pytest.mark.real_pdf
def test_the_renderer_refuses_a_document_with_no_language_or_title(html):
    with pytest.raises(rendering.UntitledDocument):
        rendering.html_to_pdf(html)


@pytest.mark.real_pdf
def test_issued_letters_are_tagged_with_their_language_and_title(
    letter_storage, make_case, customer, officer, service_manager, senior_manager, adults
):
    warned = make_case("warned")
    formal = services.letter_issue(
        actor=service_manager, kind=LetterKind.FORMAL_WARNING, case=warned
    )
    designated = make_case("designated", customer=customer)
    designation = services.letter_issue(
        actor=senior_manager, kind=LetterKind.DESIGNATION, case=designated
    )
    warning = case_services.warning_give_informal(
        actor=officer, customer=customer, directorate=adults, method="phone",
        given_on=timezone.localdate(), behaviours=some_indicators(1),
        summary="Told Mr Evans his language on the phone was unacceptable.",
    )
    informal = services.letter_issue(
        actor=officer, kind=LetterKind.INFORMAL_WARNING, warning=warning
    )
    for letter in (formal, designation, informal):
        with letter.pdf.open("rb") as handle:
            assert_tagged(handle.read(), settings.COUNCIL_NAME)
    with designation.pdf.open("rb") as handle:
        assert_tagged(handle.read(), "Our decision to limit your contact with the council")
