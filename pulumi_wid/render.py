"""Render a ``Plan`` as text, JSON or a Mermaid diagram."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
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


_ROLE_NAMES = {guid.lower(): name for name, guid in azure.BUILTIN_ROLES.items()}


def azure_role_name(role_definition_id: Any) -> str | None:
    """The built-in role's name for a role definition id (or bare GUID), from azure/facts.py's table."""
    return _ROLE_NAMES.get(str(role_definition_id).rstrip("/").rsplit("/", 1)[-1].lower())


def azure_role_label(role_definition_id: Any) -> str:
    """``Storage Blob Data Reader (2a2b9908-...)``, or the GUID alone for a role the table does not hold."""
    guid = str(role_definition_id).rstrip("/").rsplit("/", 1)[-1]
    name = azure_role_name(guid)
    return f"{name} ({guid})" if name else guid


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
        if resource.type == azure.ROLE_ASSIGNMENT and key == "roleDefinitionId" and azure_role_name(value):
            value = f"{value} ({azure_role_name(value)})"
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
                parts = [_TRUSTS[child.type],
                         child.inputs.get("subject") or f"{child.inputs.get('namespace')}/{child.inputs.get('serviceAccount')}"]
                if child.type == azure.FEDERATED_IDENTITY_CREDENTIAL:  # the issuer tells two credentials apart
                    parts.append(f"iss={child.inputs.get('issuer')}")
                elif child.type == aws.POD_IDENTITY_ASSOCIATION:
                    parts.append(f"cluster={child.inputs.get('clusterName')}")
                lines.append(f'    {node}{{{{"{"<br/>".join(_esc(p) for p in parts)}"}}}}')
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
        return f"role {azure_role_label(i.get('roleDefinitionId'))} on {i.get('scope')}"
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


# -- the summary table (plan and verify) ---------------------------------------------
SUMMARY_COLUMNS = ("identity", "cluster", "trusted subject", "grants", "verdict")
_SEVERITY = {"FAIL": 0, "UNVERIFIED": 1, "PASS": 2}
NO_CHAIN = "no chain"
UNKNOWN = "-"


@dataclass(frozen=True)
class SummaryRow:
    """One identity of the stack: what it is, which cluster and subject it trusts, what it may do."""

    name: str
    """The component's name, or the chain's when no component holds it."""
    identity: str
    cluster: str
    subject: str
    grants: tuple[str, ...]
    verdict: str

    def cells(self) -> tuple[str, str, str, str, str]:
        return (self.identity, self.cluster, self.subject, "; ".join(self.grants) or "none", self.verdict)


def summarize(resources: list[Any], chains: list[Any]) -> list[SummaryRow]:
    """One row per component (its chains' worst verdict), then one per chain no component holds.

    ``resources`` are verify's ``Res`` (from a plan or a state file: type, name, urn, parent,
    custom, inputs, outputs), ``chains`` what ``verify_resources`` found in them.
    """
    components = sorted((r for r in resources if not r.custom and r.type != "pulumi:pulumi:Stack"),
                        key=lambda r: (r.name, r.type))
    by_name: dict[str, Any] = {}
    for component in components:  # of two with one name, the first in (name, type) order owns its chains
        by_name.setdefault(component.name, component)
    owned: dict[str, list[Any]] = {c.urn: [] for c in components}
    loose: list[Any] = []
    for chain in chains:
        owner = _owner(chain.name, by_name)
        (owned[owner.urn] if owner else loose).append(chain)
    by_parent: dict[str, list[Any]] = {}
    for resource in resources:
        by_parent.setdefault(resource.parent, []).append(resource)
    rows = []
    for component in components:
        children = sorted(by_parent.get(component.urn, ()), key=lambda r: (r.type, r.name))
        outputs = component.outputs or {}
        subject = f"system:serviceaccount:{outputs.get('namespace', '?')}:{outputs.get('service_account_name', '?')}"
        rows.append(_row(component.name, children, outputs, owned[component.urn], subject))
    parents = {c.urn for c in components}
    top = sorted((r for r in resources if r.custom and r.parent not in parents and not r.type.startswith("pulumi:")),
                 key=lambda r: (r.type, r.name))
    for chain in loose:
        # Without a component, the stack's other resources belong to this chain only if it is the only one.
        rows.append(_row(chain.name, top if len(loose) == 1 else [], {}, [chain], chain.subject))
    return rows


def _owner(chain_name: str, by_name: dict[str, Any]) -> Any:
    """The component with the longest name that is the chain's name or its prefix before a '-'."""
    if chain_name in by_name:
        return by_name[chain_name]
    cut = chain_name.rfind("-")
    while cut >= 0:
        if chain_name[:cut] in by_name:
            return by_name[chain_name[:cut]]
        cut = chain_name.rfind("-", 0, cut)
    return None


