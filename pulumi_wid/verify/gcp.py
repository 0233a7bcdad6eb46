"""GCP chains: annotation -> Google service account -> workloadIdentityUser member; direct principals."""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from datetime import datetime, timezone
from typing import Any, Optional

from . import kinds
from .clusters import Cluster
from .common import Workload, candidate_clusters, label, other
from .lookup import Lookup
from .model import SECRET, Chain, Facts, Probe, Res, unreadable

GSA_ANNOTATION = "iam.gke.io/gcp-service-account"
WIU = "roles/iam.workloadIdentityUser"
TOKEN_CREATOR = "roles/iam.serviceAccountTokenCreator"
"""Also mints the service account's access tokens (https://cloud.google.com/iam/docs/service-account-permissions)."""
ENCRYPTED = str(SECRET)
"""The role or member of a grant the file holds encrypted."""
NODE_SELECTOR = "iam.gke.io/gke-metadata-server-enabled"
_MEMBER = re.compile(r"^serviceAccount:(?P<pool>[^\[]+\.svc\.id\.goog)\[(?P<ns>[^/\]]+)/(?P<ksa>[^\]]+)\]$")
POOL = re.compile(r"^(?:[a-z][-a-z0-9.]*[a-z0-9]:)?[a-z][-a-z0-9]{4,28}[a-z0-9]\.svc\.id\.goog$")
"""A GKE workload pool: <project id>.svc.id.goog (a domain-scoped project keeps its domain)."""
_EXPIRY = re.compile(r'^\s*request\.time\s*<\s*timestamp\(\s*"([^"]+)"\s*\)\s*$')
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
        if not kinds.is_gcp_grant(res.type):
            continue
        role = res.get("role")
        if res.get("member") and role:
            out.append((res, str(role), str(res.get("member"))))
        elif res.get("members") is SECRET and role:
            out.append((res, str(role), ENCRYPTED))
        elif isinstance(res.get("members"), list) and role:
            out += [(res, str(role), str(m)) for m in res.get("members")]
        elif res.get("policyData") is SECRET:
            out.append((res, ENCRYPTED, ENCRYPTED))
        elif res.get("policyData"):
            try:
                policy = json.loads(res.get("policyData")) if isinstance(res.get("policyData"), str) else res.get("policyData")
            except ValueError:
                continue
            for binding in (policy.get("bindings", []) if isinstance(policy, dict) else []):
                bound = res  # a binding's own condition, judged like an IAMMember's
                if isinstance(binding, dict) and binding.get("condition"):
                    bound = dataclasses.replace(res, outputs={**res.outputs, "condition": binding["condition"]})
                out += [(bound, str(binding.get("role")), str(m)) for m in binding.get("members", [])]
    return out


def pool_member(member: str) -> Optional[re.Match[str]]:
    """The parts of a ``serviceAccount:<pool>[<ns>/<ksa>]`` member whose pool has a pool's shape."""
    m = _MEMBER.match(member)
    return m if m and POOL.match(m["pool"]) else None


def member_admits(member: str, pool: str, namespace: str, ksa: str, number: Optional[str] = None) -> bool:
    """Whether a granted member string covers the KSA ``<pool>[<ns>/<ksa>]``."""
    if member in ("allUsers", "allAuthenticatedUsers"):
        return True
    m = pool_member(member)
    if m:
        return (m["pool"], m["ns"], m["ksa"]) == (pool, namespace, ksa)
    m = _PRINCIPAL.match(member)
    if m:
        return (m["pool"], m["ns"], m["ksa"]) == (pool, namespace, ksa) and (number is None or m["number"] == number)
    m = _PRINCIPAL_SET.match(member)
    if m:
        return m["pool"] == pool and (m["ns"] is None or m["ns"] == namespace)
    return False


def _target(res: Res) -> str:
    return str(res.get("serviceAccountId") or "")


