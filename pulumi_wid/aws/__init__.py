"""AWS (EKS): ``EksPodIdentity`` by EKS Pod Identity or IRSA.

The component (and ``pulumi_aws``) loads only when ``EksPodIdentity`` or
``EksPodIdentityArgs`` is first used, so ``pulumi_wid.aws.documents``,
``facts`` and ``knowledge`` import without any cloud SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_getattr

__all__ = ["EksPodIdentity", "EksPodIdentityArgs"]
_LAZY = {"EksPodIdentity": ".component", "EksPodIdentityArgs": ".args"}

if TYPE_CHECKING:  # pragma: no cover
    from .args import EksPodIdentityArgs
    from .component import EksPodIdentity


__getattr__ = lazy_getattr(__name__, _LAZY)
