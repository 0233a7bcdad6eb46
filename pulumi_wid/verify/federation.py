"""Cross-cloud and CI chains: a foreign issuer's token (iss, sub, aud) against AWS, Azure and GCP.

Judges what ``pulumi_wid.federation`` builds, and the same shapes written by hand: the
``AwsFederatedRole``/``AzureFederatedIdentity``/``GcpFederatedPrincipal`` components (their
issuer, subjects and audience outputs, and the pod side in ``pod_template_patch``), roles
trusting a CI issuer, and GCP workload identity pool principals (pool provider issuer,
allowed audiences, attribute mapping and condition -> the principal's grant). Each chain
presents the token the workload gets and must be accepted, then probes with another
namespace, ServiceAccount, cluster (issuer), audience, repository or branch that must be
refused. Like the rest of verify it has its own evaluator and constants, not the builders'.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from . import iam
from .common import other
from .lookup import Lookup
from .model import Chain, Facts, Probe, Res, parse_json_field

COMPONENTS = {"wid:index:AwsFederatedRole": "aws", "wid:index:AzureFederatedIdentity": "azure",
              "wid:index:GcpFederatedPrincipal": "gcp"}
POOL_PROVIDER = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider"
ROLE = "aws:iam/role:Role"
OIDC_PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
FICS = ("azure-native:managedidentity:FederatedIdentityCredential",
        "azure:armmsi/federatedIdentityCredential:FederatedIdentityCredential")
WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"
AZURE_AUDIENCE = "api://AzureADTokenExchange"
CI_ISSUERS = ("https://token.actions.githubusercontent.com", "https://gitlab.com")
ENV_FILES = {"aws": "AWS_WEB_IDENTITY_TOKEN_FILE", "azure": "AZURE_FEDERATED_TOKEN_FILE"}
_POOL_PRINCIPAL = re.compile(
    r"^principal://iam\.googleapis\.com/projects/(?P<number>\d+)/locations/global/workloadIdentityPools/"
    r"(?P<pool>[a-z0-9-]+)/subject/(?P<sub>.+)$")
_POOL_SET = re.compile(r"^principalSet://iam\.googleapis\.com/projects/(?P<number>\d+)/locations/global/"
                       r"workloadIdentityPools/(?P<pool>[a-z0-9-]+)/\*$")
_CEL_EQ = re.compile(r'^assertion\.sub\s*==\s*("(?:[^"\\]|\\.)*"|\'[^\']*\')$')
_CEL_IN = re.compile(r"^assertion\.sub\s+in\s+(\[.*\])$")


# -- the token each cloud accepts ---------------------------------------------------------------
def _host(issuer: str) -> str:
    """The issuer as IAM names its provider and condition keys: without https://, a final '/' kept
    (oidc-provider/auth.mozilla.auth0.com/ has the keys auth.mozilla.auth0.com/:aud)."""
    return issuer.removeprefix("https://")


def aws_accepts(role: Res, providers: dict[str, Res], iss: str, sub: str, aud: str, probe: bool = False) -> tuple[bool, str]:
    """Whether the role's trust admits the token (through the account's OIDC provider for ``iss``)."""
    trust = parse_json_field(role.get("assumeRolePolicy"))
    arns = [p for s in iam.statements(trust) for p in iam.as_list((s.get("Principal") or {}).get("Federated")
                                                                      if isinstance(s.get("Principal"), dict) else None)]
    for arn in arns:
        if not isinstance(arn, str) or arn.split(":oidc-provider/", 1)[-1] != _host(iss):
            continue
        provider = providers.get(arn)
        ids = provider.get("clientIdLists") if provider is not None else None
        if isinstance(ids, list) and aud not in ids:
            continue  # the OIDC provider refuses an audience it does not list
        prefix = _host(iss)
        ok, by = iam.evaluate(trust, "Federated", arn, WEB_IDENTITY,
                              {f"{prefix}:sub": sub, f"{prefix}:aud": aud, "aws:FederatedProvider": arn}, probe)
        if ok:
            return True, f"{role.label} {by}"
    return False, ""


def azure_accepts(fics: list[Res], iss: str, sub: str, aud: str) -> tuple[bool, str]:
    """Entra ID matches issuer and subject character for character, the audience exactly."""
    for fic in fics:
        audiences = fic.get("audiences") or ([fic.get("audience")] if fic.get("audience") else [])
        if fic.get("issuer") == iss and fic.get("subject") == sub and aud in audiences:
            return True, fic.label
    return False, ""


def cel_admits(condition: Any, sub: str) -> Optional[bool]:
    """The pool provider's attribute condition for ``sub``: True/False, or None when verify cannot evaluate it."""
    if not condition:
        return True
    verdict = True
    for clause in str(condition).split("&&"):
        clause = clause.strip().strip("()").strip()
        eq, within = _CEL_EQ.match(clause), _CEL_IN.match(clause)
        try:
            if eq:
                value = eq.group(1)
                verdict &= (json.loads(value) if value.startswith('"') else value[1:-1]) == sub
            elif within:
                verdict &= sub in json.loads(within.group(1).replace("'", '"'))
            else:
                return None
        except ValueError:
            return None
    return verdict


