"""AWS chains: IRSA (web identity trust) and EKS Pod Identity (association + trust)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from . import iam, kinds
from .clusters import Cluster
from .common import Workload, candidate_clusters, label, other
from .lookup import Lookup
from .model import Chain, Facts, Probe, Res, parse_json_field, unreadable

WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"
EKS_AUDIENCE = "sts.amazonaws.com"
ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"
PODS_SERVICE = "pods.eks.amazonaws.com"
POD_IDENTITY_AGENT = "eks-pod-identity-agent"
PROBE_AUDIENCE = "https://kubernetes.default.svc"
_PROVIDER = re.compile(r"^arn:([\w-]+):iam::([^:]*):oidc-provider/(.+)$")
_ASSOCIATION = re.compile(r"^arn:([\w-]+):eks:([^:]+):(\d{12}):podidentityassociation/")
_SUB = re.compile(r"system:serviceaccount:([^:*?]+):([^:*?]+)")


@dataclass
class Stack:
    """What the AWS checks look up in the stack."""

    roles: dict[str, Res] = field(default_factory=dict)
    pending_roles: list[Res] = field(default_factory=list)
    oidc_providers: dict[str, Res] = field(default_factory=dict)
    """By ARN."""
    policies: list[Res] = field(default_factory=list)
    associations: list[Res] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    addons: list[Res] = field(default_factory=list)
    pinned: tuple[str, ...] = ()
    """--issuer values, without https://."""

    @classmethod
    def of(cls, resources: list[Res], clusters: list[Cluster], facts: Optional[Facts]) -> Stack:
        stack = cls(clusters=[c for c in clusters if c.cloud == "aws"],
                    pinned=tuple(_host(i) for i in (facts.issuers if facts else [])))
        for res in resources:
            if res.type == kinds.ROLE:
                arn = res.get("arn")
                if res.pending_delete or not isinstance(arn, str):
                    stack.pending_roles.append(res)
                else:
                    stack.roles[arn] = res
            elif res.type == kinds.OIDC_PROVIDER and isinstance(res.get("arn"), str):
                stack.oidc_providers[res.get("arn")] = res
            elif res.type == kinds.ROLE_POLICY:
                stack.policies.append(res)
            elif res.type == kinds.POD_IDENTITY:
                stack.associations.append(res)
            elif res.type == kinds.EKS_ADDON:
                stack.addons.append(res)
        return stack

    # Built once: each Pod Identity chain looks these up.
    @functools.cached_property
    def associations_by_role(self) -> Lookup[Res]:
        return Lookup(self.associations, lambda a: (a.get("roleArn"),))

    @functools.cached_property
    def policies_by_role(self) -> Lookup[Res]:
        return Lookup(self.policies, lambda p: (p.get("role"),))

    @functools.cached_property
    def addons_by_cluster(self) -> Lookup[Res]:
        return Lookup(self.addons, lambda a: ((a.get("addonName"), a.get("clusterName")),))


def _host(issuer: str) -> str:
    return issuer.removeprefix("https://")


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


def _issuer_of(provider_arn: str) -> str:
    return _PROVIDER.match(provider_arn).group(3)


def _irsa_allows(trust: Any, provider: str, sub: str, aud: str, probe: bool = False) -> tuple[bool, str]:
    issuer = _issuer_of(provider)
    context = {f"{issuer}:sub": sub, f"{issuer}:aud": aud, f"{issuer}:oaud": aud, "aws:FederatedProvider": provider}
    return iam.evaluate(trust, "Federated", provider, WEB_IDENTITY, context, probe)


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


def _client_ids(stack: Stack, provider_arn: str) -> Optional[list[str]]:
    """The audiences the OIDC provider accepts, when it is in the stack."""
    res = stack.oidc_providers.get(provider_arn)
    if res is None:
        return None
    ids = res.get("clientIdLists")
    return [str(i) for i in ids] if isinstance(ids, list) else None


# -- IRSA ---------------------------------------------------------------------------------

