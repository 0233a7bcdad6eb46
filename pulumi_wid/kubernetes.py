"""The Kubernetes side shared by every cloud: the ServiceAccount and the pod template.

``service_account`` creates, patches or leaves alone the ServiceAccount;
``pod_template_patch`` builds the partial PodTemplateSpec a component outputs;
``merge_pod_template`` merges that patch into a user's workload spec.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from .errors import ValidationError
from .gcp.facts import GKE_METADATA_SELECTOR
from .identity import Identity


def pod_template_patch(
    service_account: str,
    labels: Mapping[str, str] | None = None,
    node_selector: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The partial PodTemplateSpec a workload needs for its identity.

    ``metadata.labels`` and ``spec.nodeSelector`` appear only when given.
    """
    patch: dict[str, Any] = {}
    if labels:
        patch["metadata"] = {"labels": dict(sorted(labels.items()))}
    spec: dict[str, Any] = {"serviceAccountName": service_account}
    if node_selector:
        spec["nodeSelector"] = dict(sorted(node_selector.items()))
    patch["spec"] = spec
    return patch


def warn_default_providers(component: pulumi.Resource, cloud_package: str, uses_kubernetes: bool) -> None:
    """Say so when a component falls back to a default provider (ambient config and credentials)."""
    missing = [cloud_package] if component.get_provider(cloud_package + "::") is None else []
    if uses_kubernetes and component.get_provider("kubernetes::") is None:
        missing.append("kubernetes")
    if missing:
        pulumi.log.warn(
            f"no explicit {' or '.join(missing)} provider: the default one (ambient stack config, "
            "credentials and kubeconfig context) is used; pass "
            "opts=pulumi.ResourceOptions(providers=[...]) to choose the account and cluster",
            resource=component,
        )


def merge_annotations(
    user: Mapping[str, Any], cloud: Mapping[str, Any], where: str = ""
) -> dict[str, Any]:
    """The user's annotations with the cloud's merged over them (the cloud's win)."""
    merged = dict(user)
    for key, value in cloud.items():
        if key in merged and merged[key] is not value and merged[key] != value:
            pulumi.log.warn(
                f"{where}: annotation {key!r} is set by the identity component; "
                "the value given in identity.annotations is replaced"
            )
        merged[key] = value
    return merged


def service_account(
    name: str,
    identity: Identity,
    cloud_annotations: Mapping[str, pulumi.Input[str]],
    parent: pulumi.Resource,
    depends_on: Sequence[pulumi.Resource] = (),
) -> pulumi.CustomResource | None:
    """Create (``create``), server-side-patch (``patch``) or skip (``none``) the ServiceAccount.

    Returns the Kubernetes resource, or ``None`` in ``none`` mode.
    """
    import pulumi_kubernetes as k8s

    opts = pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on) or None)
    if identity.service_account_mode == "none":
        return None
    if identity.service_account_mode == "patch" and not cloud_annotations:
        return None  # nothing to apply: the identity needs no annotation (e.g. GKE direct access)
    if identity.service_account_mode == "patch":
        return k8s.core.v1.ServiceAccountPatch(
            f"{name}-service-account",
            metadata={
                "name": identity.service_account,
                "namespace": identity.namespace,
                "annotations": dict(cloud_annotations),
            },
            opts=opts,
        )
    # As service_account_manifest writes it: no empty annotations map and no unset automount
    # (Kubernetes stores neither; each costs the SDK a typed serialisation per ServiceAccount).
    metadata: dict[str, Any] = {"name": identity.service_account, "namespace": identity.namespace}
    annotations = merge_annotations(identity.annotations, cloud_annotations, name)
    if annotations:
        metadata["annotations"] = annotations
    if identity.labels:
        metadata["labels"] = dict(identity.labels)
    if identity.automount_service_account_token is None:
        return k8s.core.v1.ServiceAccount(f"{name}-service-account", metadata=metadata, opts=opts)
    return k8s.core.v1.ServiceAccount(
        f"{name}-service-account",
        metadata=metadata,
        automount_service_account_token=identity.automount_service_account_token,
        opts=opts,
    )


def service_account_manifest(
    identity: Identity, cloud_annotations: Mapping[str, str]
) -> dict[str, Any]:
    """The ServiceAccount manifest ``create`` mode applies (for GitOps users and validation)."""
    metadata: dict[str, Any] = {"name": identity.service_account, "namespace": identity.namespace}
    if identity.labels:
        metadata["labels"] = dict(identity.labels)
    annotations = {**identity.annotations, **cloud_annotations}
    if annotations:
        metadata["annotations"] = annotations
    manifest: dict[str, Any] = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata}
    if identity.automount_service_account_token is not None:
        manifest["automountServiceAccountToken"] = identity.automount_service_account_token
    return manifest