def _targets_account(res: Res, account: Optional[Res], email: str) -> bool:
    if kinds.is_broad_gcp_scope(res.type):
        return True  # granted on a whole project/folder/organization: covers every service account in it
    target = _target(res)
    if not target:
        return False
    if account is not None and target in {str(v) for v in (account.get("name"), account.get("id"), account.urn) if v}:
        return True
    return target.endswith(f"/serviceAccounts/{email}") or target == email


def _target_hidden(res: Res) -> bool:
    """A grant on one service account whose account the file holds encrypted: it may be on any GSA."""
    return not kinds.is_broad_gcp_scope(res.type) and unreadable(res.get("serviceAccountId"), True) is not None


_ON = "/serviceAccounts/"


def _target_keys(grant: tuple[Res, str, str]) -> Optional[list[str]]:
    """What ``_targets_account`` may compare with: the target, and what follows each /serviceAccounts/."""
    if kinds.is_broad_gcp_scope(grant[0].type):
        return None  # on every service account
    target = _target(grant[0])
    keys, at = [target], target.find(_ON)
    while at >= 0:
        keys.append(target[at + len(_ON):])
        at = target.find(_ON, at + 1)
    return keys


def _account_keys(account: Optional[Res], email: Any) -> list[str]:
    keys = [str(email)]
    if account is not None:
        keys += [str(v) for v in (account.get("name"), account.get("id"), account.urn) if v]
    return keys


def _member_keys(member: str) -> Optional[tuple[tuple[str, ...], ...]]:
    """The (pool, namespace, KSA) a member names, as ``member_admits`` compares them; None for everyone."""
    if member in ("allUsers", "allAuthenticatedUsers"):
        return None
    m = pool_member(member) or _PRINCIPAL.match(member)
    if m:
        return ((m["pool"], m["ns"], m["ksa"]),)
    m = _PRINCIPAL_SET.match(member)
    if m:
        return (("set", m["pool"], m["ns"]),) if m["ns"] is not None else (("set", m["pool"]),)
    return ()  # admits no KSA


def condition_state(res: Res, now: Optional[datetime] = None) -> tuple[Optional[bool], str]:
    """Whether an IAM condition on a grant holds: True (none), False (expired), None (not evaluated)."""
    condition = res.get("condition")
    if not condition:
        return True, ""
    expression = str(condition.get("expression", "")) if isinstance(condition, dict) else str(condition)
    m = _EXPIRY.match(expression)
    if m:
        try:
            until = datetime.fromisoformat(m.group(1).replace("Z", "+00:00"))
        except ValueError:
            return None, f"condition {expression!r} is not evaluated offline"
        if until.tzinfo is None:
            until = until.replace(tzinfo=timezone.utc)
        if until <= (now or datetime.now(timezone.utc)):
            return False, f"its condition expired at {m.group(1)}"
        return True, ""
    return None, f"condition {expression!r} is not evaluated offline"


def _check_selector(chain: Chain, workload: Workload, autopilot: Optional[bool]) -> None:
    patch = workload.pod_template_patch
    if not isinstance(patch, dict):
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


