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
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from accounts import scope
from accounts.models import Directorate, StaffProfile
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


# --- the access stamp (accounts.scope): replaced after every change to who sees what ------
#
# After the change, in its transaction (m2m writes run in one, with their signals): a
# request that read the old stamp before the change commits caches under the old stamp,
# which no later request reads. A stamp replaced before the change, outside a
# transaction, could be read and cached with the old access.


def restamp(*, user_ids=(), profile_ids=()) -> str:
    """A new access stamp for these users' and profiles' staff profiles; the stamp.

    `QuerySet.update()` on a model with history: the one field it writes is excluded from
    the history, which records the changes the stamp follows."""
    stamp = scope.new_stamp()
    user_ids, profile_ids = set(user_ids), set(profile_ids)
    if user_ids:
        StaffProfile.objects.filter(user_id__in=user_ids).update(access_stamp=stamp)
    if profile_ids:
        StaffProfile.objects.filter(pk__in=profile_ids).update(access_stamp=stamp)
    return stamp


def _sync(stamp: str, user, profile=None) -> None:
    """The in-memory objects of a forward change follow it: the user's own copies are
    dropped, and the profile object takes the new stamp."""
    if profile is None and user is not None and "staff_profile" in user._state.fields_cache:
        profile = user._state.fields_cache["staff_profile"]
    if profile is not None:
        profile.access_stamp = stamp
    if user is not None:
        scope.forget(user)


_CLEARING = "_ucp_clearing"


def groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action == "pre_clear" and reverse:
        setattr(instance, _CLEARING, list(instance.user_set.values_list("pk", flat=True)))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        _sync(restamp(user_ids=[instance.pk]), instance)
    elif action == "post_clear":
        restamp(user_ids=instance.__dict__.pop(_CLEARING, []))
    else:
        restamp(user_ids=pk_set or ())


def directorates_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action == "pre_clear" and reverse:
        setattr(instance, _CLEARING, list(instance.staff.values_list("pk", flat=True)))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        _sync(restamp(profile_ids=[instance.pk]), instance._state.fields_cache.get("user"),
              instance)
    elif action == "post_clear":
        restamp(profile_ids=instance.__dict__.pop(_CLEARING, []))
    else:
        restamp(profile_ids=pk_set or ())


def profile_saving(sender, instance, **kwargs) -> None:
    # Any save, even of an object that missed a change made elsewhere: it cannot write an
    # old stamp back over the new one.
    instance.access_stamp = scope.new_stamp()


def profile_saved(sender, instance, update_fields=None, **kwargs) -> None:
    # A save of named fields did not write the stamp: write it now.
    if update_fields is not None and "access_stamp" not in update_fields:
        StaffProfile.objects.filter(pk=instance.pk).update(access_stamp=instance.access_stamp)


def group_saved(sender, instance, created, **kwargs) -> None:
    if not created:  # renamed: the role it means may have changed
        restamp(user_ids=instance.user_set.values_list("pk", flat=True))


def directorate_saved(sender, instance, created, **kwargs) -> None:
    if not created:  # renamed: the names kept with the access are stale
        restamp(profile_ids=instance.staff.values_list("pk", flat=True))


def group_deleting(sender, instance, **kwargs) -> None:
    setattr(instance, _CLEARING, list(instance.user_set.values_list("pk", flat=True)))


def group_deleted(sender, instance, **kwargs) -> None:
    restamp(user_ids=instance.__dict__.pop(_CLEARING, []))


def directorate_deleting(sender, instance, **kwargs) -> None:
    setattr(instance, _CLEARING, list(instance.staff.values_list("pk", flat=True)))


def directorate_deleted(sender, instance, **kwargs) -> None:
    restamp(profile_ids=instance.__dict__.pop(_CLEARING, []))


def connect() -> None:
    m2m_changed.connect(
        guard_groups, sender=User.groups.through, dispatch_uid="accounts.guard_groups"
    )
    pre_save.connect(guard_flags, sender=User, dispatch_uid="accounts.guard_flags")
    m2m_changed.connect(groups_changed, sender=User.groups.through,
                        dispatch_uid="accounts.stamp_groups")
    m2m_changed.connect(directorates_changed, sender=StaffProfile.directorates.through,
                        dispatch_uid="accounts.stamp_directorates")
    pre_save.connect(profile_saving, sender=StaffProfile, dispatch_uid="accounts.stamp_save")
    post_save.connect(profile_saved, sender=StaffProfile, dispatch_uid="accounts.stamp_saved")
    post_save.connect(group_saved, sender=Group, dispatch_uid="accounts.stamp_group")
    post_save.connect(directorate_saved, sender=Directorate,
                      dispatch_uid="accounts.stamp_directorate")
    pre_delete.connect(group_deleting, sender=Group, dispatch_uid="accounts.stamp_group_del")
    post_delete.connect(group_deleted, sender=Group, dispatch_uid="accounts.stamp_group_gone")
    pre_delete.connect(directorate_deleting, sender=Directorate,
                       dispatch_uid="accounts.stamp_dir_del")
    post_delete.connect(directorate_deleted, sender=Directorate,
                        dispatch_uid="accounts.stamp_dir_gone")
