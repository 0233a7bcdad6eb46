"""GCP presets: IAM bindings for the add-ons every GKE cluster runs (pure).

Each function returns a fragment (see ``pulumi_wid.presets``) whose ``bindings``
(``{"role", "resource_type", "resource"}``, granted on the one resource) and ``roles``
(project-level) ``GkeWorkloadIdentity`` takes as they are. Each role is the narrowest
predefined role that works, bound on the managed zones, secrets and buckets you name;
a project-level role only with ``allow_project_wide=True``, where the add-on cannot
work without one. Config Connector is not a preset: what it needs is whatever the
resources it manages need, so give it those roles yourself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..errors import ValidationError
from . import check_bool, fragment, str_list

_ZONE = re.compile(r"^(?:projects/[a-z][-a-z0-9]{4,28}[a-z0-9]/managedZones/)?[a-z][-a-z0-9]{0,62}$")
_SECRET = re.compile(r"^(?:projects/[^/]+/secrets/)?[A-Za-z0-9_-]{1,255}$")
_BUCKET = re.compile(r"^[a-z0-9][-a-z0-9_.]{1,220}[a-z0-9]$")


def _names(preset: str, key: str, value: Any, pattern: re.Pattern[str], what: str, example: str) -> list[Any]:
    items = str_list(f"{preset}.{key}", value, True, what, f"for example [{example!r}]")
    for index, item in enumerate(items):
        if isinstance(item, str) and not pattern.fullmatch(item):
            raise ValidationError(f"{preset}.{key}[{index}]", item, f"must be {what[:-1] if what.endswith('s') else what}",
                                  f"for example {example!r}")
    return items


def _zones(preset: str, value: Any) -> list[Any]:
    return _names(preset, "managed_zones", value, _ZONE, "Cloud DNS managed zone names",
                  "prod-example-com (the zone's name, not its DNS name) or projects/my-project/managedZones/prod-example-com")


def _bind(role: str, resource_type: str, resources: list[Any]) -> list[dict[str, Any]]:
    return [{"role": role, "resource_type": resource_type, "resource": r} for r in resources]


def _project_wide(preset: str, allow: Any, what: str, alternative: str) -> None:
    if check_bool(f"{preset}.allow_project_wide", allow):
        return
    raise ValidationError(f"{preset}.allow_project_wide", False, f"{what}: that needs a role on the whole project",
                          f"pass allow_project_wide=True to accept it, or {alternative}")


def external_dns(managed_zones: Any = None, allow_project_wide: bool = False, namespace: str = "external-dns",
                 service_account: str = "external-dns") -> dict[str, Any]:
    """external-dns: roles/dns.admin on the managed zones you name, roles/dns.reader on the project.

    external-dns lists the project's zones to find them (``dns.managedZones.list`` exists
    only on the project), hence the read-only project role, granted only with
    ``allow_project_wide=True``.
    """
    name = "external-dns"
    params = _params(locals())
    zones = _zones(name, managed_zones)
    _project_wide(name, allow_project_wide, "external-dns lists the project's managed zones",
                  "grant roles/dns.reader on the project yourself")
    return fragment("gcp", name, params, namespace, service_account,
                    bindings=_bind("roles/dns.admin", "dns_managed_zone", zones), roles=["roles/dns.reader"])


def cert_manager(managed_zones: Any = None, namespace: str = "cert-manager", service_account: str = "cert-manager") -> dict[str, Any]:
    """cert-manager (ACME DNS-01 with Cloud DNS): roles/dns.admin on the managed zones you name.

    Set ``hostedZoneName`` in the issuer's ``cloudDNS`` solver: without it cert-manager
    lists the project's zones, which needs roles/dns.reader on the project.
    """
    name = "cert-manager"
    params = _params(locals())
    zones = _zones(name, managed_zones)
    return fragment("gcp", name, params, namespace, service_account,
                    bindings=_bind("roles/dns.admin", "dns_managed_zone", zones))


def external_secrets(secrets: Any = None, namespace: str = "external-secrets",
                     service_account: str = "external-secrets") -> dict[str, Any]:
    """External Secrets Operator: roles/secretmanager.secretAccessor on the secrets you name, never on the project."""
    name = "external-secrets"
    params = _params(locals())
    items = _names(name, "secrets", secrets, _SECRET, "Secret Manager secret ids",
                   "db-password or projects/shared-secrets/secrets/db-password")
    return fragment("gcp", name, params, namespace, service_account,
                    bindings=_bind("roles/secretmanager.secretAccessor", "secret", items))


def velero(buckets: Any = None, volume_snapshots: bool = True, allow_project_wide: bool = False,
           namespace: str = "velero", service_account: str = "velero-server") -> dict[str, Any]:
    """Velero with velero-plugin-for-gcp: roles/storage.objectAdmin on the backup buckets you name.

    ``volume_snapshots=True`` (the default) snapshots persistent disks: roles/compute.storageAdmin
    on the project (``allow_project_wide=True``; the plugin's README uses a custom role with
    the compute disk and snapshot permissions, which is narrower). ``False``: file-system
    backups only. Signed download URLs (``velero backup download``) also need
    roles/iam.serviceAccountTokenCreator on Velero's own service account.
    """
    name = "velero"
    params = _params(locals())
    items = _names(name, "buckets", buckets, _BUCKET, "bucket names", "my-velero-backups")
    roles: list[str] = []
    if check_bool(f"{name}.volume_snapshots", volume_snapshots):
        _project_wide(name, allow_project_wide, "Velero snapshots persistent disks",
                      "volume_snapshots=False for file-system backups only")
        roles = ["roles/compute.storageAdmin"]
    return fragment("gcp", name, params, namespace, service_account,
                    bindings=_bind("roles/storage.objectAdmin", "storage_bucket", items), roles=roles)


def _params(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != "name"}


PRESETS: dict[str, Callable[..., dict[str, Any]]] = {
    "external-dns": external_dns,
    "cert-manager": cert_manager,
    "external-secrets": external_secrets,
    "velero": velero,
}
