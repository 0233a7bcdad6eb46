"""Internal: what the three federated components share (the source's outputs and the ServiceAccount)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from .. import kubernetes
from .._component import WidComponent
from .args import SourceSpec


class FederatedComponent(WidComponent):
    """Base of ``AwsFederatedRole``, ``AzureFederatedIdentity`` and ``GcpFederatedPrincipal`` (internal)."""

    def _federated_started(self, cloud_package: str, source: SourceSpec, needs_kubernetes: bool = False) -> None:
        """``_started`` for a federated component (registered by its own __init__: see WidComponent)."""
        uses_kubernetes = source.identity is not None and (
            source.identity.service_account_mode == "create" or needs_kubernetes)
        self._started(cloud_package, uses_kubernetes)

    def _service_account(self, name: str, source: SourceSpec, depends_on: list[pulumi.Resource]) -> None:
        """The ServiceAccount (create mode) carries no cloud annotation: the pod's projected token does the work."""
        if source.identity is not None:
            kubernetes.service_account(name, source.identity, {}, self, depends_on=depends_on)

    def _finish_federated(self, source: SourceSpec, audience: Any, cloud_outputs: Mapping[str, Any],
                          pod_template_patch: Any, ci_settings: Mapping[str, Any]) -> None:
        identity = source.identity
        self._set_outputs({
            **cloud_outputs,
            "issuer_url": source.issuer,
            "subjects": list(source.subjects),
            "audience": audience,
            "service_account_name": identity.service_account if identity else None,
            "namespace": identity.namespace if identity else None,
            "service_account_annotations": {},
            "pod_template_patch": pod_template_patch if identity else None,
            "ci_settings": dict(ci_settings) if identity is None else None,
        })