def _names(number: str, pool: str, provider_id: str) -> set[str]:
    name = f"projects/{number}/locations/global/workloadIdentityPools/{pool}/providers/{provider_id}"
    return {f"//iam.googleapis.com/{name}", f"https://iam.googleapis.com/{name}"}


def gcp_accepts(providers: Lookup[Res], grants: Lookup[tuple[Res, str]], number: str, pool: str, iss: str, sub: str,
                aud: str, probe: bool = False) -> tuple[bool, str]:
    """A pool provider for ``iss`` allows ``aud`` and its condition admits ``sub``, and a grant names the principal.

    ``providers`` are keyed by their pool id, ``grants`` by ``grant_keys``."""
    for provider in providers.find((pool,), lambda p: p.get("workloadIdentityPoolId") == pool):
        oidc = provider.get("oidc") or {}
        oidc = oidc[0] if isinstance(oidc, list) and oidc else oidc
        if not isinstance(oidc, dict) or oidc.get("issuerUri") != iss:
            continue
        allowed = oidc.get("allowedAudiences") or sorted(_names(number, pool, str(provider.get("workloadIdentityPoolProviderId"))))
        if aud not in allowed:
            continue
        mapping = provider.get("attributeMapping") or {}
        if mapping.get("google.subject") != "assertion.sub":
            continue  # the principal would carry another value than the token's sub
        admitted = cel_admits(provider.get("attributeCondition"), sub)
        if admitted is None:
            admitted = probe  # not evaluated: counts for a probe, against a positive check
        if not admitted:
            continue
        principal = f"principal://iam.googleapis.com/projects/{number}/locations/global/workloadIdentityPools/{pool}/subject/{sub}"
        hit = _grant_to(grants, principal, number, pool)
        if hit is not None:
            return True, f"{provider.label} -> {hit[0].label}"
    return False, ""


def _grant_to(grants: Lookup[tuple[Res, str]], principal: str, number: str, pool: str) -> Optional[tuple[Res, str]]:
    """The first grant to the principal or to its whole pool."""
    def names(grant: tuple[Res, str]) -> bool:
        m = _POOL_SET.match(grant[1])
        return grant[1] == principal or bool(m and (m["number"], m["pool"]) == (number, pool))

    return grants.first((principal, (number, pool)), names)


def grant_keys(grant: tuple[Res, str]) -> tuple[Any, ...]:
    """The member of a grant, and the (project number, pool) of a whole pool's principalSet."""
    m = _POOL_SET.match(grant[1])
    return (grant[1], (m["number"], m["pool"])) if m else (grant[1],)


