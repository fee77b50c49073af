"""The last line of separation of duties: no write of a user's groups or flags, by any
route, gives an account that administers the system a casework role.

The admin form, `set_access` and the demo seeder check first and say why on the page or the
command line; these guards catch what they do not (a shell, a data migration, a new
admin page, a group's `user_set`). They raise `accounts.services.SeparationOfDuties` inside
the write's transaction, so nothing is saved. `QuerySet.update()` and raw SQL bypass
signals; nothing in the project changes groups or flags that way.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, pre_save

from accounts.roles import CASEWORK_ROLES, GROUP_NAMES, ROLE_BY_GROUP, Role
from accounts.services import check_separation

User = get_user_model()

GUARDED_GROUPS = {GROUP_NAMES[r] for r in (*CASEWORK_ROLES, Role.ADMINISTRATOR)}


def _roles(group_names) -> set[str]:
    return {ROLE_BY_GROUP[name] for name in group_names if name in ROLE_BY_GROUP}


def _check_user(user, adding: set[str] = frozenset()) -> None:
    roles = _roles(user.groups.values_list("name", flat=True)) | adding
    check_separation(roles, is_staff=user.is_staff, is_superuser=user.is_superuser)


def guard_groups(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action != "pre_add" or not pk_set:
        return
    if not reverse:
        # user.groups.add(...) / set(...): `instance` is the user.
        adding = _roles(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        if adding:
            _check_user(instance, adding)
        return
    # group.user_set.add(...): `instance` is the group, `pk_set` the users.
    if instance.name not in GUARDED_GROUPS:
        return
    adding = _roles([instance.name])
    for user in User.objects.filter(pk__in=pk_set):
        _check_user(user, adding)


def guard_flags(sender, instance, update_fields=None, **kwargs) -> None:
    if instance.pk is None or not (instance.is_staff or instance.is_superuser):
        return
    if update_fields is not None and not {"is_staff", "is_superuser"} & set(update_fields):
        return  # last_login on every sign-in, a password: no flag changes
    _check_user(instance)


def connect() -> None:
    m2m_changed.connect(
        guard_groups, sender=User.groups.through, dispatch_uid="accounts.guard_groups"
    )
    pre_save.connect(guard_flags, sender=User, dispatch_uid="accounts.guard_flags")
