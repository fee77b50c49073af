"""Every editable list in the admin is labelled: each input names its column and its row."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse

from cases.models import Indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@x.example", "pw-x-1234567")
    client.force_login(root)
    return client


class _Inputs(HTMLParser):
    """The form controls inside the changelist's result table, and the ids labels point at."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.controls: list[dict] = []
        self.labelled_ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == "result_list":
            self.depth = 1
        elif self.depth and tag == "table":
            self.depth += 1
        if tag == "label" and attrs.get("for"):
            self.labelled_ids.add(attrs["for"])
        if self.depth and tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden":
            self.controls.append(attrs)

    def handle_endtag(self, tag):
        if self.depth and tag == "table":
            self.depth -= 1


def _unlabelled(html: str) -> list[dict]:
    parser = _Inputs()
    parser.feed(html)
    return [c for c in parser.controls
            if not c.get("aria-label") and not c.get("aria-labelledby")
            and c.get("id") not in parser.labelled_ids]


def test_every_registered_changelist_labels_its_editable_inputs(superuser_client):
    assert Indicator.objects.exists(), "the indicators come from a data migration"
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if not model_admin.list_editable:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = superuser_client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="result_list"' in html
        assert _unlabelled(html) == [], f"{url} has unlabelled inputs"
        checked += 1
    assert checked, "no admin list is editable: this test checks nothing"


def test_the_indicator_list_names_each_row(superuser_client):
    indicator = Indicator.objects.order_by("group", "order").first()
    html = superuser_client.get(reverse("admin:cases_indicator_changelist")).content.decode()
    assert f'aria-label="Order: {indicator}"' in html.replace("&#x27;", "'")
