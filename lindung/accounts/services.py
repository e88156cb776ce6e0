"""Creating users with roles."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from lindung.regions.models import Region

from .models import ROLE_LEVEL, Role, UserRegion


def create_user(
    *,
    username: str,
    password: str,
    role: str,
    regions: list[str] | None = None,
    name: str = "",
    email: str = "",
    staff: bool = False,
) -> object:
    """Create (or update) a user with ``role`` over ``regions`` (empty for a national BPJS officer)."""
    if role not in Role.values:
        raise ValidationError(f"Peran tidak dikenal: {role}")
    regions = regions or []
    level = ROLE_LEVEL.get(role)
    objs = []
    for code in regions:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationError(f"Kode wilayah tidak ditemukan: {code}")
        if level and region.level != level:
            raise ValidationError(
                f"Peran {role} harus pada wilayah tingkat {level}, bukan {code}"
            )
        if role == Role.BPJS and region.level != 2:
            raise ValidationError("Petugas BPJS cabang dibatasi pada kabupaten/kota")
        objs.append(region)
    if role in (Role.PROVINSI, Role.KABUPATEN, Role.DESA) and len(objs) != 1:
        raise ValidationError(f"Peran {role} memerlukan tepat satu wilayah")
    if role == Role.VIEWER and not objs:
        raise ValidationError("Peran viewer memerlukan wilayah")
    User = get_user_model()
    # Django's password validators (settings.AUTH_PASSWORD_VALIDATORS) on every path that sets a password: the CLI
    # once accepted the password "1".
    validate_password(
        password, user=User(username=username, first_name=name[:150], email=email)
    )
    with transaction.atomic():
        user, _ = User.objects.get_or_create(username=username)
        user.first_name = name[:150]
        user.email = email
        user.is_staff = staff
        user.set_password(password)
        user.save()
        UserRegion.objects.filter(user=user).delete()
        if objs:
            UserRegion.objects.bulk_create(
                UserRegion(user=user, role=role, region=r) for r in objs
            )
        else:
            UserRegion.objects.create(user=user, role=role, region=None)
    return user