class Index:
    def __init__(self, resources: list[Res], clusters: list[Cluster], facts: Optional[Facts]) -> None:
        self.accounts = Lookup((r for r in resources if r.type == kinds.GSA), lambda a: (a.get("email"),))
        self.grants = grants(resources)
        self.on_account = Lookup(self.grants, _target_keys)
        # grants that matter to a GSA chain (minting roles, or an encrypted role) on an encrypted account
        self.hidden_targets = [g for g in self.grants if _target_hidden(g[0]) and g[1] in (WIU, TOKEN_CREATOR, ENCRYPTED)]
        self.clusters = [c for c in clusters if c.cloud == "gcp"]
        self.pinned = list(facts.workload_pools) if facts else []
        self.numbers = tuple(facts.project_numbers) if facts else ()

    # Built on first use: only direct (principal://) chains ask.
    @functools.cached_property
    def by_member(self) -> Lookup[tuple[Res, str, str]]:
        return Lookup(self.grants, lambda g: (g[2],))

    @functools.cached_property
    def principals(self) -> Lookup[tuple[Res, str]]:
        """principal:// and principalSet:// grants, by the KSA or namespace they name."""
        return Lookup(((r, m) for r, _, m in self.grants if m.startswith(("principal://", "principalSet://"))),
                      lambda g: _member_keys(g[1]))

    def account(self, email: Any) -> Optional[Res]:
        """The stack's Google service account with this email (a readable one)."""
        return self.accounts.first((email,), lambda a: a.get("email") == email and not unreadable(email, True))

    def on(self, account: Optional[Res], email: Any) -> list[tuple[Res, str, str]]:
        """The grants on the service account, in the stack's order."""
        return self.on_account.find(_account_keys(account, email), lambda g: _targets_account(g[0], account, email))


def _pools(chain: Chain, workload: Workload, index: Index, hint: Optional[str]) -> tuple[list[str], Optional[bool]]:
    """Workload pools the KSA may be in (judged), and whether the cluster is Autopilot."""
    if workload.cluster is None and index.pinned:
        chain.check("workload pool", True, f"pinned with --workload-pool: {' or '.join(index.pinned)}")
        return index.pinned, None
    found, assumed = candidate_clusters(workload, index.clusters, "gcp")
    working = [c for c in found if not c.feature_off]
    for cluster in found:
        if cluster.feature_off and (not assumed or not working):
            chain.check(f"workload identity on {cluster.label}", False,
                        f"{cluster.label} has no {cluster.feature_off}: workload identity is off, pods cannot "
                        "use a Google service account through it")
    modes = {c.autopilot for c in working}
    autopilot = modes.pop() if len(modes) == 1 else None
    if working and assumed:
        chain.unverified("cluster", "the ServiceAccount's Kubernetes provider is not tied to a cluster of this stack; "
                         f"judged against {' or '.join(c.label for c in working)}; pass --workload-pool to pin it")
    elif working:
        chain.check("cluster", True, f"the ServiceAccount is on {working[0].label} (pool {working[0].pool})")
    if working:
        return [c.pool for c in working if c.pool], autopilot
    if not found:
        chain.unverified("workload pool", f"{hint or 'the pool'} taken from the grant: the cluster is not in this "
                         "stack; pass --workload-pool <cluster project>.svc.id.goog to pin it")
        return ([hint] if hint else []), None
    return [], autopilot


