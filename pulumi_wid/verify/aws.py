"""AWS chains: IRSA (web identity trust) and EKS Pod Identity (association + trust)."""

from __future__ import annotations

import re
from typing import Any, Optional

from . import iam
from .common import Workload, label, other
from .model import Chain, Facts, Probe, Res, parse_json_field

WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"
EKS_AUDIENCE = "sts.amazonaws.com"
ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"
PODS_SERVICE = "pods.eks.amazonaws.com"
_PROVIDER = re.compile(r"^arn:([\w-]+):iam::([^:]*):oidc-provider/(.+)$")


def _trust(role: Res) -> Any:
    return parse_json_field(role.get("assumeRolePolicy"))


def _providers(trust: Any) -> list[str]:
    """Federated OIDC providers named by web-identity statements, in order."""
    out: list[str] = []
    for statement in iam.statements(trust):
        principal = statement.get("Principal")
        if not isinstance(principal, dict):
            continue
        for arn in iam.as_list(principal.get("Federated")):
            if _PROVIDER.match(str(arn)) and str(arn) not in out:
                out.append(str(arn))
    return out


def _web_identity_context(issuer: str, sub: str, aud: str) -> dict[str, str]:
    return {f"{issuer}:sub": sub, f"{issuer}:aud": aud, "aws:FederatedProvider": issuer}


def _irsa_allows(trust: Any, provider: str, sub: str, aud: str, probe: bool = False) -> tuple[bool, str]:
    issuer = _PROVIDER.match(provider).group(3)
    return iam.evaluate(trust, "Federated", provider, WEB_IDENTITY, _web_identity_context(issuer, sub, aud), probe)


def _named_subjects(trust: Any) -> list[str]:
    """Subjects a trust names in its :sub conditions (patterns made concrete: '*' -> 'x')."""
    out: list[str] = []
    for statement in iam.statements(trust):
        for block in (statement.get("Condition") or {}).values():
            if not isinstance(block, dict):
                continue
            for key, values in block.items():
                if key.lower().endswith(":sub"):
                    for value in iam.as_list(values):
                        sample = str(value).replace("*", "x").replace("?", "x")
                        if sample not in out:
                            out.append(sample)
    return out


def _is_eks_provider(kind: str, value: str) -> bool:
    return kind == "Federated" and _PROVIDER.match(value) is not None


def _sub_values(trust: Any) -> list[str]:
    subs = []
    for statement in iam.statements(trust):
        for operator, block in (statement.get("Condition") or {}).items():
            if operator.startswith("StringEquals") and isinstance(block, dict):
                subs += [str(v) for k, v_list in block.items() if k.endswith(":sub") for v in iam.as_list(v_list)]
    return subs


