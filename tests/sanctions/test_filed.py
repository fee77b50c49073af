"""Filed correspondence still gets read: the "To be read" queue, marking an item read, the
alerts to senior managers (after commit only), and what the case page shows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services as case_services
from cases.models import Channel
from sanctions.models import ContactBreach, FiledItem, SanctionKind
from sanctions.selectors import case_monitoring
from tests.factories import ContactFactory, CustomerFactory, MatterFactory, some_indicators
from tests.sanctions import restrictions
from tests.sanctions.restrictions import add_sanction, london

designated_case = restrictions.designated_case
restricted_case = restrictions.restricted_case
eager_tasks = restrictions.eager_tasks

pytestmark = pytest.mark.django_db

QUEUE = "/filed/"


@pytest.fixture
def refused(restricted_case, officer, time_machine):
    """Further complaints about one matter are refused. Now is 3 June 2025, 15:00."""
    time_machine.move_to(london(2025, 6, 3, 15, 0), tick=False)
    matter = MatterFactory(customer=restricted_case.customer,
                           directorate=restricted_case.lead_directorate, created_by=officer,
                           summary="Bin collections")
    add_sanction(restricted_case, SanctionKind.REFUSE_COMPLAINTS, matters=[matter])
    return matter


def log_about(matter, officer, at, summary="The same complaint again."):
    return case_services.contact_log(
        actor=officer, customer=matter.customer, directorate=matter.directorate,
        channel=Channel.LETTER, direction="inbound", occurred_at=at, handled_by=officer,
        summary=summary, matter=matter,
    )


@pytest.fixture
def item(refused, officer):
    return FiledItem.objects.get(contact=log_about(refused, officer, london(2025, 6, 2, 9, 0)))


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def mark(client, item, **data):
    return client.post(reverse("filed:item", args=[item.pk]), data)


# --- the queue -------------------------------------------------------------------------------


def test_the_queue_lists_unread_items_oldest_first(login, officer, refused):
    later = log_about(refused, officer, london(2025, 6, 3, 9, 0), "Second letter")
    earlier = log_about(refused, officer, london(2025, 6, 1, 9, 0), "First letter")
    response = login(officer).get(QUEUE)
    html = page(response)
    assert [i.contact for i in response.context["items"]] == [earlier, later]
    assert "2 items to read" in html


def test_the_queue_is_scoped_to_the_users_directorates(login, outsider, item):
    assert list(login(outsider).get(QUEUE).context["items"]) == []
    assert login(outsider).get(reverse("filed:item", args=[item.pk])).status_code == 404


def test_a_directorate_sharing_the_customer_does_not_read_another_directorates_case(
    login, outsider, children, restricted_case, time_machine
):
    """Children deal with the customer too, and log a letter the council-wide refusal of
    Adults' designation files: the item is read for that case, which Children may not open
    (the page named it). The letter itself stays on the customer's timeline for them."""
    time_machine.move_to(london(2025, 6, 3, 15, 0), tick=False)
    customer = restricted_case.customer
    customer.directorates.add(children)
    matter = MatterFactory(customer=customer, directorate=restricted_case.lead_directorate,
                           created_by=outsider, summary="Bin collections")
    add_sanction(restricted_case, SanctionKind.REFUSE_COMPLAINTS, matters=[matter],
                 council_wide=True)
    contact = case_services.contact_log(
        actor=outsider, customer=customer, directorate=children, channel=Channel.LETTER,
        direction="inbound", occurred_at=london(2025, 6, 2, 9, 0), handled_by=outsider,
        summary="The same complaint, sent to Children.", matter=matter,
    )
    item = FiledItem.objects.get(contact=contact)
    client = login(outsider)
    queue = client.get(QUEUE)
    assert list(queue.context["items"]) == []
    assert restricted_case.reference not in page(queue)
    assert client.get(reverse("filed:item", args=[item.pk])).status_code == 404
    assert contact.summary in page(client.get(customer.get_absolute_url()))


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_roles_that_do_not_read_filed_items_are_refused(login, persona, role):
    assert login(persona(role)).get(QUEUE).status_code == 403


def test_an_independent_reviewer_sees_no_filed_item_of_another_directorate(
    login, reviewer, item
):
    # The reviewer is a senior manager in Resources: the queue is theirs, Adults' is not.
    assert list(login(reviewer).get(QUEUE).context["items"]) == []
    assert login(reviewer).get(reverse("filed:item", args=[item.pk])).status_code == 404


def test_home_page_links_to_be_read_with_the_count(login, officer, senior_manager, item):
    for user in (officer, senior_manager):
        assert "To be read (1)" in page(login(user).get("/"))


def test_the_queue_needs_a_sign_in(client):
    assert client.get(QUEUE).status_code == 302


# --- marking an item read ----------------------------------------------------------------------


def test_an_item_read_with_nothing_found_leaves_the_queue_without_an_alert(
    login, officer, item, mailoutbox, django_capture_on_commit_callbacks, eager_tasks
):
    client = login(officer)
    assert "The same complaint again." in page(client.get(reverse("filed:item", args=[item.pk])))
    with django_capture_on_commit_callbacks(execute=True):
        response = mark(client, item, significant_new_information="no",
                        safeguarding_concern="no", note="")
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.read_by, item.significant_new_information, item.safeguarding_concern) == (
        officer, False, False
    )
    assert list(client.get(QUEUE).context["items"]) == []
    assert mailoutbox == []


