"""Azure (AKS): ``AksFederatedIdentity``, a managed identity federated with a Kubernetes ServiceAccount.

The component (and ``pulumi_azure_native``) loads only when a public class is first
used, so ``pulumi_wid.azure.documents`` and ``facts`` import without any cloud SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_getattr

__all__ = ["AksFederatedIdentity", "AksFederatedIdentityArgs", "AzureRoleAssignment", "ExistingIdentity"]
_LAZY = {"AksFederatedIdentity": ".component", "AksFederatedIdentityArgs": ".args",
         "AzureRoleAssignment": ".args", "ExistingIdentity": ".args"}

if TYPE_CHECKING:  # pragma: no cover
    from .args import AksFederatedIdentityArgs, AzureRoleAssignment, ExistingIdentity
    from .component import AksFederatedIdentity


__getattr__ = lazy_getattr(__name__, _LAZY)