def irsa_chain(name: str, role: Res, namespace: str, service_account: str, issuers: tuple[str, ...] = ()) -> Chain:
    sub = f"system:serviceaccount:{namespace}:{service_account}"
    chain = Chain("aws", "irsa", name, sub)
    trust = _trust(role)
    providers = _providers(trust)
    if not chain.check("web identity trust", bool(providers),
                       f"{label(role)} trusts an OIDC provider" if providers
                       else f"{label(role)} has no statement trusting an OIDC provider for {WEB_IDENTITY}"):
        return chain
    if issuers:  # --issuer: the cluster the pod runs in must be one the trust names
        trusted = [i for i in issuers if any(_PROVIDER.match(p).group(3) == i for p in providers)]
        chain.check("cluster issuer", bool(trusted), f"the trust names {trusted[0]}" if trusted
                    else f"the trust names no OIDC provider for {' or '.join(issuers)}")
    for provider in providers:
        ok, by = _irsa_allows(trust, provider, sub, EKS_AUDIENCE)
        chain.check(f"token from {provider.split('/', 1)[-1]}", ok,
                    f"sub={sub}, aud={EKS_AUDIENCE} allowed by {by}" if ok
                    else f"the pod's token (sub={sub}, aud={EKS_AUDIENCE}) is refused by the trust")
    for extra in iam.other_principals(trust, _is_eks_provider):
        chain.probes.append(Probe("another principal than the cluster's OIDC provider", True, f"{label(role)} {extra}"))
    ns2, sa2 = other(namespace, "other-namespace"), other(service_account, "other-service-account")
    for provider in providers:
        issuer = _PROVIDER.match(provider).group(3)
        where = f" (issuer {issuer})" if len(providers) > 1 else ""
        probes = [
            (f"{service_account} in namespace {ns2}{where}", provider, f"system:serviceaccount:{ns2}:{service_account}", EKS_AUDIENCE),
            (f"{sa2} in namespace {namespace}{where}", provider, f"system:serviceaccount:{namespace}:{sa2}", EKS_AUDIENCE),
            (f"audience https://kubernetes.default.svc{where}", provider, sub, "https://kubernetes.default.svc"),
        ]
        probes += [(f"subject {named}{where} (named in the trust)", provider, named, EKS_AUDIENCE)
                   for named in _named_subjects(trust) if named != sub]
        for description, probe_provider, probe_sub, aud in probes:
            accepted, by = _irsa_allows(trust, probe_provider, probe_sub, aud, probe=True)
            chain.probes.append(Probe(description, accepted, f"{label(role)} {by}" if accepted else ""))
    first = providers[0]
    issuer = _PROVIDER.match(first).group(3)
    other_issuer = re.sub(r"/id/[^/]+$", "/id/0000000000000000000000000000PROBE", issuer)
    if other_issuer == issuer:
        other_issuer = issuer + "-other-cluster"
    accepted, by = _irsa_allows(trust, first[: -len(issuer)] + other_issuer, sub, EKS_AUDIENCE, probe=True)
    chain.probes.append(Probe("another cluster's issuer", accepted, f"{label(role)} {by}" if accepted else ""))
    return chain


def pod_identity_chain(association: Res, role: Optional[Res], associations: list[Res],
                       roles: dict[str, Res], policies: list[Res], workloads: list[Workload]) -> Chain:
    cluster = str(association.get("clusterName"))
    namespace, service_account = str(association.get("namespace")), str(association.get("serviceAccount"))
    chain = Chain("aws", "pod_identity", association.name, f"system:serviceaccount:{namespace}:{service_account}")
    role_arn = str(association.get("roleArn"))
    if role is None:
        chain.check("role", True, f"role {role_arn} is not in this stack: its trust is not checked here")
    else:
        trust = _trust(role)
        # The session tags EKS sends, and what the request carries that only a live pod knows.
        context = {
            "aws:RequestTag/eks-cluster-name": cluster,
            "aws:RequestTag/kubernetes-namespace": namespace,
            "aws:RequestTag/kubernetes-service-account": service_account,
            **dict.fromkeys(("aws:RequestTag/eks-cluster-arn", "aws:RequestTag/kubernetes-pod-name",
                             "aws:RequestTag/kubernetes-pod-uid", "aws:SourceAccount", "aws:SourceArn"), iam.UNKNOWN),
        }
        for action in ("sts:AssumeRole", "sts:TagSession"):
            ok, by = iam.evaluate(trust, "Service", PODS_SERVICE, action, context)
            if not ok:  # allowed once the values only the live request has match?
                maybe, by = iam.evaluate(trust, "Service", PODS_SERVICE, action, context, probe=True)
                if maybe:
                    chain.check(f"trust allows {action}", True, f"{PODS_SERVICE} allowed by {by}, if those values match")
                    continue
            chain.check(f"trust allows {action}", ok,
                        f"{PODS_SERVICE} allowed by {by}" if ok else f"{label(role)} does not let {PODS_SERVICE} call {action}")
        for extra in iam.other_principals(trust, lambda kind, value: (kind, value) == ("Service", PODS_SERVICE)):
            chain.probes.append(Probe(f"another principal than {PODS_SERVICE}", True, f"{label(role)} {extra}"))
    target = association.get("targetRoleArn")
    if target:
        _check_target(chain, str(target), role, role_arn, roles, policies)
    sa = [w for w in workloads if (w.namespace, w.service_account) == (namespace, service_account)]
    chain.check("ServiceAccount", True,
                f"{sa[0].source}" if sa else "not managed in this stack (the association names it exactly)")
    same_role = [a for a in associations if a.get("roleArn") == role_arn and str(a.get("clusterName")) == cluster]
    ns2, sa2 = other(namespace, "other-namespace"), other(service_account, "other-service-account")
    for description, ns, name in ((f"{service_account} in namespace {ns2}", ns2, service_account),
                                  (f"{sa2} in namespace {namespace}", namespace, sa2)):
        hit = next((a for a in same_role if (a.get("namespace"), a.get("serviceAccount")) == (ns, name)), None)
        chain.probes.append(Probe(description, hit is not None, label(hit) if hit else ""))
    return chain