def _row(name: str, children: list[Any], outputs: dict[str, Any], chains: list[Any], subject: str) -> SummaryRow:
    identities = [f"{IDENTITY_TYPES[c.type]} {_identity_name(c)}" for c in children if c.type in IDENTITY_TYPES]
    if not identities and children:
        outside = _outside_identity(outputs)
        identities = [outside] if outside != "cloud identity" else []
    clusters = _clusters(children, outputs)
    grants = tuple(_grant_label(c) for c in children if _is_grant(c))
    verdicts = sorted({c.status for c in chains}, key=lambda s: _SEVERITY.get(s, 3))
    if len({c.subject for c in chains}) == 1 and not outputs:
        subject = chains[0].subject
    return SummaryRow(name, ", ".join(identities) or UNKNOWN, ", ".join(clusters) or UNKNOWN, subject, grants,
                      verdicts[0] if verdicts else NO_CHAIN)


def _identity_name(resource: Any) -> str:
    i = resource.inputs
    return str(i.get("name") or i.get("resourceName") or i.get("accountId") or resource.name)


def _is_grant(resource: Any) -> bool:
    if resource.type in IDENTITY_TYPES or resource.type in _TRUSTS or resource.type.startswith(("kubernetes:", "pulumi:")):
        return False
    if resource.type == aws.OIDC_PROVIDER:
        return False
    if resource.type == gcp.SERVICE_ACCOUNT_IAM_MEMBER and resource.inputs.get("role") == gcp.WORKLOAD_IDENTITY_USER:
        return False
    return resource.type in (aws.ROLE_POLICY, aws.ROLE_POLICY_ATTACHMENT, azure.ROLE_ASSIGNMENT) \
        or bool(IAM_MEMBER.search(resource.type))


_POOL = re.compile(r"workloadIdentityPools/([^/]+)/")
_WIU_MEMBER = re.compile(r"^serviceAccount:([^\[]+)\[")


def _clusters(children: list[Any], outputs: dict[str, Any]) -> list[str]:
    """Which clusters' tokens the identity trusts: EKS cluster names or OIDC issuers, AKS issuers, GKE pools."""
    found: list[str] = []
    for child in children:
        i = child.inputs
        if child.type == aws.POD_IDENTITY_ASSOCIATION:
            found.append(str(i.get("clusterName")))
        elif child.type == aws.ROLE:
            doc = _parsed("assumeRolePolicy", i.get("assumeRolePolicy"))
            for statement in (doc.get("Statement", []) if isinstance(doc, dict) else []):
                federated = (statement.get("Principal") or {}).get("Federated") if isinstance(
                    statement.get("Principal"), dict) else None
                for arn in federated if isinstance(federated, list) else [federated] if federated else []:
                    found.append(str(arn).split(":oidc-provider/", 1)[-1])
        elif child.type == azure.FEDERATED_IDENTITY_CREDENTIAL:
            found.append(str(i.get("issuer")))
        elif child.type == gcp.SERVICE_ACCOUNT_IAM_MEMBER and i.get("role") == gcp.WORKLOAD_IDENTITY_USER:
            match = _WIU_MEMBER.match(str(i.get("member", "")))
            if match:
                found.append(match.group(1))
        elif IAM_MEMBER.search(child.type) and "workloadIdentityPools/" in str(i.get("member", "")):
            match = _POOL.search(str(i.get("member")))
            if match:
                found.append(match.group(1))
    if not found and "workloadIdentityPools/" in str(outputs.get("member", "")):
        match = _POOL.search(str(outputs["member"]))
        if match:
            found.append(match.group(1))
    return list(dict.fromkeys(found))  # each once, in order


def summary_text(rows: list[SummaryRow]) -> list[str]:
    """The rows for a terminal: one block per identity, verdict first, one value per line
    (issuers and grants are too long for the columns of a table)."""
    out: list[str] = []
    for row in rows:
        out.append(f"{row.verdict:<10}  {row.identity}  [{row.name}]")
        fields = [("cluster", c) for c in row.cluster.split(", ")] + [("trusts", row.subject)]
        fields += [("grants", g) for g in row.grants] or [("grants", "none")]
        previous = ""
        for label, value in fields:
            out.append(f"{'':<10}    {label if label != previous else '':<8} {value}")
            previous = label
    return out


