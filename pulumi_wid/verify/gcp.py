"""GCP chains: annotation -> Google service account -> workloadIdentityUser member; direct principals."""

from __future__ import annotations

import json
import re
from typing import Optional

from .common import Workload, label, other
from .model import Chain, Facts, Probe, Res

GSA_ANNOTATION = "iam.gke.io/gcp-service-account"
WIU = "roles/iam.workloadIdentityUser"
NODE_SELECTOR = "iam.gke.io/gke-metadata-server-enabled"
ACCOUNT = "gcp:serviceaccount/account:Account"
SA_MEMBER = "gcp:serviceaccount/iAMMember:IAMMember"
SA_BINDING = "gcp:serviceaccount/iAMBinding:IAMBinding"
SA_POLICY = "gcp:serviceaccount/iAMPolicy:IAMPolicy"
CLUSTER = "gcp:container/cluster:Cluster"
_MEMBER = re.compile(r"^serviceAccount:(?P<pool>[^\[]+\.svc\.id\.goog)\[(?P<ns>[^/\]]+)/(?P<ksa>[^\]]+)\]$")
_PRINCIPAL = re.compile(
    r"^principal://iam\.googleapis\.com/projects/(?P<number>[^/]+)/locations/global/workloadIdentityPools/"
    r"(?P<pool>[^/]+)/subject/ns/(?P<ns>[^/]+)/sa/(?P<ksa>[^/]+)$"
)
_PRINCIPAL_SET = re.compile(
    r"^principalSet://iam\.googleapis\.com/projects/[^/]+/locations/global/workloadIdentityPools/"
    r"(?P<pool>[^/]+)/(?:namespace/(?P<ns>[^/]+)|.+)$"
)  # any set other than one namespace (kubernetes.cluster/..., attribute..., *) is taken to admit every KSA


def grants(resources: list[Res]) -> list[tuple[Res, str, str]]:
    """(resource, role, member) of every additive or authoritative IAM grant in the stack."""
    out = []
    for res in resources:
        if not res.type.startswith("gcp:"):
            continue
        role = res.get("role")
        if res.get("member") and role:
            out.append((res, str(role), str(res.get("member"))))
        elif res.get("members") and role:
            out += [(res, str(role), str(m)) for m in res.get("members")]
        elif res.get("policyData"):
            try:
                policy = json.loads(res.get("policyData")) if isinstance(res.get("policyData"), str) else res.get("policyData")
            except ValueError:
                continue
            for binding in policy.get("bindings", []):
                out += [(res, str(binding.get("role")), str(m)) for m in binding.get("members", [])]
    return out


def member_admits(member: str, pool: str, namespace: str, ksa: str, number: Optional[str] = None) -> bool:
    """Whether a granted member string covers the KSA ``<pool>[<ns>/<ksa>]``."""
    if member in ("allUsers", "allAuthenticatedUsers"):
        return True
    m = _MEMBER.match(member)
    if m:
        return (m["pool"], m["ns"], m["ksa"]) == (pool, namespace, ksa)
    m = _PRINCIPAL.match(member)
    if m:
        return (m["pool"], m["ns"], m["ksa"]) == (pool, namespace, ksa) and (number is None or m["number"] == number)
    m = _PRINCIPAL_SET.match(member)
    if m:
        return m["pool"] == pool and (m["ns"] is None or m["ns"] == namespace)
    return False


def _targets_account(res: Res, account: Optional[Res], email: str) -> bool:
    if res.type.startswith(("gcp:projects/", "gcp:folder/", "gcp:organizations/")):
        return True  # granted on a whole project/folder/organization: covers every service account in it
    target = str(res.get("serviceAccountId") or "")
    if account is not None and target in {str(account.outputs.get("name")), str(account.outputs.get("id")), account.urn}:
        return True
    return target.endswith(f"/serviceAccounts/{email}") or target == email