# -- probes -----------------------------------------------------------------------------------------
def probe_tokens(iss: str, sub: str, aud: str) -> list[tuple[str, str, str, str]]:
    """(description, iss, sub, aud) tokens that must be refused."""
    out = [("another cluster's issuer (same subject)", iss.rstrip("/") + "-other-cluster" + ("/" if iss.endswith("/") else ""), sub, aud),
           ("another audience", iss, sub, "https://kubernetes.default.svc")]
    m = re.fullmatch(r"system:serviceaccount:([^:]+):([^:]+)", sub)
    if m:
        ns2, sa2 = other(m.group(1), "other-namespace"), other(m.group(2), "other-service-account")
        out += [(f"{m.group(2)} in namespace {ns2}", iss, f"system:serviceaccount:{ns2}:{m.group(2)}", aud),
                (f"{sa2} in namespace {m.group(1)}", iss, f"system:serviceaccount:{m.group(1)}:{sa2}", aud)]
    m = re.fullmatch(r"repo:([^/]+)/([^:]+):(.+)", sub)
    if m:
        out += [("another repository", iss, f"repo:{other(m.group(1), 'other-org')}/{m.group(2)}:{m.group(3)}", aud),
                ("another branch", iss, f"repo:{m.group(1)}/{m.group(2)}:ref:refs/heads/other-branch", aud),
                ("a pull request", iss, f"repo:{m.group(1)}/{m.group(2)}:pull_request", aud)]
    m = re.fullmatch(r"project_path:([^:]+):ref_type:(\w+):ref:(.+)", sub)
    if m:
        out += [("another project", iss, f"project_path:{m.group(1)}-other:ref_type:{m.group(2)}:ref:{m.group(3)}", aud),
                ("another branch", iss, f"project_path:{m.group(1)}:ref_type:branch:ref:other-branch", aud)]
    return [t for t in out if t[2] != sub or t[1] != iss or t[3] != aud]


# -- the pod side -----------------------------------------------------------------------------------
def check_pod(chain: Chain, cloud: str, patch: Any, aud: str, expect_env: dict[str, Any]) -> None:
    """The projected token's audience and mount, and the variables every container gets."""
    if not isinstance(patch, dict):
        chain.unverified("pod template patch", "the component's pod_template_patch is not in this stack")
        return
    volumes = (patch.get("spec") or {}).get("volumes") or []
    tokens = {v.get("name"): s["serviceAccountToken"] for v in volumes if isinstance(v, dict)
              for s in (v.get("projected") or {}).get("sources", []) if "serviceAccountToken" in s}
    chain.check("projected token audience", any(t.get("audience") == aud for t in tokens.values()),
                f"the pod's token is issued for aud={aud}" if any(t.get("audience") == aud for t in tokens.values())
                else f"no projected token has aud={aud}: the cloud refuses the pod's token ({[t.get('audience') for t in tokens.values()]})")
    every = patch.get("allContainers") or {}
    env = {e.get("name"): e.get("value") for e in every.get("env") or []}
    mounts = {m.get("name"): m.get("mountPath") for m in every.get("volumeMounts") or []}
    files = {f"{mounts.get(name)}/{t.get('path')}" for name, t in tokens.items() if mounts.get(name)}
    for key, value in expect_env.items():
        chain.check(f"env {key}", env.get(key) == value, f"{key}={value}" if env.get(key) == value
                    else f"{key} is {env.get(key)!r}, not {value!r}")
    token_env = ENV_FILES.get(cloud)
    if token_env:
        chain.check(f"env {token_env}", env.get(token_env) in files, f"{token_env} names the mounted token"
                    if env.get(token_env) in files else f"{token_env}={env.get(token_env)!r} is not the mounted token {sorted(files)}")
    elif cloud == "gcp":
        chain.check("credential file", "GOOGLE_APPLICATION_CREDENTIALS" in env,
                    "GOOGLE_APPLICATION_CREDENTIALS names the credential configuration"
                    if "GOOGLE_APPLICATION_CREDENTIALS" in env else "GOOGLE_APPLICATION_CREDENTIALS is not set")


