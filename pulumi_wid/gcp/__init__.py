"""GCP (GKE): ``GkeWorkloadIdentity`` with a Google service account or direct principal:// grants.

The component (and ``pulumi_gcp``) loads only when a public class is first used, so
``pulumi_wid.gcp.documents`` and ``facts`` import without any cloud SDK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["GcpBinding", "GkeWorkloadIdentity", "GkeWorkloadIdentityArgs"]
_LAZY = {"GcpBinding": ".args", "GkeWorkloadIdentity": ".component", "GkeWorkloadIdentityArgs": ".args"}

if TYPE_CHECKING:  # pragma: no cover
    from .args import GcpBinding, GkeWorkloadIdentityArgs
    from .component import GkeWorkloadIdentity


def __getattr__(attr: str) -> Any:
    module = _LAZY.get(attr)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {attr!r}")
    return getattr(importlib.import_module(module, __name__), attr)