def _check_selector(chain: Chain, workload: Workload, autopilot: Optional[bool]) -> None:
    patch = workload.pod_template_patch
    if patch is None:
        return
    selector = ((patch.get("spec") or {}).get("nodeSelector") or {}).get(NODE_SELECTOR)
    if autopilot:
        chain.check("node selector", selector is None,
                    "none, as Autopilot requires" if selector is None else f"Autopilot rejects the {NODE_SELECTOR} selector")
    elif autopilot is False:
        chain.check("node selector", selector == "true",
                    f"{NODE_SELECTOR}: \"true\"" if selector == "true" else f"Standard clusters need {NODE_SELECTOR}: \"true\"")
    else:
        chain.check("node selector", True, f"{NODE_SELECTOR}: \"true\"" if selector == "true"
                    else "no node selector: right only on Autopilot clusters")


def _cluster_facts(resources: list[Res]) -> tuple[list[str], Optional[bool]]:
    """The clusters' workload pools, and whether they are Autopilot (None when unknown or mixed)."""
    pools, modes = [], set()
    for res in resources:
        if res.type == CLUSTER:
            pool = (res.get("workloadIdentityConfig") or {}).get("workloadPool")
            if pool:
                pools.append(str(pool))
            modes.add(bool(res.get("enableAutopilot")))
    return pools, (modes.pop() if len(modes) == 1 else None)


def gsa_chain(name: str, workload: Workload, email: str, account: Optional[Res],
              all_grants: list[tuple[Res, str, str]], pools: list[str], autopilot: Optional[bool]) -> Chain:
    chain = Chain("gcp", "gsa", name, f"{workload.namespace}/{workload.service_account}")
    wiu = [(r, m) for r, role, m in all_grants if role == WIU and _targets_account(r, account, email)]
    if pools:  # the workload runs in a cluster of at least one known pool
        pool = next((p for p in pools if any(member_admits(m, p, workload.namespace, workload.service_account)
                                              for _, m in wiu)), pools[0])
    else:
        pool = next((m_["pool"] for _, m in wiu if (m_ := _MEMBER.match(m))
                     and (m_["ns"], m_["ksa"]) == (workload.namespace, workload.service_account)), None)
    wanted = f"serviceAccount:{pool}[{workload.namespace}/{workload.service_account}]"
    admitted = pool is not None and any(member_admits(m, pool, workload.namespace, workload.service_account) for _, m in wiu)
    if not chain.check("workloadIdentityUser grant", admitted,
                       f"{WIU} on {email} for {wanted}" if admitted
                       else f"no {WIU} grant on {email} admits {wanted}" if pool
                       else f"no {WIU} grant on {email} names [{workload.namespace}/{workload.service_account}]"):
        return chain
    if not pools:
        chain.check("workload pool", True, f"{pool} taken from the grant: no cluster in the stack; pass "
                    "--workload-pool <cluster project>.svc.id.goog to pin it")
    exact = [m for _, m in wiu if m == f"serviceAccount:{pool}[{workload.namespace}/{workload.service_account}]"]
    chain.check("exact member", bool(exact), "the grant names exactly one KSA" if exact
                else "the KSA is admitted only through a broader member")
    for res, _member in wiu:
        if res.type.startswith(("gcp:projects/", "gcp:folder/", "gcp:organizations/")):
            chain.check(f"scope of {label(res)}", False, f"{WIU} is granted on a whole project/folder/organization: "
                        "grant it on the one Google service account")
    _check_selector(chain, workload, autopilot)
    _probes(chain, workload, pool, [(r, m) for r, m in wiu])
    mine = f"serviceAccount:{pool}[{workload.namespace}/{workload.service_account}]"
    for res, member in wiu:  # other KSAs granted on the same GSA share its access
        if _MEMBER.match(member) and member != mine:
            chain.probes.append(Probe(f"{member} (another member of the grant)", True, label(res)))
    return chain


