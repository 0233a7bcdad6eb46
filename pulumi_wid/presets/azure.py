"""Azure presets: built-in role assignments for the add-ons every AKS cluster runs (pure).

Each function returns a fragment (see ``pulumi_wid.presets``) whose ``role_assignments``
(``{"role": <built-in role name>, "scope": <ARM id>}``) ``AksFederatedIdentity`` takes
as they are. Every role is a data-plane or single-service role from the package's
built-in role table (``pulumi_wid.azure.facts.BUILTIN_ROLES``), assigned on the
resources you name, never on a subscription. The cluster autoscaler of AKS is part of
the managed cluster and needs no workload identity, so there is no preset for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..errors import ValidationError
from . import check_bool, fragment, str_list

_PREFIX = r"^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[-\w._()]{1,90}"
_KINDS = {
    "dns_zone": (re.compile(_PREFIX + r"/providers/Microsoft\.Network/dnsZones/[^/]+$", re.I),
                 "/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Network/dnsZones/example.com (zone.id)"),
    "private_dns_zone": (re.compile(_PREFIX + r"/providers/Microsoft\.Network/privateDnsZones/[^/]+$", re.I),
                         "/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Network/privateDnsZones/internal.example.com"),
    "key_vault": (re.compile(_PREFIX + r"/providers/Microsoft\.KeyVault/vaults/[^/]+$", re.I),
                  "/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/my-vault (vault.id)"),
    "storage": (re.compile(_PREFIX + r"/providers/Microsoft\.Storage/storageAccounts/[^/]+"
                           r"(/blobServices/default/containers/[^/]+)?$", re.I),
                "/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Storage/storageAccounts/backups "
                "(or .../blobServices/default/containers/velero)"),
    "resource_group": (re.compile(_PREFIX + r"$", re.I), "/subscriptions/<sub>/resourceGroups/dns"),
}


def _ids(preset: str, key: str, value: Any, kind: str, required: bool = True) -> list[Any]:
    pattern, example = _KINDS[kind]
    items = str_list(f"{preset}.{key}", value, required, f"{kind.replace('_', ' ')} ids", f"for example [{example!r}]")
    for index, item in enumerate(items):
        if isinstance(item, str) and not pattern.fullmatch(item):
            raise ValidationError(f"{preset}.{key}[{index}]", item, f"must be the ARM id of a {kind.replace('_', ' ')}",
                                  f"for example {example!r}")
    return items


def _assign(role: str, scopes: list[Any]) -> list[dict[str, Any]]:
    return [{"role": role, "scope": scope} for scope in scopes]


def external_dns(zone_ids: Any = None, private_zone_ids: Any = None, resource_group_ids: Any = None,
                 namespace: str = "external-dns", service_account: str = "external-dns") -> dict[str, Any]:
    """external-dns: DNS Zone Contributor on ``zone_ids`` (Private DNS Zone Contributor on
    ``private_zone_ids``), and Reader on the zones' resource groups, where it finds the zones.

    ``resource_group_ids`` default to the groups of the zones you name (give them when a
    zone id is an Output).
    """
    name = "external-dns"
    params = _params(locals())
    public = _ids(name, "zone_ids", zone_ids, "dns_zone", required=False)
    private = _ids(name, "private_zone_ids", private_zone_ids, "private_dns_zone", required=False)
    if not public and not private:
        raise ValidationError(f"{name}.zone_ids", None, "names no zone: the preset grants only on zones you name",
                              "pass zone_ids (public zones) and/or private_zone_ids")
    groups = _ids(name, "resource_group_ids", resource_group_ids, "resource_group", required=False)
    if not groups:
        if not all(isinstance(z, str) for z in public + private):
            raise ValidationError(f"{name}.resource_group_ids", None,
                                  "cannot be derived from a zone id that is an Output",
                                  "pass the zones' resource group ids (group.id)")
        groups = sorted({"/".join(z.split("/")[:5]) for z in public + private})
    return fragment("azure", name, params, namespace, service_account, role_assignments=(
        _assign("DNS Zone Contributor", public) + _assign("Private DNS Zone Contributor", private)
        + _assign("Reader", groups)))


def cert_manager(zone_ids: Any = None, namespace: str = "cert-manager", service_account: str = "cert-manager") -> dict[str, Any]:
    """cert-manager (ACME DNS-01 with Azure DNS): DNS Zone Contributor on the zones you name."""
    name = "cert-manager"
    params = _params(locals())
    zones = _ids(name, "zone_ids", zone_ids, "dns_zone")
    return fragment("azure", name, params, namespace, service_account,
                    role_assignments=_assign("DNS Zone Contributor", zones))


def external_secrets(vault_ids: Any = None, certificates: bool = False, keys: bool = False, push_secrets: bool = False,
                     namespace: str = "external-secrets", service_account: str = "external-secrets") -> dict[str, Any]:
    """External Secrets Operator: Key Vault Secrets User on the vaults you name (RBAC permission model).

    ``certificates``/``keys`` add Key Vault Certificate User / Crypto User;
    ``push_secrets=True`` (PushSecret) takes Key Vault Secrets Officer instead of Secrets User.
    """
    name = "external-secrets"
    params = _params(locals())
    vaults = _ids(name, "vault_ids", vault_ids, "key_vault")
    role = "Key Vault Secrets Officer" if check_bool(f"{name}.push_secrets", push_secrets) else "Key Vault Secrets User"
    assignments = _assign(role, vaults)
    if check_bool(f"{name}.certificates", certificates):
        assignments += _assign("Key Vault Certificate User", vaults)
    if check_bool(f"{name}.keys", keys):
        assignments += _assign("Key Vault Crypto User", vaults)
    return fragment("azure", name, params, namespace, service_account, role_assignments=assignments)


def secrets_store_csi_driver(vault_ids: Any = None, certificates: bool = False, namespace: str = "default",
                             service_account: str = "workload-identity-sa") -> dict[str, Any]:
    """Azure Key Vault provider for the Secrets Store CSI driver: Key Vault Secrets User on the vaults you name.

    With workload identity the driver reads the vault as the *workload's* ServiceAccount
    (the one the SecretProviderClass's pods run as): set namespace and service_account to it.
    ``certificates`` adds Key Vault Certificate User.
    """
    name = "secrets-store-csi-driver"
    params = _params(locals())
    vaults = _ids(name, "vault_ids", vault_ids, "key_vault")
    assignments = _assign("Key Vault Secrets User", vaults)
    if check_bool(f"{name}.certificates", certificates):
        assignments += _assign("Key Vault Certificate User", vaults)
    return fragment("azure", name, params, namespace, service_account, role_assignments=assignments)


def velero(storage_ids: Any = None, namespace: str = "velero", service_account: str = "velero-server") -> dict[str, Any]:
    """Velero with velero-plugin-for-microsoft-azure (``useAAD``): Storage Blob Data Contributor on the
    storage accounts (or blob containers) of the backup locations you name.

    Managed-disk snapshots need a custom role (no built-in role covers disk read, snapshot
    write and disk restore without much more); they are not part of the preset.
    """
    name = "velero"
    params = _params(locals())
    stores = _ids(name, "storage_ids", storage_ids, "storage")
    return fragment("azure", name, params, namespace, service_account,
                    role_assignments=_assign("Storage Blob Data Contributor", stores))


def _params(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != "name"}


PRESETS: dict[str, Callable[..., dict[str, Any]]] = {
    "external-dns": external_dns,
    "cert-manager": cert_manager,
    "external-secrets": external_secrets,
    "secrets-store-csi-driver": secrets_store_csi_driver,
    "velero": velero,
}