def gsa_chain(workload: Workload, email: Any, account: Optional[Res], index: Index) -> Chain:
    chain = Chain("gcp", "gsa", workload.name, f"{workload.namespace}/{workload.service_account}")
    if workload.unknown:
        chain.unverified("ServiceAccount", f"{workload.source}: {workload.unknown}")
        return chain
    if not chain.readable("GSA annotation", email, GSA_ANNOTATION, placeholder_ok=account is not None):
        return chain
    shaped = isinstance(email, str) and ("@" in email or account is not None)
    if not chain.check("GSA annotation", shaped, f"{GSA_ANNOTATION}={email}" if shaped
                       else f"{GSA_ANNOTATION} is {email!r}, not a service account email"):
        return chain
    if account is None:
        chain.unverified("Google service account", f"{email} is not in this stack: whether it exists and is enabled "
                         "is not checked here")
    else:
        chain.check("Google service account", account.get("disabled") is not True,
                    f"{account.label} ({email})" if account.get("disabled") is not True
                    else f"{account.label} is disabled: it issues no tokens")
    on_account = index.on(account, email)
    wiu = [(r, m) for r, role, m in on_account if role == WIU]
    for res, _ in wiu:
        chain.uses(res, "member", "members", "policyData")
    minting = wiu + [(r, m) for r, role, m in on_account if role == TOKEN_CREATOR]
    hidden = {r.urn: r for r, role, m in on_account if ENCRYPTED in (role, m)}
    for res in hidden.values():
        chain.unverified(f"grants of {label(res)}", f"{label(res)} on {email} is encrypted in this file: whom it "
                         "admits is not seen (export with --show-secrets to check it)")
    unseen = {r.urn: (r, role) for r, role, _ in reversed(index.hidden_targets) if r.urn not in hidden}
    for res, role in reversed(unseen.values()):
        granted = "a role" if role == ENCRYPTED else role
        chain.unverified(f"grants of {label(res)}", f"{label(res)} grants {granted} on a service account encrypted "
                         f"in this file: whether that is {email}, admitting other members, is not seen "
                         "(export with --show-secrets to check it)")
    hint = next((m_["pool"] for _, m in wiu if (m_ := pool_member(m))
                 and (m_["ns"], m_["ksa"]) == (workload.namespace, workload.service_account)), None)
    pools, autopilot = _pools(chain, workload, index, hint)
    _judge_grant(chain, workload, str(email), wiu, pools)
    _check_selector(chain, workload, autopilot)
    if pools:
        _probes(chain, workload, pools[0], minting)
    for res, member in minting:  # other KSAs granted on the same GSA share its access
        m = _MEMBER.match(member)
        if m and (m["ns"], m["ksa"]) != (workload.namespace, workload.service_account):
            chain.probes.append(Probe(f"{member} (another member of the grant)", True, label(res)))
    return chain


def _judge_grant(chain: Chain, workload: Workload, email: str, wiu: list[tuple[Res, str]], pools: list[str]) -> None:
    ksa = f"[{workload.namespace}/{workload.service_account}]"
    admitting = [(r, m, p) for p in pools for r, m in wiu if member_admits(m, p, workload.namespace, workload.service_account)]
    live = [(r, m, p) for r, m, p in admitting if condition_state(r)[0] is not False]
    if not live:
        bad_pools = [m for _, m in wiu if _MEMBER.match(m) and not pool_member(m)]
        expired = [f"{label(r)}: {condition_state(r)[1]}" for r, _, _ in admitting]
        why = (f"; {', '.join(bad_pools)} names no workload pool (<project id>.svc.id.goog)" if bad_pools else "") + (
            f"; {'; '.join(expired)}" if expired else "")
        target = " or ".join(f"serviceAccount:{p}{ksa}" for p in pools) if pools else f"any pool's {ksa}"
        chain.check("workloadIdentityUser grant", False, f"no {WIU} grant on {email} admits {target}{why}")
        return
    for res, _, _ in live:
        state, why = condition_state(res)
        if state is None:
            chain.unverified(f"condition of {label(res)}", why)
    res, member, pool = live[0]
    chain.check("workloadIdentityUser grant", True, f"{WIU} on {email} for serviceAccount:{pool}{ksa} ({label(res)})")
    exact = [m for _, m, p in live if m == f"serviceAccount:{p}{ksa}"]
    chain.check("exact member", bool(exact), "the grant names exactly one KSA" if exact
                else "the KSA is admitted only through a broader member")
    for res, _ in wiu:
        if kinds.is_broad_gcp_scope(res.type):
            chain.check(f"scope of {label(res)}", False, f"{WIU} is granted on a whole project/folder/organization: "
                        "grant it on the one Google service account")
        elif res.type.endswith((":IAMBinding", ":IAMPolicy")):
            note = f"{label(res)} is authoritative: it replaces {WIU} grants made elsewhere on {email}"
            if note not in chain.notes:
                chain.notes.append(note)


