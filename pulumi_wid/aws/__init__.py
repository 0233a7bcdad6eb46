"""AWS (EKS): ``EksPodIdentity`` by EKS Pod Identity or IRSA; ``pod_identity_agent`` for the add-on.

The component (and ``pulumi_aws``) loads only when ``EksPodIdentity`` or
``EksPodIdentityArgs`` is first used, so ``pulumi_wid.aws.documents``,
``facts`` and ``knowledge`` import without any cloud SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_getattr

__all__ = ["EksAssociation", "EksPodIdentity", "EksPodIdentityArgs", "EksTargetRole", "EksTrustCondition",
           "pod_identity_agent"]
_LAZY = {"EksPodIdentity": ".component", "EksPodIdentityArgs": ".args", "EksAssociation": ".args",
         "EksTargetRole": ".args", "EksTrustCondition": ".args", "pod_identity_agent": ".agent"}

if TYPE_CHECKING:  # pragma: no cover
    from .agent import pod_identity_agent
    from .args import EksAssociation, EksPodIdentityArgs, EksTargetRole, EksTrustCondition
    from .component import EksPodIdentity


__getattr__ = lazy_getattr(__name__, _LAZY)