def _probes(chain: Chain, workload: Workload, pool: str, members: list[tuple[Res, str]], number: Optional[str] = None) -> None:
    ns2 = other(workload.namespace, "other-namespace")
    sa2 = other(workload.service_account, "other-service-account")
    other_pool = other(pool, "other-project.svc.id.goog")
    for description, p, ns, ksa in (
        (f"{workload.service_account} in namespace {ns2}", pool, ns2, workload.service_account),
        (f"{sa2} in namespace {workload.namespace}", pool, workload.namespace, sa2),
        ("another project's clusters (pool)", other_pool, workload.namespace, workload.service_account),
    ):
        hit = next((r for r, m in members if member_admits(m, p, ns, ksa, number)), None)
        chain.probes.append(Probe(description, hit is not None, label(hit) if hit else ""))


def direct_chain(name: str, namespace: str, ksa: str, principal: str,
                 all_grants: list[tuple[Res, str, str]], workload: Optional[Workload], autopilot: Optional[bool],
                 pools: tuple[str, ...] = (), numbers: tuple[str, ...] = ()) -> Chain:
    chain = Chain("gcp", "direct", name, f"{namespace}/{ksa}")
    m = _PRINCIPAL.match(principal)
    if not chain.check("principal", m is not None and (m["ns"], m["ksa"]) == (namespace, ksa),
                       f"{principal}" if m else f"{principal!r} is not a principal:// KSA identifier"):
        return chain
    if pools:
        chain.check("workload pool", m["pool"] in pools, f"{m['pool']}" if m["pool"] in pools
                    else f"the principal names pool {m['pool']!r}, the cluster's is {pools[0]!r}")
    if numbers:
        chain.check("project number", m["number"] in numbers, f"{m['number']}" if m["number"] in numbers
                    else f"the principal names project {m['number']}, the cluster's project is {numbers[0]}")
    mine = [(r, member) for r, _, member in all_grants if member == principal]
    chain.check("grants", bool(mine), f"{len(mine)} grant(s) to the principal" if mine else "no grant names the principal")
    if workload is not None:
        _check_selector(chain, workload, autopilot)
        chain.check("no GSA annotation", GSA_ANNOTATION not in workload.annotations,
                    "direct access needs no annotation" if GSA_ANNOTATION not in workload.annotations
                    else f"{GSA_ANNOTATION} is set: the pod would impersonate that GSA instead")
    members = [(r, member) for r, _, member in all_grants if member.startswith(("principal://", "principalSet://"))]
    fake = Workload(namespace, ksa, {}, None, "")
    _probes(chain, fake, m["pool"], members, m["number"])
    return chain


def verify_gcp(resources: list[Res], workloads: list[Workload], facts: Optional[Facts] = None) -> list[Chain]:
    accounts = [r for r in resources if r.type == ACCOUNT]
    all_grants = grants(resources)
    pools, autopilot = _cluster_facts(resources)
    pools += facts.workload_pools if facts else []
    numbers = tuple(facts.project_numbers) if facts else ()
    chains = []
    for workload in workloads:
        email = workload.annotations.get(GSA_ANNOTATION)
        if not email:
            continue
        account = next((a for a in accounts if a.outputs.get("email") == email), None)
        name = workload.component.name if workload.component else workload.source
        chains.append(gsa_chain(name, workload, str(email), account, all_grants, pools, autopilot))
    seen: set[str] = set()
    for workload in workloads:  # direct mode components
        member = (workload.component.outputs.get("member") if workload.component else None) or ""
        if str(member).startswith("principal://"):
            seen.add(member)
            chains.append(direct_chain(workload.component.name, workload.namespace, workload.service_account,
                                       member, all_grants, workload, autopilot, tuple(pools), numbers))
    for _res, _role, member in all_grants:  # hand-built direct grants
        m = _PRINCIPAL.match(member)
        if m and member not in seen:
            seen.add(member)
            chains.append(direct_chain(member.rsplit("/subject/", 1)[-1], m["ns"], m["ksa"], member,
                                       all_grants, None, autopilot, tuple(pools), numbers))
    return chains
