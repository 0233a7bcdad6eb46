"""AWS (EKS): ``EksPodIdentity`` by EKS Pod Identity or IRSA.

The component (and ``pulumi_aws``) loads only when ``EksPodIdentity`` or
``EksPodIdentityArgs`` is first used, so ``pulumi_wid.aws.documents``,
``facts`` and ``knowledge`` import without any cloud SDK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["EksPodIdentity", "EksPodIdentityArgs"]
_LAZY = {"EksPodIdentity": ".component", "EksPodIdentityArgs": ".args"}

if TYPE_CHECKING:  # pragma: no cover
    from .args import EksPodIdentityArgs
    from .component import EksPodIdentity


def __getattr__(attr: str) -> Any:
    module = _LAZY.get(attr)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {attr!r}")
    return getattr(importlib.import_module(module, __name__), attr)