def irsa_chain(workload: Workload, role: Optional[Res], stack: Stack, arn: Any = None) -> Chain:
    chain = Chain("aws", "irsa", workload.name, workload.subject)
    if workload.unknown:
        chain.unverified("ServiceAccount", f"{workload.source}: {workload.unknown}")
        return chain
    if arn is not None and not _annotation_readable(chain, arn):
        return chain
    if role is None:
        why = ("is known only after deploy and is no role of this stack" if unreadable(arn)
               else "is not in this stack: its trust cannot be checked here; verify the stack that owns it")
        chain.unverified("role", f"role {arn} {why}")
        return chain
    chain.uses(role, "assumeRolePolicy")
    trust = _trust(role)
    if not chain.readable("trust policy", trust, f"the trust of {role.label}"):
        return chain
    try:
        _judge_irsa(chain, workload, role, trust, stack)
    except iam.MalformedPolicyError as error:
        chain.check("trust policy", False, f"{role.label}: {error}")
    return chain


def _annotation_readable(chain: Chain, arn: Any) -> bool:
    why = unreadable(arn, placeholder_ok=True)
    if why:
        chain.unverified("role-arn annotation", f"{ROLE_ARN_ANNOTATION} {why}")
        return False
    return chain.check("role-arn annotation", isinstance(arn, str),
                       f"{ROLE_ARN_ANNOTATION}={arn}" if isinstance(arn, str)
                       else f"{ROLE_ARN_ANNOTATION} is a {type(arn).__name__}, not a role ARN")


def _judge_irsa(chain: Chain, workload: Workload, role: Res, trust: Any, stack: Stack) -> None:
    providers = _providers(trust)
    if not chain.check("web identity trust", bool(providers),
                       f"{role.label} trusts an OIDC provider" if providers
                       else f"{role.label} has no statement trusting an OIDC provider for {WEB_IDENTITY}"):
        return
    issuers = _pod_issuers(chain, workload, stack)
    if issuers:
        judged = [p for p in providers if _issuer_of(p) in issuers]
        if not chain.check("cluster issuer", bool(judged),
                           f"the trust names the OIDC provider of {' or '.join(issuers)}" if judged
                           else f"the trust names {', '.join(_issuer_of(p) for p in providers)}, not the "
                                f"OIDC provider of the ServiceAccount's cluster ({' or '.join(issuers)})"):
            return
    else:
        judged = providers
    accepted = [p for p in judged if _token_accepted(chain, trust, p, workload.subject, stack, role)]
    if not accepted:
        return
    for extra in iam.other_principals(trust, lambda kind, value: kind == "Federated" and _PROVIDER.match(value)):
        chain.probes.append(Probe("another principal than the cluster's OIDC provider", True, f"{role.label} {extra}"))
    for provider in providers:  # every cluster the trust names: a loose statement for another one is a way in
        _irsa_probes(chain, trust, provider, workload, stack, role, len(providers) > 1)
    _other_issuer_probe(chain, trust, accepted[0], workload.subject, role)


def _pod_issuers(chain: Chain, workload: Workload, stack: Stack) -> list[str]:
    """Issuers (host/path) the pod's token may come from; [] when none is known (then UNVERIFIED)."""
    if workload.cluster is None and stack.pinned:
        chain.check("cluster", True, f"issuer pinned with --issuer: {' or '.join(stack.pinned)}")
        return list(stack.pinned)
    found, assumed = candidate_clusters(workload, stack.clusters, "aws")
    issuers = [_host(c.issuer) for c in found if c.issuer]
    names = " or ".join(c.label for c in found)
    if not found:
        chain.unverified("cluster", "the ServiceAccount's cluster is not in this stack (its Kubernetes provider is "
                         "not tied to a cluster here), so the issuer the trust names cannot be checked against it; "
                         "pass --issuer <the cluster's OIDC issuer URL> to pin it")
    elif not issuers:
        chain.unverified("cluster", f"the OIDC issuer of {names} is not in the stack's state")
    elif assumed:
        chain.unverified("cluster", f"the ServiceAccount's Kubernetes provider is not tied to a cluster of this "
                         f"stack; judged against {names}; pass --issuer to pin the cluster")
    else:
        chain.check("cluster", True, f"the ServiceAccount is on {names} (issuer {found[0].issuer})")
    return issuers


