"""Internal: the skeleton every pulumi-wid component shares.

A component validates its args into a spec first (bad input fails before anything
is registered), then registers itself (``ComponentResource.__init__``, called from its own
``__init__``), ``_started`` warns about default providers, the subclass wires its
children, and ``_finish`` sets the common outputs (``service_account_name``,
``namespace``, ``service_account_annotations``, ``pod_template_patch``) beside the
cloud's own and registers them all. Each class
still declares its annotated outputs itself: the multi-language schema reads them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from . import kubernetes
from ._outputs import after, output_of
from .identity import Identity
from .validation import contains_unknown


class WidComponent(pulumi.ComponentResource):
    """Base of ``EksPodIdentity``, ``AksFederatedIdentity`` and ``GkeWorkloadIdentity`` (internal)."""

    # No __init__ here: each component calls ``super().__init__(token, name, {}, opts)`` (the
    # SDK's ComponentResource) from its own __init__. The SDK takes the third __init__ frame
    # from the top as the component's constructor, and records the frame below it (the
    # user's line) as where the component was declared; a shared __init__ in between would
    # record a line of this package instead, and cost one more frame for every component.

    def _started(self, cloud_package: str, uses_kubernetes: bool) -> None:
        """Right after registration: warn about default providers, keep the children's options."""
        kubernetes.warn_default_providers(self, cloud_package, uses_kubernetes)
        self._child = pulumi.ResourceOptions(parent=self)

    @property
    def _invoke(self) -> pulumi.InvokeOutputOptions:
        """Options of the component's invokes (made when one is needed: most components invoke nothing)."""
        return pulumi.InvokeOutputOptions(parent=self)

    def _finish(self, identity: Identity, cloud_outputs: Mapping[str, Any], annotations: Mapping[str, Any],
                pod_template_patch: Mapping[str, Any], ready: Sequence[pulumi.Resource] = ()) -> None:
        """Set the cloud's outputs, then the common ones, on ``self`` and register them (last).

        ``ready``: what must exist before a pod starts (the association, federated
        credentials or workloadIdentityUser grant, the grants, the ServiceAccount). What a
        workload takes from the component (its ServiceAccount name, annotations and pod
        template patch) depends on them, so the workload is created after them.
        """
        ready = [resource for resource in ready if resource is not None] if None in ready else list(ready)
        self._set_outputs(
            {**cloud_outputs, "service_account_name": identity.service_account, "namespace": identity.namespace,
             "service_account_annotations": dict(annotations), "pod_template_patch": pod_template_patch},
            gated=("service_account_name", "service_account_annotations", "pod_template_patch"),
            ready=ready,
        )

    def _set_outputs(self, values: Mapping[str, Any], gated: Sequence[str] = (),
                     ready: Sequence[pulumi.Resource] = ()) -> None:
        """Give ``self`` each value as an Output attribute (those named in ``gated`` depending on
        ``ready``) and register them all.

        A value with nothing unknown in it is registered as the plain value it is (the
        engine records the same outputs, and the SDK awaits no Output for it), and its
        attribute's Output is made the first time it is read (``__getattr__``): a stack of
        thousands of components reads few of their outputs. The Output is the same either way.
        """
        registered: dict[str, Any] = {}
        plain: dict[str, tuple[Any, Sequence[pulumi.Resource]]] = {}
        for key, value in values.items():
            if value is not None and not isinstance(value, str) and (
                    isinstance(value, pulumi.Output) or contains_unknown(value)):
                output = after(value, ready) if key in gated else output_of(value)
                setattr(self, key, output)
                registered[key] = output
            else:
                plain[key] = (value, ready if key in gated else ())
                if value is not None:  # the SDK drops an output that serialises to None: not sent at all
                    registered[key] = value
        self._plain_outputs = plain
        self.register_outputs(registered)

    def __getattr__(self, name: str) -> Any:
        """An output registered as a plain value, as an Output (made on first use, then kept)."""
        plain = self.__dict__.get("_plain_outputs")
        if not plain or name not in plain:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value, resources = plain.pop(name)
        output = after(value, resources)
        setattr(self, name, output)
        return output


_UNSEEN: Any = object()


def _cache_resource_types() -> None:
    """Compute the SDK's ``resource_types`` once per pulumi-wid component class, not per registration.

    When a resource registers, the SDK reads its class's output types
    (``pulumi._types.resource_types``): for a class with annotated outputs, as these
    components have (the multi-language schema reads them), that is ``get_type_hints``
    over every annotation with a copy of the modules' globals, on every instance. The
    answer depends only on the class, whose annotations never change after its
    definition, so it is kept per class here. Other classes go to the SDK's function as
    before, and the classes and their annotations stay exactly as they are.
    """
    from pulumi import _types

    original = getattr(_types, "resource_types", None)
    if original is None or getattr(original, "_wid_cached", False):
        return
    cache: dict[type, dict[str, type] | None] = {}  # None: not a pulumi-wid class, the SDK answers

    def resource_types(resource_cls: type) -> dict[str, type]:
        found = cache.get(resource_cls, _UNSEEN)
        if found is _UNSEEN:
            found = cache[resource_cls] = original(resource_cls) if issubclass(resource_cls, WidComponent) else None
        if found is None:
            return original(resource_cls)
        return dict(found)  # the SDK's callers get a dict of their own, as before

    resource_types._wid_cached = True  # type: ignore[attr-defined]
    resource_types.__wrapped__ = original  # type: ignore[attr-defined]
    _types.resource_types = resource_types


_cache_resource_types()

