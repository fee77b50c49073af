"""Read-only JSON for the council's telephony and CRM systems.

The same check as the contact log and the front desk (`sanctions.checks.check_contact`),
scoped like the pages: a token's user sees only the customers of their directorates (any
other reference is a 404), and roles without casework access get 403.

A reference merged away into another record (`cases.services.merge`) is answered for the
surviving record, saying so (`merged_from`), rather than redirected: the answer is about the
person, in one round trip, and a client that does not follow redirects (or drops the token
on one) cannot mistake a 3xx for "not restricted".
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import (
    RestrictionCheckInput,
    RestrictionCheckOutput,
    RestrictionsInput,
    RestrictionsOutput,
)
from cases import access_log, matching
from cases import selectors as case_selectors
from sanctions.checks import banner_lines, check_contact, sanctions_in_force
from sanctions.selectors import restriction_banner
from ucp.http import CASEWORK_REFUSED, may_do_casework


class CaseworkRole(BasePermission):
    """The API's form of `ucp.http.casework_required`: the same question, DRF's answer."""

    message = CASEWORK_REFUSED

    def has_permission(self, request, view) -> bool:
        return may_do_casework(request.user)


class ApiView(APIView):
    """Token-authenticated: the site's sign-in redirect must not answer for DRF's 401."""

    permission_classes = [IsAuthenticated, CaseworkRole]

    @classmethod
    def as_view(cls, **initkwargs):
        return login_not_required(super().as_view(**initkwargs))


class RestrictionCheckView(ApiView):
    """Is this contact with the customer within the restrictions in force?"""

    def get(self, request: Request) -> Response:
        return self._check(request, request.query_params)

    def post(self, request: Request) -> Response:
        return self._check(request, request.data)

    def _check(self, request: Request, data) -> Response:
        given = RestrictionCheckInput(data=data)
        given.is_valid(raise_exception=True)
        values = given.validated_data
        merged_from = None
        if (values.get("customer") or "").strip():
            customer, merged_from = case_selectors.get_customer_or_survivor_for_user(
                request.user, values["customer"])
            found = [(customer, None)]
        else:
            found = [(c, c.restricted) for c in matching.same_contact_details(
                request.user, phone=values.get("phone"), email=values.get("email"))]
            if not found:
                raise NotFound("No customer you may see has that phone number or email.")
            customer = next((c for c, r in found if r), found[0][0])
            access_log.saw(request.user, [c for c, _r in found])
            access_log.noted(request.user, customer)
        matter = None
        if values.get("matter"):
            matter = case_selectors.matter_by_reference(customer, values["matter"])
            if matter is None:
                raise serializers.ValidationError(
                    {"matter": [f"{customer.reference} has no matter {values['matter']}."]}
                )
        now = timezone.now()
        at = values.get("at") or now
        directorate = values.get("directorate")
        in_force = sanctions_in_force(customer, at, directorate)
        verdict = check_contact(
            customer=customer,
            channel=values["channel"],
            at=at,
            duration_minutes=values.get("duration_minutes"),
            officer=values.get("officer"),
            matter=matter,
            witness_present=values.get("witness_present", False),
            directorate=directorate,
            sanctions=in_force,
        )
        matches = [{"customer": c.reference,
                    "restricted": bool(in_force) if r is None else r} for c, r in found]
        result = {
            "customer": customer.reference,
            "merged_from": merged_from,
            "matches": matches,
            "any_restricted": any(m["restricted"] for m in matches),
            "within_restrictions": verdict.within_restrictions,
            "breaches": [
                {"sanction": b.kind, "message": b.message, "filed": b.filed}
                for b in verdict.breaches
            ],
            "restrictions": banner_lines(in_force),
            "at": at,
            "checked_at": now,
        }
        return Response(RestrictionCheckOutput(result).data)


class CustomerRestrictionsView(ApiView):
    """The restrictions in force for a customer, as the banner on their pages shows them."""

    def get(self, request: Request, reference: str) -> Response:
        given = RestrictionsInput(data=request.query_params)
        given.is_valid(raise_exception=True)
        on = given.validated_data.get("on") or timezone.localdate()
        customer, merged_from = case_selectors.get_customer_or_survivor_for_user(
            request.user, reference)
        lines = restriction_banner(customer, on) or []
        result = {
            "customer": customer.reference,
            "merged_from": merged_from,
            "on": on,
            "restricted": bool(lines),
            "restrictions": lines,
        }
        response = Response(RestrictionsOutput(result).data)
        if merged_from:
            # Where this answer lives now, for a client that keeps references.
            response["Content-Location"] = reverse(
                "api:customer_restrictions", args=[customer.reference])
        return response
