"""Azure (AKS): ``AksFederatedIdentity``, a managed identity federated with a Kubernetes ServiceAccount.

The component (and ``pulumi_azure_native``) loads only when a public class is first
used, so ``pulumi_wid.azure.documents`` and ``facts`` import without any cloud SDK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["AksFederatedIdentity", "AksFederatedIdentityArgs", "AzureRoleAssignment", "ExistingIdentity"]
_LAZY = {"AksFederatedIdentity": ".component", "AksFederatedIdentityArgs": ".args",
         "AzureRoleAssignment": ".args", "ExistingIdentity": ".args"}

if TYPE_CHECKING:  # pragma: no cover
    from .args import AksFederatedIdentityArgs, AzureRoleAssignment, ExistingIdentity
    from .component import AksFederatedIdentity


def __getattr__(attr: str) -> Any:
    module = _LAZY.get(attr)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {attr!r}")
    return getattr(importlib.import_module(module, __name__), attr)