def _check_credential_configuration(chain: Chain, text: Any, number: str, pool: str, provider_id: str, patch: Any) -> None:
    config = parse_json_field(text)
    if not isinstance(config, dict):
        chain.unverified("credential configuration", "the component's credential_configuration is not in this stack")
        return
    expected = f"//iam.googleapis.com/projects/{number}/locations/global/workloadIdentityPools/{pool}/providers/{provider_id}"
    chain.check("credential audience", config.get("audience") == expected,
                f"audience {expected}" if config.get("audience") == expected
                else f"audience {config.get('audience')!r}, not {expected!r} (the project NUMBER, the pool and the provider)")
    chain.check("credential type", (config.get("type"), config.get("subject_token_type"), config.get("token_url")) == (
        "external_account", "urn:ietf:params:oauth:token-type:jwt", "https://sts.googleapis.com/v1/token"),
        "external_account, jwt subject token, sts.googleapis.com")
    source = (config.get("credential_source") or {}).get("file")
    every = (patch or {}).get("allContainers") or {} if isinstance(patch, dict) else {}
    mounts = [m.get("mountPath") for m in every.get("volumeMounts") or []]
    chain.check("credential source file", any(isinstance(source, str) and source.startswith(f"{p}/") for p in mounts),
                f"{source} is the mounted token" if any(isinstance(source, str) and source.startswith(f"{p}/") for p in mounts)
                else f"{source!r} is not under a mounted volume {mounts}")


# -- chains -----------------------------------------------------------------------------------------
def _judge(chain: Chain, accepts: Any, iss: str, subjects: list[str], aud: str) -> None:
    for sub in subjects:
        ok, by = accepts(iss, sub, aud, False)
        chain.check(f"token sub={sub}", ok, f"iss={iss}, aud={aud} accepted by {by}" if ok
                    else f"the token (iss={iss}, sub={sub}, aud={aud}) is refused")
        for description, p_iss, p_sub, p_aud in probe_tokens(iss, sub, aud):
            if p_sub in subjects and p_iss == iss and p_aud == aud:
                continue
            hit, by = accepts(p_iss, p_sub, p_aud, True)
            chain.probes.append(Probe(description, hit, by))


def _other_principals(chain: Chain, role: Res, trust: Any) -> None:
    """Allow statements for any principal but an OIDC provider: another way into the role."""
    for extra in iam.other_principals(trust, lambda kind, value: kind == "Federated" and ":oidc-provider/" in value):
        chain.probes.append(Probe("another principal than the issuer's OIDC provider", True, f"{role.label} {extra}"))


@dataclass
class _Stack:
    """What the federation checks look up in the stack."""

    resources: list[Res]
    aws_providers: dict[str, Res]
    roles: list[Res]
    pool_providers: list[Res]
    grants: list[tuple[Res, str]]
    pinned: list[str]
    judged_roles: set[str] = field(default_factory=set)
    seen_principals: set[str] = field(default_factory=set)

    # Built once: each component and principal looks these up.
    @functools.cached_property
    def by_parent(self) -> Lookup[Res]:
        return Lookup(self.resources, lambda r: (r.parent,))

    @functools.cached_property
    def providers_by_pool(self) -> Lookup[Res]:
        return Lookup(self.pool_providers, lambda p: (p.get("workloadIdentityPoolId"),))

    @functools.cached_property
    def grants_by_member(self) -> Lookup[tuple[Res, str]]:
        return Lookup(self.grants, grant_keys)

    def children(self, component: Res, test: Any) -> list[Res]:
        return self.by_parent.find((component.urn,), lambda r: r.parent == component.urn and test(r))