def test_a_safeguarding_concern_needs_a_note(login, officer, item):
    html = page(mark(login(officer), item, significant_new_information="no",
                     safeguarding_concern="yes", note="  "))
    assert "Describe the new information or the safeguarding concern" in html
    item.refresh_from_db()
    assert item.read_at is None


def test_both_answers_are_required(login, officer, item):
    html = page(mark(login(officer), item))
    assert "Choose whether it brings significant new information" in html
    assert "Choose whether it raises a safeguarding concern" in html


def test_a_safeguarding_concern_alerts_the_senior_manager_after_commit(
    login, officer, senior_manager, item, mailoutbox, django_capture_on_commit_callbacks,
    eager_tasks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = mark(login(officer), item, significant_new_information="no",
                        safeguarding_concern="yes", note="Says her neighbour is at risk.")
    assert response.status_code == 302
    # Nothing is sent before the transaction commits...
    assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    # ...and then the senior managers of the case's directorate hear of it.
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert senior_manager.email in mail.to
    assert "safeguarding concern" in mail.subject
    assert "Says her neighbour is at risk." in mail.body


def test_new_information_shows_on_the_case_page(
    login, officer, senior_manager, item, restricted_case, django_capture_on_commit_callbacks,
    eager_tasks,
):
    with django_capture_on_commit_callbacks(execute=True):
        mark(login(officer), item, significant_new_information="yes",
             safeguarding_concern="no", note="A new survey shows the bins were missed.")
    # The case page's monitoring tab (cases.sections).
    html = page(login(senior_manager).get(
        reverse("cases:monitoring", args=[restricted_case.reference])))
    assert "Since the designation" in html
    assert "Significant new information" in html
    assert "A new survey shows the bins were missed." in html
    assert restricted_case.events.filter(kind="filed_item_read").exists()


def test_an_item_cannot_be_read_twice(login, officer, service_manager, item):
    mark(login(officer), item, significant_new_information="no", safeguarding_concern="no")
    response = mark(login(service_manager), item, significant_new_information="yes",
                    safeguarding_concern="yes", note="Changed my mind")
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.read_by, item.significant_new_information) == (officer, False)


# --- monitoring since the designation ----------------------------------------------------------


def test_case_monitoring_counts_breaches_contacts_by_indicator_and_filed_items(
    restricted_case, officer, refused, item, django_assert_max_num_queries
):
    add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15)
    indicators = some_indicators(2)
    for minutes in (20, 30):
        contact = case_services.contact_log(
            actor=officer, customer=restricted_case.customer,
            directorate=restricted_case.lead_directorate, channel=Channel.PHONE,
            direction="inbound", occurred_at=london(2025, 6, 3, 10, 0),
            duration_minutes=minutes, handled_by=officer, summary="Long call",
            indicators=indicators[:1],
        )
    contact.indicators.add(indicators[1])
    # Before the designation: not counted.
    ContactFactory(customer=restricted_case.customer, occurred_at=london(2024, 12, 1, 9, 0),
                   indicators=indicators)
    with django_assert_max_num_queries(6):
        figures = case_monitoring(restricted_case)
    assert figures["breach_count"] == 2
    assert [b.contact_id for b in figures["recent_breaches"]][0] == contact.pk
    by_indicator = {i.pk: i.contacts_since for i in figures["by_indicator"]}
    assert by_indicator == {indicators[0].pk: 2, indicators[1].pk: 1}
    assert figures["contacts_since"] == 3  # the two calls and the filed letter
    assert (figures["filed_read"], figures["filed_unread"], figures["flagged"]) == (0, 1, [])


def test_case_monitoring_counts_only_this_customers_contacts_filtering_before_counting(
    restricted_case, django_assert_max_num_queries
):
    indicators = some_indicators(2)
    since = london(2025, 6, 3, 10, 0)
    ContactFactory(customer=restricted_case.customer, occurred_at=since, indicators=indicators)
    # Someone else's contact on the same day, with the same indicators: not this case's.
    ContactFactory(occurred_at=since, indicators=indicators)
    with CaptureQueriesContext(connection) as queries:
        figures = case_monitoring(restricted_case)
    assert {i.pk: i.contacts_since for i in figures["by_indicator"]} == {
        indicators[0].pk: 1, indicators[1].pk: 1
    }
    # The customer is a WHERE condition (an index lookup), not a FILTER inside the COUNT,
    # which joined every contact in the council to its indicators (issue 13).
    (sql,) = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    where = sql.split(" WHERE ", 1)[1]
    assert '"customer_id" =' in where and "FILTER" not in sql


def test_case_monitoring_is_empty_before_a_designation(make_case):
    assert case_monitoring(make_case("referred")) == {}


def test_case_page_costs_the_same_for_few_or_many_breaches(
    login, senior_manager, restricted_case, adults
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sanction = add_sanction(restricted_case, SanctionKind.TIME_LIMIT, max_minutes=15)
    client = login(senior_manager)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(restricted_case.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    def breaches(n):
        for _ in range(n):
            contact = ContactFactory(customer=restricted_case.customer, directorate=adults,
                                     occurred_at=london(2025, 6, 3, 10, 0))
            ContactBreach.objects.create(contact=contact, sanction=sanction, message="Too long")

    breaches(2)
    count()
    few = count()
    breaches(20)
    assert count() == few


def test_a_customer_with_no_case_has_nothing_to_read(login, officer, adults):
    CustomerFactory(directorates=[adults])
    assert list(login(officer).get(QUEUE).context["items"]) == []
