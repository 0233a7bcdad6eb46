"""Render a ``Plan`` as text, JSON or a Mermaid diagram."""

from __future__ import annotations

import json
import re
from typing import Any

from .aws import facts as aws
from .azure import facts as azure
from .gcp import facts as gcp
from .plan import IDENTITY_TYPES, TRUST_TYPES, Plan

JSON_FIELDS = ("assumeRolePolicy", "policy", "policyData")
KEY_INPUTS: dict[str, tuple[str, ...]] = {
    aws.ROLE: ("name", "path", "maxSessionDuration", "permissionsBoundary", "tags", "assumeRolePolicy"),
    aws.ROLE_POLICY: ("name", "policy"),
    aws.ROLE_POLICY_ATTACHMENT: ("policyArn",),
    aws.POD_IDENTITY_ASSOCIATION: (
        "clusterName", "namespace", "serviceAccount", "roleArn", "targetRoleArn", "disableSessionTags", "policy",
    ),
    aws.OIDC_PROVIDER: ("url", "clientIdLists"),
    azure.USER_ASSIGNED_IDENTITY: ("resourceName", "resourceGroupName", "location", "tags"),
    azure.FEDERATED_IDENTITY_CREDENTIAL: (
        "federatedIdentityCredentialResourceName", "resourceName", "issuer", "subject", "audiences",
    ),
    azure.ROLE_ASSIGNMENT: (
        "roleDefinitionId", "scope", "principalId", "principalType", "roleAssignmentName",
    ),
    gcp.SERVICE_ACCOUNT: ("accountId", "project", "displayName"),
    "kubernetes:core/v1:ServiceAccount": ("metadata", "automountServiceAccountToken"),
    "kubernetes:core/v1:ServiceAccountPatch": ("metadata",),
}
# What a provider targets (never credentials or kubeconfig contents).
PROVIDER_KEYS = ("region", "location", "project", "context", "namespace")
IAM_MEMBER = re.compile(r"(IAMMember|IamMember)$")
MEMBER_KEYS = ("role", "member", "serviceAccountId", "project", "bucket", "secretId", "topic",
               "subscription", "repository", "location", "datasetId")


def key_inputs(resource: Any) -> dict[str, Any]:
    keys = KEY_INPUTS.get(resource.type)
    if keys is None and IAM_MEMBER.search(resource.type):
        keys = MEMBER_KEYS
    picked = {k: resource.inputs[k] for k in (keys or resource.inputs) if k in resource.inputs}
    return {k: _parsed(k, v) for k, v in picked.items()}


def _parsed(key: str, value: Any) -> Any:
    if key in JSON_FIELDS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def to_json(plan: Plan, verdicts: Any = None) -> dict[str, Any]:
    def resource(r: Any) -> dict[str, Any]:
        return {"type": r.type, "name": r.name, "inputs": {k: _parsed(k, v) for k, v in r.inputs.items()}}

    return {
        "project": plan.project.name,
        "stack": plan.project.stack,
        "notes": list(plan.project.notes),
        "components": [
            {
                "type": c.type,
                "name": c.name,
                "outputs": plan.component_outputs.get(c.urn, {}),
                "resources": [resource(r) for r in plan.children(c)],
            }
            for c in plan.components()
        ],
        "providers": [
            {"type": r.type, "name": r.name, "inputs": {k: r.inputs[k] for k in PROVIDER_KEYS if k in r.inputs}}
            for r in plan.top_level() if r.type.startswith("pulumi:providers:")
        ],
        "resources": [resource(r) for r in plan.top_level() if not r.type.startswith("pulumi:providers:")],
        "exports": plan.exports,
    }


def to_text(plan: Plan) -> str:
    lines = [f"Plan of project {plan.project.name!r}, stack {plan.project.stack!r} (offline, mock runtime)"]
    lines += [f"note: {n}" for n in plan.project.notes]
    for component in plan.components():
        lines += ["", f"{component.type} {component.name!r}"]
        for child in plan.children(component):
            lines += _resource_lines(child, "  ")
        outputs = plan.component_outputs.get(component.urn, {})
        for key in ("service_account_annotations", "pod_template_patch"):
            if key in outputs:
                lines += _field_lines(key, outputs[key], "  ")
    others = [r for r in plan.top_level() if not r.type.startswith("pulumi:providers:")]
    providers = [r for r in plan.top_level() if r.type.startswith("pulumi:providers:")]
    if providers:
        lines += ["", "Providers"]
        for provider in providers:
            shown = {k: provider.inputs[k] for k in PROVIDER_KEYS if k in provider.inputs}
            detail = ", ".join(f"{k}={v}" for k, v in shown.items())
            lines.append(f"  {provider.type.rsplit(':', 1)[-1]} {provider.name!r}" + (f" ({detail})" if detail else ""))
    if others:
        lines += ["", "Other resources"]
        for resource in others:
            lines += _resource_lines(resource, "  ")
    if plan.exports:
        lines += ["", "Exports"]
        for key, value in plan.exports.items():
            lines += _field_lines(key, value, "  ")
    return "\n".join(lines) + "\n"