def _token_accepted(chain: Chain, trust: Any, provider: str, sub: str, stack: Stack, role: Res) -> bool:
    where = _issuer_of(provider)
    ok, by = _irsa_allows(trust, provider, sub, EKS_AUDIENCE)
    if not ok and _irsa_allows(trust, provider, sub, EKS_AUDIENCE, probe=True)[0]:
        chain.unverified(f"token from {where}", f"sub={sub}, aud={EKS_AUDIENCE} is allowed by the trust of "
                         f"{role.label} only if a condition verify does not evaluate offline holds")
        return False
    if not chain.check(f"token from {where}", ok,
                       f"sub={sub}, aud={EKS_AUDIENCE} allowed by {by}" if ok
                       else f"the pod's token (sub={sub}, aud={EKS_AUDIENCE}) is refused by the trust of {role.label}"):
        return False
    ids = _client_ids(stack, provider)
    if ids is not None:
        return chain.check(f"OIDC provider of {where}", EKS_AUDIENCE in ids,
                           f"its client id list {ids} accepts aud={EKS_AUDIENCE}" if EKS_AUDIENCE in ids
                           else f"its client id list {ids} lacks {EKS_AUDIENCE}: AWS refuses the pod's token")
    return True


def _irsa_probes(chain: Chain, trust: Any, provider: str, workload: Workload, stack: Stack, role: Res,
                 several: bool) -> None:
    ns, sa, sub = workload.namespace, workload.service_account, workload.subject
    where = f" (issuer {_issuer_of(provider)})" if several else ""
    ns2, sa2 = other(ns, "other-namespace"), other(sa, "other-service-account")
    probes = [
        (f"{sa} in namespace {ns2}{where}", f"system:serviceaccount:{ns2}:{sa}"),
        (f"{sa2} in namespace {ns}{where}", f"system:serviceaccount:{ns}:{sa2}"),
    ]
    probes += [(f"subject {named}{where} (named in the trust)", named) for named in _named_subjects(trust) if named != sub]
    for description, probe_sub in probes:
        accepted, by = _irsa_allows(trust, provider, probe_sub, EKS_AUDIENCE, probe=True)
        chain.probes.append(Probe(description, accepted, f"{role.label} {by}" if accepted else ""))
    accepted, by = _irsa_allows(trust, provider, sub, PROBE_AUDIENCE, probe=True)
    ids = _client_ids(stack, provider)
    if accepted and ids is not None and PROBE_AUDIENCE not in ids:
        accepted, by = False, ""  # the OIDC provider refuses an audience it does not list
    elif accepted and ids is None:
        chain.probes.append(Probe(f"audience {PROBE_AUDIENCE}{where}", None,
                                  f"{role.label} does not pin :aud and the OIDC provider (not in this stack) "
                                  "decides which audiences AWS accepts"))
        return
    chain.probes.append(Probe(f"audience {PROBE_AUDIENCE}{where}", accepted, f"{role.label} {by}" if accepted else ""))


def _other_issuer_probe(chain: Chain, trust: Any, provider: str, sub: str, role: Res) -> None:
    issuer = _issuer_of(provider)
    other_issuer = re.sub(r"/id/[^/]+$", "/id/0000000000000000000000000000PROBE", issuer)
    if other_issuer == issuer:
        other_issuer = issuer + "-other-cluster"
    accepted, by = _irsa_allows(trust, provider[: -len(issuer)] + other_issuer, sub, EKS_AUDIENCE, probe=True)
    chain.probes.append(Probe("another cluster's issuer", accepted, f"{role.label} {by}" if accepted else ""))


