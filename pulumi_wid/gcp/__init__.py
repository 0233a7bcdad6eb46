"""GCP (GKE): ``GkeWorkloadIdentity`` with a Google service account or direct principal:// grants.

The component (and ``pulumi_gcp``) loads only when a public class is first used, so
``pulumi_wid.gcp.documents`` and ``facts`` import without any cloud SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_getattr

__all__ = ["GcpBinding", "GkeWorkloadIdentity", "GkeWorkloadIdentityArgs"]
_LAZY = {"GcpBinding": ".args", "GkeWorkloadIdentity": ".component", "GkeWorkloadIdentityArgs": ".args"}

if TYPE_CHECKING:  # pragma: no cover
    from .args import GcpBinding, GkeWorkloadIdentityArgs
    from .component import GkeWorkloadIdentity


__getattr__ = lazy_getattr(__name__, _LAZY)