def _check_target(chain: Chain, target: str, role: Optional[Res], role_arn: str,
                  roles: dict[str, Res], policies: list[Res]) -> None:
    if role is not None:
        role_keys = {role.get("name"), role.outputs.get("id"), role.name}
        allowed = False
        for policy in policies:
            if policy.get("role") not in role_keys:
                continue
            for statement in iam.statements(parse_json_field(policy.get("policy"))):
                if statement.get("Effect") == "Allow" and iam._action_matches(statement, "sts:AssumeRole") and any(
                    iam.glob(str(r), target) for r in iam.as_list(statement.get("Resource"))
                ):
                    allowed = True
        chain.check("association role may assume the target role", allowed,
                    f"an inline policy allows sts:AssumeRole on {target}" if allowed
                    else f"no inline policy of {label(role)} allows sts:AssumeRole on {target}")
    target_role = roles.get(target)
    if target_role is not None:
        ok, by = iam.evaluate(_trust(target_role), "AWS", role_arn, "sts:AssumeRole", {})
        ok_tag, _ = iam.evaluate(_trust(target_role), "AWS", role_arn, "sts:TagSession", {})
        chain.check("target role trusts the association role", ok and ok_tag,
                    f"{label(target_role)} {by}" if ok and ok_tag
                    else f"{label(target_role)} must allow {role_arn} sts:AssumeRole and sts:TagSession")


def verify_aws(resources: list[Res], workloads: list[Workload], facts: Optional[Facts] = None) -> list[Chain]:
    issuers = tuple(i.removeprefix("https://") for i in (facts.issuers if facts else []) if ".eks." in i)
    roles = {str(r.outputs.get("arn")): r for r in resources if r.type == "aws:iam/role:Role" and r.outputs.get("arn")}
    policies = [r for r in resources if r.type == "aws:iam/rolePolicy:RolePolicy"]
    associations = [r for r in resources if r.type == "aws:eks/podIdentityAssociation:PodIdentityAssociation"]
    chains: list[Chain] = []
    checked_roles: set[str] = set()
    for workload in workloads:
        arn = workload.annotations.get(ROLE_ARN_ANNOTATION)
        if not arn:
            continue
        name = workload.component.name if workload.component else workload.source
        role = roles.get(str(arn))
        if role is None:
            chain = Chain("aws", "irsa", name, workload.subject)
            chain.check("role", True, f"role {arn} is not in this stack: its trust is not checked here")
            chains.append(chain)
            continue
        checked_roles.add(role.urn)
        chains.append(irsa_chain(name, role, workload.namespace, workload.service_account, issuers))
    for association in associations:
        chains.append(pod_identity_chain(association, roles.get(str(association.get("roleArn"))), associations,
                                         roles, policies, workloads))
    # Roles trusting an OIDC provider that no ServiceAccount in the stack points at.
    for role in roles.values():
        if role.urn in checked_roles or not _providers(_trust(role)):
            continue
        subs = _sub_values(_trust(role))
        match = re.fullmatch(r"system:serviceaccount:([^:*?]+):([^:*?]+)", subs[0]) if subs else None
        if match:
            chains.append(irsa_chain(role.name, role, match.group(1), match.group(2), issuers))
        else:
            chain = Chain("aws", "irsa", role.name, "(none)")
            chain.check("sub condition", False,
                        f"{label(role)} trusts an OIDC provider without an exact :sub condition: "
                        "every ServiceAccount of the cluster can assume it")
            chains.append(chain)
    return chains
