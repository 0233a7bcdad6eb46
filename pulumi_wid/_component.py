"""Internal: the skeleton every pulumi-wid component shares.

A component validates its args into a spec first (bad input fails before anything
is registered), then ``WidComponent.__init__`` registers it and warns about default
providers, the subclass wires its children, and ``_finish`` sets the common outputs
(``service_account_name``, ``namespace``, ``service_account_annotations``,
``pod_template_patch``) beside the cloud's own and registers them all. Each class
still declares its annotated outputs itself: the multi-language schema reads them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from . import kubernetes
from ._outputs import after, output_of
from .identity import Identity


class WidComponent(pulumi.ComponentResource):
    """Base of ``EksPodIdentity``, ``AksFederatedIdentity`` and ``GkeWorkloadIdentity`` (internal)."""

    def __init__(self, token: str, name: str, opts: pulumi.ResourceOptions | None,
                 cloud_package: str, uses_kubernetes: bool) -> None:
        super().__init__(token, name, {}, opts)
        kubernetes.warn_default_providers(self, cloud_package, uses_kubernetes)
        self._child = pulumi.ResourceOptions(parent=self)
        self._invoke = pulumi.InvokeOutputOptions(parent=self)

    def _finish(self, identity: Identity, cloud_outputs: Mapping[str, Any], annotations: Mapping[str, Any],
                pod_template_patch: Mapping[str, Any], ready: Sequence[pulumi.Resource] = ()) -> None:
        """Set the cloud's outputs, then the common ones, on ``self`` and register them (last).

        ``ready``: what must exist before a pod starts (the association, federated
        credentials or workloadIdentityUser grant, the grants, the ServiceAccount). What a
        workload takes from the component (its ServiceAccount name, annotations and pod
        template patch) depends on them, so the workload is created after them.
        """
        outputs = {key: output_of(value) for key, value in cloud_outputs.items()}
        ready = [resource for resource in ready if resource is not None]
        outputs.update(
            service_account_name=after(identity.service_account, ready),
            namespace=output_of(identity.namespace),
            service_account_annotations=after(dict(annotations), ready),
            pod_template_patch=after(pod_template_patch, ready),
        )
        for key, value in outputs.items():
            setattr(self, key, value)
        self.register_outputs(outputs)