def summary_markdown(rows: list[SummaryRow]) -> list[str]:
    """The rows as a GitHub-flavoured Markdown table."""
    out = ["| " + " | ".join(SUMMARY_COLUMNS) + " |", "|" + "---|" * len(SUMMARY_COLUMNS)]
    for row in rows:
        cells = list(row.cells())
        cells[-1] = f"**{cells[-1]}**"
        out.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    return out


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def next_steps(rows: list[SummaryRow], directory: str) -> list[str]:
    """What to do after a plan, from its verdicts (verify run without pinned facts)."""
    verdicts = {r.verdict for r in rows}
    if not rows:
        return ["Next: this stack creates no workload identity; add an EksPodIdentity, AksFederatedIdentity "
                "or GkeWorkloadIdentity (see docs/index.md)."]
    if "FAIL" in verdicts:
        return [f"Next: `pulumi-wid verify {directory}` shows which link of each FAIL chain is wrong and why; "
                "fix it before `pulumi up`."]
    if verdicts & {"UNVERIFIED", NO_CHAIN}:
        return [f"Next: `pulumi-wid verify {directory} --issuer URL --workload-pool POOL --project-number N` "
                "pins the clusters this stack does not hold and proves each chain; then `pulumi up`."]
    return ["Next: `pulumi up`; afterwards `pulumi stack export > state.json && pulumi-wid verify --state "
            "state.json` checks what was deployed."]


# -- verify reports for CI: SARIF and a pull-request comment ------------------------------
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {"FAIL": "error", "UNVERIFIED": "warning"}
INFORMATION_URI = "https://github.com/pulumi-wid/pulumi-wid"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "check"


def chain_rule(chain: Any) -> tuple[str, str]:
    """The rule a FAIL/UNVERIFIED chain breaks, as (id, name): its first failing check (or accepted
    probe), else its first unverified check (or undecided probe). Ids read ``<cloud>/<kind>/<check>``."""
    prefix = f"{chain.cloud}/{chain.kind}"
    for status in ("FAIL", "UNVERIFIED"):
        check = next((c for c in chain.checks if c.status == status), None)
        if check is not None:
            return f"{prefix}/{_slug(check.name)}", check.name
        probe = next((p for p in chain.probes if (p.accepted if status == "FAIL" else p.accepted is None)), None)
        if probe is not None:
            return f"{prefix}/probe", "negative probe"
    return f"{prefix}/chain", "chain"


def to_sarif(chains: list[Any], location: str, version: str) -> dict[str, Any]:
    """SARIF 2.1.0: one result per FAIL (level error) or UNVERIFIED (level warning) chain, located at
    ``location`` (the state file or the project's Pulumi.yaml, relative to the working directory)."""
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for chain in chains:
        if chain.status not in SARIF_LEVELS:
            continue
        rule_id, rule_name = chain_rule(chain)
        level = SARIF_LEVELS[chain.status]
        if rule_id not in rules:
            rules[rule_id] = {
                "id": rule_id,
                "name": _slug(rule_name),
                "shortDescription": {"text": f"{chain.cloud} {chain.kind}: {rule_name}"},
                "defaultConfiguration": {"level": level},
                "helpUri": f"{INFORMATION_URI}#verify",
            }
        reasons = chain.reasons()
        results.append({
            "ruleId": rule_id,
            "ruleIndex": list(rules).index(rule_id),
            "level": level,
            "message": {"text": f"{chain.status} [{chain.cloud} {chain.kind}] {chain.name} ({chain.subject}): "
                                + "; ".join(reasons)},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": location},
                                                "region": {"startLine": 1}}}],
            "partialFingerprints": {"widChain/v1": f"{chain.cloud}/{chain.kind}/{chain.name}/{chain.subject}/{rule_id}"},
            "properties": {"verdict": chain.status, "cloud": chain.cloud, "kind": chain.kind,
                           "subject": chain.subject, "reasons": reasons},
        })
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "pulumi-wid", "version": version, "semanticVersion": version,
                                "informationUri": INFORMATION_URI, "rules": list(rules.values())}},
            "results": results,
        }],
    }


def verify_markdown(chains: list[Any], rows: list[SummaryRow], source: str, status: str,
                    notes: list[str]) -> str:
    """A pull-request comment: the verdict, the summary table, why each chain fails or is
    unverified, and the passing chains folded away."""
    statuses = [c.status for c in chains]
    lines = [f"### pulumi-wid verify: **{status}**", "",
             f"{source}: {len(chains)} identity chain(s), {statuses.count('PASS')} passed, "
             f"{statuses.count('FAIL')} failed, {statuses.count('UNVERIFIED')} unverified.", ""]
    lines += summary_markdown(rows) if rows else ["No identity chain in this stack: nothing to prove."]
    for note in notes:
        lines += ["", f"> note: {_md_cell(note)}"]
    for chain in chains:
        if chain.status == "PASS":
            continue
        lines += ["", f"#### {chain.status} [{chain.cloud} {chain.kind}] `{chain.name}` ({_md_cell(chain.subject)})", ""]
        lines += [f"- {_md_cell(reason)}" for reason in chain.reasons()]
        lines += [f"- note: {_md_cell(note)}" for note in chain.notes]
    passed = [c for c in chains if c.status == "PASS"]
    if passed:
        lines += ["", f"<details><summary>{len(passed)} chain(s) PASS</summary>", ""]
        lines += [f"- [{c.cloud} {c.kind}] `{c.name}` ({_md_cell(c.subject)})" for c in passed]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"