def verify_federation(resources: list[Res], facts: Optional[Facts] = None) -> tuple[list[Chain], set[str]]:
    """Chains of foreign-issuer and CI trusts, and the URNs of the roles judged here (not as IRSA)."""
    st = _Stack(resources, {str(r.get("arn")): r for r in resources if r.type == OIDC_PROVIDER},
                [r for r in resources if r.type == ROLE and not r.pending_delete],
                [r for r in resources if r.type == POOL_PROVIDER],
                [(r, str(r.get("member"))) for r in resources if r.type.startswith("gcp:") and r.get("member")],
                list(facts.issuers if facts else []))
    chains = [_component_chain(st, c) for c in resources if c.type in COMPONENTS]
    # roles trusting a CI issuer, written by hand: judged as CI (not as IRSA, which wants a ServiceAccount)
    chains += [c for role in st.roles if role.urn not in st.judged_roles if (c := _ci_role_chain(st, role))]
    # hand-built pool principals (not the GKE *.svc.id.goog pools, which verify.gcp judges)
    chains += [c for _res, member in st.grants if (c := _pool_principal_chain(st, member))]
    return chains, st.judged_roles


def _component_chain(st: _Stack, component: Res) -> Chain:
    cloud, out = COMPONENTS[component.type], component.outputs
    iss, subjects, aud = out.get("issuer_url"), out.get("subjects") or [], out.get("audience")
    kind = "ci" if out.get("pod_template_patch") is None and out.get("service_account_name") is None else "federated"
    chain = Chain(cloud, kind, component.name, ", ".join(map(str, subjects)))
    if not (isinstance(iss, str) and isinstance(aud, str) and all(isinstance(s, str) for s in subjects) and subjects):
        chain.unverified("token", "the component's issuer, subjects or audience are not readable in this stack")
        return chain
    if st.pinned and kind == "federated":
        chain.check("cluster issuer", iss in st.pinned, f"pinned with --issuer: {iss}" if iss in st.pinned
                    else f"the trust names {iss}, the cluster's issuer is {' or '.join(st.pinned)}")
    if cloud == "aws":
        role = next(iter(st.children(component, lambda r: r.type == ROLE and not r.pending_delete)), None)
        if role is None:
            chain.unverified("role", "the component's role is not in this stack")
            return chain
        st.judged_roles.add(role.urn)
        _judge(chain, lambda i, s, a, p, role=role: aws_accepts(role, st.aws_providers, i, s, a, p), iss, subjects, aud)
        _other_principals(chain, role, parse_json_field(role.get("assumeRolePolicy")))
        if kind == "federated":
            check_pod(chain, "aws", out.get("pod_template_patch"), aud, {"AWS_ROLE_ARN": role.get("arn")})
    elif cloud == "azure":
        fics = st.children(component, lambda r: r.type in FICS)
        _judge(chain, lambda i, s, a, p, fics=fics: azure_accepts(fics, i, s, a), iss, subjects, aud)
        chain.check("audience", aud == AZURE_AUDIENCE, f"{AZURE_AUDIENCE}" if aud == AZURE_AUDIENCE
                    else f"{aud!r} is not {AZURE_AUDIENCE}")
        if kind == "federated":
            check_pod(chain, "azure", out.get("pod_template_patch"), aud,
                      {"AZURE_CLIENT_ID": out.get("client_id"), "AZURE_TENANT_ID": out.get("tenant_id")})
    else:
        name = str(out.get("provider_name") or "")
        parts = re.fullmatch(r"projects/(\d+)/locations/global/workloadIdentityPools/([a-z0-9-]+)/providers/([a-z0-9-]+)", name)
        if parts is None:
            chain.unverified("pool provider", f"the component's provider name {name!r} is not readable")
            return chain
        number, pool, provider_id = parts.groups()
        st.seen_principals.update(f"principal://iam.googleapis.com/projects/{number}/locations/global/"
                                  f"workloadIdentityPools/{pool}/subject/{s}" for s in subjects)
        _judge(chain, lambda i, s, a, p, n=number, pool=pool: gcp_accepts(st.providers_by_pool, st.grants_by_member, n, pool, i, s, a, p),
               iss, subjects, aud)
        if kind == "federated":
            check_pod(chain, "gcp", out.get("pod_template_patch"), aud, {})
            _check_credential_configuration(chain, out.get("credential_configuration"), number, pool, provider_id,
                                            out.get("pod_template_patch"))
    return chain