def _unclaimed_role_chain(role: Res, stack: Stack) -> Chain:
    """A role trusting an OIDC provider that no ServiceAccount in the stack names."""
    try:
        subs = [str(v) for s in iam.statements(_trust(role)) for op, block in (s.get("Condition") or {}).items()
                if op.startswith("StringEquals") and isinstance(block, dict)
                for k, vs in block.items() if k.endswith(":sub") for v in iam.as_list(vs)]
    except (iam.MalformedPolicyError, AttributeError):
        subs = []
    match = _SUB.fullmatch(subs[0]) if subs else None
    if not match:
        chain = Chain("aws", "irsa", role.name, "(none)")
        chain.check("sub condition", False, f"{role.label} trusts an OIDC provider without an exact :sub condition: "
                    "every ServiceAccount of the cluster can assume it")
        return chain
    cluster = next((c for c in stack.clusters if c.issuer and any(
        _issuer_of(p) == _host(c.issuer) for p in _providers(_trust(role)))), None)
    workload = Workload(match.group(1), match.group(2), {}, None, role.label, cluster=cluster)
    chain = irsa_chain(workload, role, stack)
    chain.name = role.name + (" (pending deletion)" if role.pending_delete else "")
    chain.unverified("ServiceAccount", f"no ServiceAccount in this stack is annotated with {role.get('arn')}: "
                     "the Kubernetes side of the chain is not in this stack")
    return chain


# -- EKS Pod Identity -----------------------------------------------------------------------

def _cluster_arn(association: Res, cluster_name: str, stack: Stack) -> tuple[Optional[str], Optional[Cluster]]:
    cluster = next((c for c in stack.clusters if c.name == cluster_name), None)
    if cluster is not None and cluster.arn:
        return cluster.arn, cluster
    m = _ASSOCIATION.match(str(association.get("associationArn") or ""))
    if m:
        return f"arn:{m.group(1)}:eks:{m.group(2)}:{m.group(3)}:cluster/{cluster_name}", cluster
    return None, cluster


def pod_identity_chain(association: Res, stack: Stack, workloads: Lookup[Workload]) -> Chain:
    fields = {k: association.get(k) for k in ("clusterName", "namespace", "serviceAccount", "roleArn")}
    namespace, service_account = fields["namespace"], fields["serviceAccount"]
    chain = Chain("aws", "pod_identity", association.name, f"system:serviceaccount:{namespace}:{service_account}")
    for key, value in fields.items():
        symbolic = key in ("clusterName", "roleArn")  # looked up by equality, never parsed
        why = unreadable(value, symbolic) or (None if isinstance(value, str) and value else f"is {value!r}")
        if why:
            chain.unverified(f"association {key}", f"{association.label}: {key} {why}")
            return chain
    cluster_name, role_arn = fields["clusterName"], fields["roleArn"]
    role = stack.roles.get(role_arn)
    if role is None:
        chain.unverified("role", f"role {role_arn} is not in this stack: its trust cannot be checked here; "
                         "verify the stack that owns it")
    else:
        chain.uses(role, "assumeRolePolicy")
        try:
            _judge_pod_identity_trust(chain, association, role, cluster_name, namespace, service_account, stack)
        except iam.MalformedPolicyError as error:
            chain.check("trust policy", False, f"{role.label}: {error}")
    target = association.get("targetRoleArn")
    if target:
        _check_target(chain, str(target), role, role_arn, stack)
    _check_service_account(chain, association, fields, workloads)
    _check_agent(chain, cluster_name, stack)
    of_role = stack.associations_by_role.find((role_arn,), lambda a: a.get("roleArn") == role_arn)
    same_role = [a for a in of_role if a.get("clusterName") == cluster_name]
    ns2, sa2 = other(namespace, "other-namespace"), other(service_account, "other-service-account")
    for description, ns, name in ((f"{service_account} in namespace {ns2}", ns2, service_account),
                                  (f"{sa2} in namespace {namespace}", namespace, sa2)):
        hit = next((a for a in same_role if (a.get("namespace"), a.get("serviceAccount")) == (ns, name)), None)
        chain.probes.append(Probe(description, hit is not None, label(hit) if hit else ""))
    for hit in of_role:  # any other ServiceAccount the role is associated with, in any cluster
        ns, name = hit.get("namespace"), hit.get("serviceAccount")
        if (ns, name) != (namespace, service_account) and (ns, name) not in (
                (ns2, service_account), (namespace, sa2)):
            chain.probes.append(Probe(f"{ns}/{name} on cluster {hit.get('clusterName')} (another association of the role)",
                                      True, label(hit)))
    return chain


