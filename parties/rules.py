"""Who of a claims-administrator organisation may do what (django-rules).

``parties.view_case`` agrees with ``Case.objects.for_organisation(organisation_of(user))``: a user of one
organisation never reaches another's case, and the views answer 404 for it (as for reviewers).
"""

from __future__ import annotations

import rules

from parties.organisations import organisation_of


@rules.predicate
def is_organisation_user(user) -> bool:
    return organisation_of(user) is not None


@rules.predicate
def is_case_of_own_organisation(user, case) -> bool:
    from cases.models import Case

    organisation = organisation_of(user)
    if case is None or organisation is None:
        return False
    return Case.objects.for_organisation(organisation).filter(pk=case.pk).exists()


@rules.predicate
def is_organisation_admin(user, organisation) -> bool:
    own = organisation_of(user)
    if own is None or organisation is None or own.pk != organisation.pk:
        return False
    return user.membership.is_organisation_admin and not user.membership.is_service_account


@rules.predicate
def case_takes_records(user, case) -> bool:
    """Records are taken while the case is open and its determination is not fixed."""
    return case is not None and case.is_open and not case.determination_is_fixed


rules.add_perm("parties.use_portal", is_organisation_user)
rules.add_perm("parties.view_case", is_case_of_own_organisation)
rules.add_perm("parties.upload_records", is_case_of_own_organisation & case_takes_records)
rules.add_perm("parties.manage_organisation", is_organisation_admin)