def _ci_role_chain(st: _Stack, role: Res) -> Optional[Chain]:
    trust = parse_json_field(role.get("assumeRolePolicy"))
    try:
        federated = [str(p) for s in iam.statements(trust) if isinstance(s.get("Principal"), dict)
                     for p in iam.as_list(s["Principal"].get("Federated"))]
    except (AttributeError, TypeError):
        return None
    issuers = [i for i in CI_ISSUERS if any(f.split(":oidc-provider/", 1)[-1] == _host(i) for f in federated)]
    if not issuers:
        return None
    st.judged_roles.add(role.urn)
    iss = issuers[0]
    subs = [str(v) for s in iam.statements(trust) for block in (s.get("Condition") or {}).values()
            if isinstance(block, dict) for k, vs in block.items() if k.lower().endswith(":sub") for v in iam.as_list(vs)]
    auds = [str(v) for s in iam.statements(trust) for block in (s.get("Condition") or {}).values()
            if isinstance(block, dict) for k, vs in block.items() if k.lower().endswith(":aud") for v in iam.as_list(vs)]
    chain = Chain("aws", "ci", role.name, ", ".join(subs) or "(none)")
    if not chain.check("sub condition", bool(subs), "the trust pins :sub" if subs else
                       f"{role.label} trusts {iss} without a :sub condition: every repository on the issuer can assume it"):
        return chain
    chain.check("aud condition", bool(auds), "the trust pins :aud" if auds else f"{role.label} does not pin :aud")
    aud = auds[0] if auds else "sts.amazonaws.com"
    _judge(chain, lambda i, s, a, p, role=role: aws_accepts(role, st.aws_providers, i, s, a, p), iss,
           [s for s in subs if "*" not in s and "?" not in s] or subs[:1], aud)
    for pattern in dict.fromkeys(s for s in subs if "*" in s or "?" in s):  # what a wildcard lets in
        sample = pattern.replace("*", "x").replace("?", "x")
        hit, by = aws_accepts(role, st.aws_providers, iss, sample, aud, True)
        chain.probes.append(Probe(f"subject {sample} (admitted by the pattern {pattern})", hit, by))
    _other_principals(chain, role, trust)
    return chain


def _pool_principal_chain(st: _Stack, member: str) -> Optional[Chain]:
    m = _POOL_PRINCIPAL.match(member)
    if not m or member in st.seen_principals or m["pool"].endswith(".svc.id.goog"):
        return None
    st.seen_principals.add(member)
    chain = Chain("gcp", "pool_principal", member.rsplit("/subject/", 1)[-1], m["sub"])
    mine = st.providers_by_pool.find((m["pool"],), lambda p: p.get("workloadIdentityPoolId") == m["pool"])
    if not mine:
        chain.unverified("pool provider", f"no provider of pool {m['pool']} is in this stack: its issuer, audiences "
                         "and attribute condition cannot be checked here")
        return chain
    for provider in mine:
        oidc = provider.get("oidc") or {}
        oidc = oidc[0] if isinstance(oidc, list) and oidc else oidc
        iss = oidc.get("issuerUri") if isinstance(oidc, dict) else None
        auds = (oidc.get("allowedAudiences") if isinstance(oidc, dict) else None) or sorted(
            _names(m["number"], m["pool"], str(provider.get("workloadIdentityPoolProviderId"))))
        if not isinstance(iss, str):
            chain.unverified("pool provider issuer", f"{provider.label} has no readable issuer")
            continue
        if iss in CI_ISSUERS and not provider.get("attributeCondition"):
            chain.check("attribute condition", False, f"{provider.label} trusts the shared issuer {iss} without an "
                        "attribute condition: Google requires one, and it is what keeps other owners out")
        _judge(chain, lambda i, s, a, p, n=m["number"], pool=m["pool"]: gcp_accepts(
            st.providers_by_pool, st.grants_by_member, n, pool, i, s, a, p), iss, [m["sub"]], auds[0])
    return chain