def _judge_pod_identity_trust(chain: Chain, association: Res, role: Res, cluster_name: str, namespace: str,
                              service_account: str, stack: Stack) -> None:
    trust = _trust(role)
    if not chain.readable("trust policy", trust, f"the trust of {role.label}"):
        return
    cluster_arn, _ = _cluster_arn(association, cluster_name, stack)
    arn_value: Any = cluster_arn or iam.Suffix(f":cluster/{cluster_name}")
    account = cluster_arn.split(":")[4] if cluster_arn else iam.UNKNOWN
    context: dict[str, Any] = {"aws:SourceAccount": account, "aws:SourceArn": arn_value}
    if association.get("disableSessionTags") is not True:  # the session tags EKS sets on the role session
        context.update({
            "aws:RequestTag/eks-cluster-name": cluster_name,
            "aws:RequestTag/eks-cluster-arn": arn_value,
            "aws:RequestTag/kubernetes-namespace": namespace,
            "aws:RequestTag/kubernetes-service-account": service_account,
            "aws:RequestTag/kubernetes-pod-name": iam.UNKNOWN,
            "aws:RequestTag/kubernetes-pod-uid": iam.UNKNOWN,
        })
    for action in ("sts:AssumeRole", "sts:TagSession"):
        ok, by = iam.evaluate(trust, "Service", PODS_SERVICE, action, context)
        if ok:
            chain.check(f"trust allows {action}", True, f"{PODS_SERVICE} allowed by {by}")
            continue
        maybe, by = iam.evaluate(trust, "Service", PODS_SERVICE, action, context, probe=True)
        if maybe:  # allowed only if values a live request carries match
            chain.unverified(f"trust allows {action}", f"{PODS_SERVICE} allowed by {by} only if values known to the "
                             "live request match (pod name/uid, or a cluster ARN not in this stack)")
        else:
            tags = " (session tags are disabled on the association)" if association.get("disableSessionTags") is True else ""
            chain.check(f"trust allows {action}", False,
                        f"{role.label} does not let {PODS_SERVICE} call {action} for cluster {cluster_name}, "
                        f"{namespace}/{service_account}{tags}")
    for extra in iam.other_principals(trust, lambda kind, value: (kind, value) == ("Service", PODS_SERVICE)):
        chain.probes.append(Probe(f"another principal than {PODS_SERVICE}", True, f"{role.label} {extra}"))


def _check_service_account(chain: Chain, association: Res, fields: dict[str, str], workloads: Lookup[Workload]) -> None:
    cluster_name, namespace, service_account = fields["clusterName"], fields["namespace"], fields["serviceAccount"]
    same = workloads.find([(namespace, service_account)],
                          lambda w: (w.namespace, w.service_account) == (namespace, service_account))
    parent = association.parent
    mine = [w for w in same if w.component is not None and w.component.urn == parent] or [
        w for w in same if w.cluster is not None and w.cluster.cloud == "aws" and w.cluster.name == cluster_name]
    if not mine:
        chain.check("ServiceAccount", True, "not in this stack on that cluster (the association names it exactly)")
        return
    for workload in mine:
        annotated = workload.annotations.get(ROLE_ARN_ANNOTATION)
        if annotated is None:
            chain.check("ServiceAccount", True, f"{workload.source}")
        else:  # the webhook's IRSA variables come first in every AWS SDK's credential chain
            chain.check("ServiceAccount", annotated == fields["roleArn"],
                        f"{workload.source} is annotated with this role" if annotated == fields["roleArn"]
                        else f"{workload.source} is annotated {ROLE_ARN_ANNOTATION}={annotated}: IRSA takes "
                             "precedence over Pod Identity in the AWS SDKs, so pods get that role instead")