def _probes(chain: Chain, workload: Workload, pool: str, members: list[tuple[Res, str]] | Lookup[tuple[Res, str]],
            number: Optional[str] = None) -> None:
    ns2 = other(workload.namespace, "other-namespace")
    sa2 = other(workload.service_account, "other-service-account")
    other_pool = other(pool, "other-project.svc.id.goog")
    for description, p, ns, ksa in (
        (f"{workload.service_account} in namespace {ns2}", pool, ns2, workload.service_account),
        (f"{sa2} in namespace {workload.namespace}", pool, workload.namespace, sa2),
        ("another project's clusters (pool)", other_pool, workload.namespace, workload.service_account),
    ):
        found = members.candidates(((p, ns, ksa), ("set", p, ns), ("set", p))) if isinstance(members, Lookup) else members
        hit = next((r for r, m in found if member_admits(m, p, ns, ksa, number)), None)
        chain.probes.append(Probe(description, hit is not None, label(hit) if hit else ""))


def direct_chain(name: str, namespace: str, ksa: str, principal: str, index: Index,
                 workload: Optional[Workload]) -> Chain:
    chain = Chain("gcp", "direct", name, f"{namespace}/{ksa}")
    m = _PRINCIPAL.match(principal)
    if not chain.check("principal", m is not None and (m["ns"], m["ksa"]) == (namespace, ksa),
                       f"{principal}" if m else f"{principal!r} is not a principal:// KSA identifier"):
        return chain
    if not chain.check("pool shape", POOL.match(m["pool"]) is not None, m["pool"] if POOL.match(m["pool"])
                       else f"{m['pool']!r} is not a workload pool (<project id>.svc.id.goog)"):
        return chain
    subject = workload or Workload(namespace, ksa, {}, None, "")
    pools, autopilot = _pools(chain, subject, index, m["pool"])
    if pools and (subject.cluster is not None or index.pinned or index.clusters):
        chain.check("workload pool", m["pool"] in pools, f"{m['pool']}" if m["pool"] in pools
                    else f"the principal names pool {m['pool']!r}, the cluster's is {pools[0]!r}")
    if index.numbers:
        chain.check("project number", m["number"] in index.numbers, f"{m['number']}" if m["number"] in index.numbers
                    else f"the principal names project {m['number']}, the cluster's project is {index.numbers[0]}")
    else:
        chain.unverified("project number", f"{m['number']} is taken on trust: a GKE cluster's state does not hold its "
                         "project's number; pass --project-number to check it")
    mine = index.by_member.find((principal,), lambda g: g[2] == principal)
    chain.check("grants", bool(mine), f"{len(mine)} grant(s) to the principal" if mine else "no grant names the principal")
    if workload is not None:
        _check_selector(chain, workload, autopilot)
        chain.check("no GSA annotation", GSA_ANNOTATION not in workload.annotations,
                    "direct access needs no annotation" if GSA_ANNOTATION not in workload.annotations
                    else f"{GSA_ANNOTATION} is set: the pod would impersonate that GSA instead")
    _probes(chain, subject, m["pool"], index.principals, m["number"])
    return chain


def verify_gcp(resources: list[Res], workloads: list[Workload], clusters: list[Cluster],
               facts: Optional[Facts] = None) -> list[Chain]:
    index = Index(resources, clusters, facts)
    chains = []
    for workload in workloads:
        email = workload.annotations.get(GSA_ANNOTATION)
        if email is None:
            continue
        chains.append(gsa_chain(workload, email, index.account(email), index))
    seen: set[str] = set()
    for workload in workloads:  # direct mode components
        member = (workload.component.outputs.get("member") if workload.component else None) or ""
        if str(member).startswith("principal://"):
            seen.add(member)
            chains.append(direct_chain(workload.component.name, workload.namespace, workload.service_account,
                                       member, index, workload))
    for _res, _role, member in index.grants:  # hand-built direct grants
        m = _PRINCIPAL.match(member)
        if m and member not in seen:
            seen.add(member)
            chains.append(direct_chain(member.rsplit("/subject/", 1)[-1], m["ns"], m["ksa"], member, index, None))
    return chains