def merge_pod_template(workload: Any, patch: Any) -> Any:
    """Merge a component's ``pod_template_patch`` into a workload without clobbering it.

    ``workload`` is a Deployment/StatefulSet/DaemonSet/Job spec (with ``template``),
    a CronJob spec (with ``jobTemplate``), a whole manifest (with ``kind`` and
    ``spec``) or a pod template itself, as a plain dict with Kubernetes' camelCase
    keys. Labels and node selectors are added to the user's; ``spec.selector`` is
    left alone. A conflicting value (another ``serviceAccountName``, a label or
    node selector key with another value, ``hostNetwork`` with GKE's metadata
    server) raises ``ValidationError``. A cross-cloud patch's ``spec.volumes`` are added
    to the pod's and its ``allContainers`` env and volumeMounts to every container; a
    name the user already uses for something else (or a mount path taken) raises too.
    Returns a new dict, or an ``Output`` of one when the patch or the workload is an ``Output``.
    """
    if isinstance(patch, pulumi.Output) or isinstance(workload, pulumi.Output):
        return pulumi.Output.all(workload, patch).apply(lambda pair: merge_pod_template(*pair))
    if not isinstance(workload, Mapping):
        raise ValidationError(
            "workload",
            workload,
            "must be a dict with Kubernetes' camelCase keys",
            "pass the workload spec as a dict, e.g. {'template': {...}}",
        )
    if not isinstance(patch, Mapping):
        raise ValidationError("patch", patch, "must be a component's pod_template_patch")
    merged = copy.deepcopy(dict(workload))
    template = _template_of(merged)
    _merge_into_template(template, patch)
    return merged


def _template_of(workload: dict[str, Any]) -> dict[str, Any]:
    node = workload
    if "kind" in node and isinstance(node.get("spec"), dict):
        node = node["spec"]
    if isinstance(node.get("jobTemplate"), dict):
        node = node["jobTemplate"].setdefault("spec", {})
    if "template" in node or "selector" in node or "replicas" in node:
        return node.setdefault("template", {})
    return node  # already a pod template


def _merge_into_template(template: dict[str, Any], patch: Mapping[str, Any]) -> None:
    labels = (patch.get("metadata") or {}).get("labels") or {}
    if labels:
        metadata = template.setdefault("metadata", {})
        _merge_map(metadata.setdefault("labels", {}), labels, "template.metadata.labels")
    patch_spec = patch.get("spec") or {}
    spec = template.setdefault("spec", {})
    wanted = patch_spec.get("serviceAccountName")
    if wanted is not None:
        current = spec.get("serviceAccountName") or spec.get("serviceAccount")
        if current not in (None, wanted):
            raise ValidationError(
                "template.spec.serviceAccountName",
                current,
                f"conflicts with the identity's ServiceAccount {wanted!r}",
                "remove serviceAccountName from the template, or use the identity's",
            )
        spec["serviceAccountName"] = wanted
    selector = patch_spec.get("nodeSelector") or {}
    if selector:
        if GKE_METADATA_SELECTOR in selector and spec.get("hostNetwork"):
            raise ValidationError(
                "template.spec.hostNetwork",
                True,
                "pods on the host network cannot use GKE Workload Identity",
                "set hostNetwork to false for this workload",
            )
        _merge_map(spec.setdefault("nodeSelector", {}), selector, "template.spec.nodeSelector")
    volumes = patch_spec.get("volumes") or []
    if volumes:
        _merge_named(spec.setdefault("volumes", []), volumes, "template.spec.volumes")
    every = patch.get("allContainers") or {}
    if every:
        _merge_all_containers(spec, every)


def _merge_all_containers(spec: dict[str, Any], every: Mapping[str, Any]) -> None:
    """Add the patch's env and volumeMounts to every container (cross-cloud federation's projected token)."""
    containers = spec.get("containers")
    if not isinstance(containers, list) or not containers:
        raise ValidationError(
            "template.spec.containers", containers,
            "the identity mounts its token and sets its variables in every container, and the workload has none",
            "merge the patch into the workload's full pod template, containers included",
        )
    for index, container in enumerate(containers):
        where = f"template.spec.containers[{index}]"
        taken = {m.get("mountPath"): m.get("name") for m in container.get("volumeMounts") or [] if isinstance(m, Mapping)}
        for mount in every.get("volumeMounts") or []:
            if taken.get(mount["mountPath"], mount["name"]) != mount["name"]:
                raise ValidationError(
                    f"{where}.volumeMounts", mount["mountPath"],
                    f"is already the mount point of volume {taken[mount['mountPath']]!r}",
                    "mount that volume elsewhere: the identity's token is mounted there",
                )
        for key in ("env", "volumeMounts"):
            if every.get(key):
                _merge_named(container.setdefault(key, []), every[key], f"{where}.{key}")


def _merge_named(target: list[Any], extra: Any, where: str) -> None:
    """Append ``extra``'s named items (volumes, env, mounts) to ``target``; the same name must hold the same item."""
    by_name = {item.get("name"): item for item in target if isinstance(item, Mapping)}
    for item in extra:
        present = by_name.get(item["name"])
        if present is None:
            target.append(copy.deepcopy(dict(item)))
            by_name[item["name"]] = item
        elif present != item:
            raise ValidationError(
                f"{where}.{item['name']}", present,
                f"conflicts with the identity's required value {dict(item)!r}",
                f"rename or remove the workload's {item['name']!r}",
            )


def _merge_map(target: dict[str, Any], extra: Mapping[str, Any], where: str) -> None:
    for key, value in extra.items():
        if key in target and target[key] != value:
            raise ValidationError(
                f"{where}.{key}",
                target[key],
                f"conflicts with the identity's required value {value!r}",
                f"remove {key!r} from the workload or set it to {value!r}",
            )
        target[key] = value
