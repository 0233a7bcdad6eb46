"""pulumi-wid: Kubernetes workload identities on EKS, AKS and GKE without static keys.

Each cloud's component is imported lazily so that using one cloud never
imports another cloud's SDK: ``from pulumi_wid import EksPodIdentity`` loads
only ``pulumi_aws``. The pure core (``validation``, ``identity``, each cloud's
``facts`` and ``documents``, ``policy.rules``) imports without Pulumi at all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import ValidationError
from .identity import ServiceIdentity

__version__ = "0.1.0"

_LAZY = {
    "merge_pod_template": "pulumi_wid.kubernetes",
    "EksPodIdentity": "pulumi_wid.aws",
    "EksPodIdentityArgs": "pulumi_wid.aws",
    "AksFederatedIdentity": "pulumi_wid.azure",
    "AksFederatedIdentityArgs": "pulumi_wid.azure",
    "GkeWorkloadIdentity": "pulumi_wid.gcp",
    "GkeWorkloadIdentityArgs": "pulumi_wid.gcp",
    # cross-cloud federation and keyless CI (any issuer to AWS, Azure, GCP)
    "AwsFederatedRole": "pulumi_wid.federation.aws",
    "AzureFederatedIdentity": "pulumi_wid.federation.azure",
    "GcpFederatedPrincipal": "pulumi_wid.federation.gcp",
}

__all__ = ["ServiceIdentity", "ValidationError", *_LAZY]

if TYPE_CHECKING:  # pragma: no cover
    from .aws import EksPodIdentity, EksPodIdentityArgs  # noqa: F401
    from .azure import AksFederatedIdentity, AksFederatedIdentityArgs  # noqa: F401
    from .federation import AwsFederatedRole, AzureFederatedIdentity, GcpFederatedPrincipal  # noqa: F401
    from .gcp import GkeWorkloadIdentity, GkeWorkloadIdentityArgs  # noqa: F401
    from .kubernetes import merge_pod_template  # noqa: F401


def __getattr__(attr: str) -> Any:
    module = _LAZY.get(attr)
    if module is None:
        raise AttributeError(f"module 'pulumi_wid' has no attribute {attr!r}")
    try:
        value = getattr(importlib.import_module(module), attr)
    except ImportError as error:
        extra = module.rsplit(".", 1)[-1] if module != "pulumi_wid.kubernetes" else "all"
        raise ImportError(
            f"{attr} needs the {extra} extra: pip install 'pulumi-wid[{extra}]' ({error})"
        ) from error
    globals()[attr] = value
    return value