def _resource_lines(resource: Any, indent: str) -> list[str]:
    lines = [f"{indent}+ {resource.type} {resource.name!r}"]
    for key, value in key_inputs(resource).items():
        lines += _field_lines(key, value, indent + "    ")
    return lines


def _field_lines(key: str, value: Any, indent: str) -> list[str]:
    if isinstance(value, (dict, list)) and value:
        body = json.dumps(value, indent=2, sort_keys=key not in JSON_FIELDS).splitlines()
        return [f"{indent}{key}:"] + [f"{indent}  {line}" for line in body]
    return [f"{indent}{key}: {json.dumps(value) if not isinstance(value, str) else value}"]


# -- mermaid ------------------------------------------------------------------
# The workloadIdentityUser grant is a trust only with that role (see to_mermaid).
_TRUSTS = {k: v for k, v in TRUST_TYPES.items() if k != gcp.SERVICE_ACCOUNT_IAM_MEMBER}


def to_mermaid(plan: Plan) -> str:
    lines = ["flowchart LR"]
    for ci, component in enumerate(plan.components()):
        outputs = plan.component_outputs.get(component.urn, {})
        children = plan.children(component)
        lines.append(f'  subgraph c{ci}["{_esc(component.type.split(":")[-1])} {_esc(component.name)}"]')
        sa = f"c{ci}sa"
        ns, name = outputs.get("namespace", "?"), outputs.get("service_account_name", "?")
        lines.append(f'    {sa}(["ServiceAccount {_esc(ns)}/{_esc(name)}"])')
        identity = None
        trusts: list[str] = []
        grants: list[str] = []
        for index, child in enumerate(children):
            node = f"c{ci}r{index}"
            if child.type in IDENTITY_TYPES:
                identity = node
                label = child.inputs.get("name") or child.inputs.get("resourceName") or child.inputs.get("accountId") or child.name
                lines.append(f'    {node}["{IDENTITY_TYPES[child.type]} {_esc(label)}"]')
            elif child.type in _TRUSTS:
                trusts.append(node)
                detail = child.inputs.get("subject") or f"{child.inputs.get('namespace')}/{child.inputs.get('serviceAccount')}"
                lines.append(f'    {node}{{{{"{_TRUSTS[child.type]}<br/>{_esc(detail)}"}}}}')
            elif child.type == gcp.SERVICE_ACCOUNT_IAM_MEMBER and child.inputs.get("role") == gcp.WORKLOAD_IDENTITY_USER:
                trusts.append(node)
                lines.append(f'    {node}{{{{"workloadIdentityUser<br/>{_esc(child.inputs.get("member"))}"}}}}')
            elif not child.type.startswith("kubernetes:"):
                grants.append(node)
                lines.append(f'    {node}["{_esc(_grant_label(child))}"]')
        if identity is None:
            identity = f"c{ci}id"
            lines.append(f'    {identity}["{_esc(_outside_identity(outputs))}"]')
        if not trusts:
            trusts = [f"c{ci}trust"]
            lines.append(f'    {trusts[0]}{{{{"{_trust_label(children)}"}}}}')
        for trust in trusts:
            lines.append(f"    {sa} --> {trust} --> {identity}")
        for grant in grants:
            lines.append(f"    {identity} --> {grant}")
        lines.append("  end")
    return "\n".join(lines) + "\n"


def _grant_label(resource: Any) -> str:
    i = resource.inputs
    if resource.type == aws.ROLE_POLICY:
        doc = _parsed("policy", i.get("policy"))
        actions = []
        for statement in (doc.get("Statement", []) if isinstance(doc, dict) else []):
            action = statement.get("Action", [])
            actions += action if isinstance(action, list) else [action]
        return "inline policy: " + ", ".join(map(str, actions))
    if resource.type == aws.ROLE_POLICY_ATTACHMENT:
        return f"managed policy {str(i.get('policyArn')).rsplit('/', 1)[-1]}"
    if resource.type == azure.ROLE_ASSIGNMENT:
        return f"role {str(i.get('roleDefinitionId')).rsplit('/', 1)[-1]} on {i.get('scope')}"
    if "role" in i:
        target = next((i[k] for k in MEMBER_KEYS[2:] if k in i), "")
        return f"{i['role']} on {target}"
    return f"{resource.type.split(':')[-1]} {resource.name}"


def _trust_label(children: list[Any]) -> str:
    for child in children:
        if child.type == aws.ROLE:
            doc = _parsed("assumeRolePolicy", child.inputs.get("assumeRolePolicy"))
            subs = []
            for statement in (doc.get("Statement", []) if isinstance(doc, dict) else []):
                for values in (statement.get("Condition") or {}).values():
                    subs += [v for k, v in values.items() if k.endswith(":sub")]
            if subs:
                return "IRSA trust<br/>sub=" + _esc(", ".join(map(str, subs)))
    return "trust"


def _outside_identity(outputs: dict[str, Any]) -> str:
    for key in ("role_arn", "gcp_service_account_email", "member", "client_id"):
        if outputs.get(key):
            return str(outputs[key])
    return "cloud identity"


def _esc(value: Any) -> str:
    return str(value).replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