def _check_agent(chain: Chain, cluster_name: str, stack: Stack) -> None:
    cluster = next((c for c in stack.clusters if c.name == cluster_name), None)
    if cluster is None:
        chain.notes.append(f"cluster {cluster_name} is not in this stack: whether it runs the {POD_IDENTITY_AGENT} "
                           "add-on is not checked")
        return
    agent = bool(stack.addons_by_cluster.find([(POD_IDENTITY_AGENT, cluster_name)], lambda a: a.get(
        "addonName") == POD_IDENTITY_AGENT and a.get("clusterName") == cluster_name))
    if not agent:
        chain.notes.append(f"warning: {cluster.label} has no {POD_IDENTITY_AGENT} add-on in this stack: without the "
                           "agent, Pod Identity gives pods no credentials")


def _check_target(chain: Chain, target: str, role: Optional[Res], role_arn: str, stack: Stack) -> None:
    if role is not None:
        role_keys = {role.get("name"), role.outputs.get("id"), role.name}
        allowed = False
        for policy in stack.policies_by_role.find(role_keys, lambda p: p.get("role") in role_keys):
            for statement in iam.statements(parse_json_field(policy.get("policy"))):
                if statement.get("Effect") == "Allow" and iam._action_matches(statement, "sts:AssumeRole") and any(
                    iam.glob(str(r), target) for r in iam.as_list(statement.get("Resource"))
                ):
                    allowed = True
        chain.check("association role may assume the target role", allowed,
                    f"an inline policy allows sts:AssumeRole on {target}" if allowed
                    else f"no inline policy of {role.label} allows sts:AssumeRole on {target}")
    target_role = stack.roles.get(target)
    if target_role is None:
        chain.unverified("target role", f"target role {target} is not in this stack: whether it trusts {role_arn} "
                         "is not checked here")
        return
    ok, by = iam.evaluate(_trust(target_role), "AWS", role_arn, "sts:AssumeRole", {})
    ok_tag, _ = iam.evaluate(_trust(target_role), "AWS", role_arn, "sts:TagSession", {})
    chain.check("target role trusts the association role", ok and ok_tag,
                f"{target_role.label} {by}" if ok and ok_tag
                else f"{target_role.label} must allow {role_arn} sts:AssumeRole and sts:TagSession")
    for extra in iam.other_principals(_trust(target_role), lambda kind, value: (kind, value) == ("AWS", role_arn)):
        chain.probes.append(Probe(f"another principal than {role_arn} on the target role", True,
                                  f"{target_role.label} {extra}"))


def verify_aws(resources: list[Res], workloads: list[Workload], clusters: list[Cluster],
               facts: Optional[Facts] = None, judged_elsewhere: frozenset[str] | set[str] = frozenset()) -> list[Chain]:
    """IRSA and Pod Identity chains; roles in ``judged_elsewhere`` (URNs of foreign-issuer and CI
    trusts, judged by verify.federation) are not reported again as unclaimed IRSA roles."""
    stack = Stack.of(resources, clusters, facts)
    chains: list[Chain] = []
    claimed: set[str] = set()
    for workload in workloads:
        arn = workload.annotations.get(ROLE_ARN_ANNOTATION)
        if arn is None:
            continue
        role = stack.roles.get(arn) if isinstance(arn, str) else None
        if role is not None:
            claimed.add(role.urn)
        chains.append(irsa_chain(workload, role, stack, arn))
    if stack.associations:
        by_service_account = Lookup(workloads, lambda w: ((w.namespace, w.service_account),))
        for association in stack.associations:
            claimed.add(str(association.get("roleArn")))
            chains.append(pod_identity_chain(association, stack, by_service_account))
    for role in [*stack.roles.values(), *stack.pending_roles]:
        if not role.pending_delete and (role.urn in claimed or str(role.get("arn")) in claimed
                                        or role.urn in judged_elsewhere):
            continue
        try:
            trusts_oidc = bool(_providers(_trust(role)))
        except iam.MalformedPolicyError:
            trusts_oidc = False
        if trusts_oidc:
            chains.append(_unclaimed_role_chain(role, stack))
    return chains
