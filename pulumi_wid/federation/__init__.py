"""Any cluster to any cloud, and keyless CI: federate a foreign OIDC issuer into AWS, Azure or GCP.

``AwsFederatedRole``, ``AzureFederatedIdentity`` and ``GcpFederatedPrincipal`` take the same
``ServiceIdentity`` as the native components plus the source cluster's issuer (EKS, AKS, GKE
or any cluster with a public issuer), or CI pipelines (GitHub Actions, GitLab CI), and build
the target cloud's trust; for pods, ``pod_template_patch`` carries the projected token, the
env vars and (GCP) the credential file. ``facts``, ``args`` and ``documents`` import no cloud
SDK; each component loads only its own cloud's SDK, on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_getattr

__all__ = [
    "AwsFederatedRole", "AwsFederatedRoleArgs", "AzureFederatedIdentity", "AzureFederatedIdentityArgs", "CiSource",
    "GcpFederatedPrincipal", "GcpFederatedPrincipalArgs",
]
_LAZY = {
    "AwsFederatedRole": ".aws", "AzureFederatedIdentity": ".azure", "GcpFederatedPrincipal": ".gcp",
    "AwsFederatedRoleArgs": ".args", "AzureFederatedIdentityArgs": ".args", "GcpFederatedPrincipalArgs": ".args",
    "CiSource": ".args",
}

if TYPE_CHECKING:  # pragma: no cover
    from .args import AwsFederatedRoleArgs, AzureFederatedIdentityArgs, CiSource, GcpFederatedPrincipalArgs
    from .aws import AwsFederatedRole
    from .azure import AzureFederatedIdentity
    from .gcp import GcpFederatedPrincipal

__getattr__ = lazy_getattr(__name__, _LAZY)
