"""Azure chains: ServiceAccount client-id -> managed identity (or Entra application) -> federated credential."""

from __future__ import annotations

import functools
import re
from typing import Any, Optional

from . import kinds
from .clusters import Cluster
from .common import Workload, candidate_clusters, label, other
from .lookup import Lookup
from .model import Chain, Facts, Probe, Res, unreadable

CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id"
TENANT_ID_ANNOTATION = "azure.workload.identity/tenant-id"
USE_LABEL = "azure.workload.identity/use"
AUDIENCE = "api://AzureADTokenExchange"
_AKS_ISSUER = re.compile(r"^https://[^/]+\.oic\.prod-aks\.azure\.com/")


def _audiences(fic: Res) -> list[Any]:
    value = fic.get("audiences")
    if value is None:
        value = fic.get("audience")  # the classic azure provider's name
    return list(value) if isinstance(value, list) else [value] if value is not None else []


def _fic_matches(fic: Res, issuer: str, subject: str, audience: str) -> bool:
    # Entra ID compares issuer and subject character for character, and the audience exactly.
    return fic.get("issuer") == issuer and fic.get("subject") == subject and audience in _audiences(fic)


def _lower(value: Any) -> str:
    return str(value or "").lower()


def _rg_and_name(fic: Res) -> tuple[str, str]:
    return _lower(fic.get("resourceGroupName")), _lower(fic.inputs.get("resourceName") or fic.get("resourceName"))


def _fic_keys(fic: Res) -> list[Any]:
    """What ``_credentials_of`` compares a credential by: the identity it names, each way it may name it."""
    if fic.type in kinds.APP_FIC:
        return [_lower(fic.get("applicationObjectId")), _lower(fic.get("applicationId"))]
    return [("parent", _lower(fic.get("parentId"))), _rg_and_name(fic)]


def _credentials_of(identity: Res, fics: Lookup[Res]) -> list[Res]:
    """The federated credentials on one identity, whichever provider made them."""
    if identity.type in kinds.APPLICATION:
        object_id = identity.get("objectId")
        keys = {_lower(object_id), _lower(identity.get("id")), _lower(f"/applications/{object_id}" if object_id else "")}
        keys.discard("")  # a missing id names no application: it must not match credentials that name none
        return fics.find(keys, lambda f: f.type in kinds.APP_FIC and (
            _lower(f.get("applicationObjectId")) in keys or _lower(f.get("applicationId")) in keys))
    rg, name, ident = _lower(identity.get("resourceGroupName")), _lower(identity.get("name")), _lower(identity.get("id"))
    keys = [("parent", ident)] if ident else []  # no id: the parent is not compared
    if name:  # nor, without a name, the resource group and name
        keys.append((rg, name))
    return fics.find(keys, lambda f: f.type in kinds.FIC and (
        (ident and _lower(f.get("parentId")) == ident) or (name and _rg_and_name(f) == (rg, name))))


class Index:
    def __init__(self, resources: list[Res], clusters: list[Cluster], facts: Optional[Facts]) -> None:
        self.identities = [r for r in resources if r.type in kinds.UAMI or r.type in kinds.APPLICATION]
        self.fics = [r for r in resources if r.type in kinds.FIC or r.type in kinds.APP_FIC]
        self.clusters = [c for c in clusters if c.cloud == "azure"]
        self.pinned = list(facts.issuers) if facts else []
        self.by_client_id = Lookup(self.identities, lambda r: (r.get("clientId"), r.get("applicationId")))
        self.fics_by_identity = Lookup(self.fics, _fic_keys)

    # Built on first use: only chains whose identity is not in the stack ask.
    @functools.cached_property
    def by_principal(self) -> Lookup[Res]:
        return Lookup(self.identities, lambda r: (r.get("principalId"),))

    @functools.cached_property
    def fics_by_parent(self) -> Lookup[Res]:
        return Lookup(self.fics, lambda f: (f.parent,))

    def identity(self, client_id: str) -> Optional[Res]:
        return self.by_client_id.first((client_id,), lambda r: client_id in (r.get("clientId"), r.get("applicationId"))
                                       and not r.pending_delete)

    def credentials_under(self, component: Res) -> list[Res]:
        return self.fics_by_parent.find((component.urn,), lambda f: f.parent == component.urn)

    def by_principal_id(self, value: str) -> Optional[Res]:
        return self.by_principal.first((value,), lambda r: value == r.get("principalId"))


def _pod_issuers(chain: Chain, workload: Workload, index: Index) -> tuple[list[str], bool]:
    """Issuers the pod's token may carry, and whether they are known (else judged from the credentials)."""
    if workload.cluster is None and index.pinned:
        chain.check("cluster", True, f"issuer pinned with --issuer: {' or '.join(index.pinned)}")
        return index.pinned, True
    found, assumed = candidate_clusters(workload, index.clusters, "azure")
    if not found:
        chain.unverified("cluster", "the ServiceAccount's cluster is not in this stack: the credentials' issuer is "
                         "taken on trust; pass --issuer <the cluster's OIDC issuer URL> to compare it character "
                         "for character")
        return [], False
    working = [c for c in found if not c.feature_off]
    for cluster in found:
        if cluster.feature_off and (not assumed or not working):
            chain.check(f"OIDC issuer of {cluster.label}", False,
                        f"{cluster.label} has {cluster.feature_off} off: it issues no tokens Entra ID can verify")
    for cluster in working:
        if cluster.webhook_off and not assumed:
            chain.unverified(f"webhook of {cluster.label}",
                             f"{cluster.label} does not enable the workload identity webhook ({cluster.webhook_off}): "
                             "pods get no token unless azure-workload-identity is installed another way")
    issuers = [c.issuer for c in working if c.issuer]
    if assumed and working:
        chain.unverified("cluster", "the ServiceAccount's Kubernetes provider is not tied to a cluster of this "
                         f"stack; judged against {' or '.join(c.label for c in working)}; pass --issuer to pin it")
    elif working and not issuers:
        chain.unverified("cluster", f"the OIDC issuer of {working[0].label} is not in the stack's state")
    elif working:
        chain.check("cluster", True, f"the ServiceAccount is on {working[0].label} (issuer {issuers[0]})")
    return issuers, bool(issuers)


def azure_chain(workload: Workload, identity: Optional[Res], fics: list[Res], client_id: Any, index: Index,
                annotated: Any) -> Chain:
    chain = Chain("azure", "workload_identity", workload.name, workload.subject)
    if workload.unknown:
        chain.unverified("ServiceAccount", f"{workload.source}: {workload.unknown}")
        return chain
    if not chain.readable("client-id annotation", annotated, CLIENT_ID_ANNOTATION, placeholder_ok=True):
        return chain
    if not chain.readable("identity", client_id, f"the client id of {label(identity)}", placeholder_ok=True):
        return chain
    ok = isinstance(annotated, str) and annotated == client_id
    chain.check("client-id annotation", ok, f"{CLIENT_ID_ANNOTATION}={annotated} is the identity's client id" if ok
                else f"{CLIENT_ID_ANNOTATION} is {annotated!r} but the identity's client id is {client_id!r}")
    _check_tenant(chain, workload, identity)
    chain.uses(identity, "clientId")
    for fic in fics:
        chain.uses(fic, "issuer", "subject", "audiences")
    if not chain.check("federated credentials", bool(fics),
                       f"{len(fics)} on {label(identity) if identity else 'the identity'}" if fics
                       else "the identity has no federated identity credential"):
        return chain
    issuers, known = _pod_issuers(chain, workload, index)
    if known:
        matched = [(i, f) for i in issuers for f in fics if _fic_matches(f, i, workload.subject, AUDIENCE)]
        chain.check("token from the cluster", bool(matched),
                    "; ".join(f"{label(f)} matches iss={i}, sub and aud exactly" for i, f in matched) if matched
                    else f"no credential matches iss={' or '.join(issuers)} sub={workload.subject} aud={AUDIENCE}")
    else:
        _judge_without_cluster(chain, workload, fics)
    for fic in fics:
        if _audiences(fic) != [AUDIENCE]:
            chain.check(f"audiences of {label(fic)}", False, f"{_audiences(fic)!r} should be exactly [{AUDIENCE!r}]")
    _check_label(chain, workload)
    _probes(chain, workload, fics, issuers or list(dict.fromkeys(str(f.get("issuer")) for f in fics)))
    return chain


def _judge_without_cluster(chain: Chain, workload: Workload, fics: list[Res]) -> None:
    matching = [f for f in fics if f.get("subject") == workload.subject and AUDIENCE in _audiences(f)]
    chain.check("a credential for this ServiceAccount", bool(matching),
                f"{len(matching)} credential(s) with sub={workload.subject} and aud={AUDIENCE}" if matching
                else f"no credential has sub={workload.subject} and aud={AUDIENCE}")
    for fic in fics:
        issuer = str(fic.get("issuer"))
        if _AKS_ISSUER.match(issuer) and not issuer.endswith("/"):
            chain.check(f"issuer of {label(fic)}", False,
                        f"{issuer!r} lacks the trailing '/' every AKS issuer has: the token's iss is "
                        f"{issuer + '/'!r} and will not match")


def _check_tenant(chain: Chain, workload: Workload, identity: Optional[Res]) -> None:
    tenant = workload.annotations.get(TENANT_ID_ANNOTATION)
    real = identity.get("tenantId") if identity is not None else None
    if tenant is None or real is None or unreadable(tenant) or unreadable(real):
        return
    chain.check("tenant", tenant == real, f"{TENANT_ID_ANNOTATION}={tenant}" if tenant == real
                else f"{TENANT_ID_ANNOTATION} is {tenant} but {label(identity)} is in tenant {real}")


def _probes(chain: Chain, workload: Workload, fics: list[Res], issuers: list[str]) -> None:
    ns2 = other(workload.namespace, "other-namespace")
    sa2 = other(workload.service_account, "other-service-account")
    first = issuers[0]
    other_issuer = re.sub(r"/[0-9a-f-]{36}/?$", "/00000000-0000-0000-0000-00000000beef/", first)
    if other_issuer == first:
        other_issuer = first.rstrip("/") + "-other-cluster/"
    for description, iss, sub, aud in (
        (f"{workload.service_account} in namespace {ns2}", first, f"system:serviceaccount:{ns2}:{workload.service_account}", AUDIENCE),
        (f"{sa2} in namespace {workload.namespace}", first, f"system:serviceaccount:{workload.namespace}:{sa2}", AUDIENCE),
        ("audience sts.amazonaws.com", first, workload.subject, "sts.amazonaws.com"),
        ("another cluster's issuer", other_issuer, workload.subject, AUDIENCE),
    ):
        hit = next((f for f in fics if _fic_matches(f, iss, sub, aud)), None)
        chain.probes.append(Probe(description, hit is not None, label(hit) if hit else ""))
    for fic in fics:  # credentials on the same identity for other ServiceAccounts share its access
        if fic.get("subject") != workload.subject:
            chain.probes.append(Probe(f"subject {fic.get('subject')} (another credential on the identity)",
                                      True, label(fic)))


def _check_label(chain: Chain, workload: Workload) -> None:
    patch = workload.pod_template_patch
    if isinstance(patch, dict):
        value = ((patch.get("metadata") or {}).get("labels") or {}).get(USE_LABEL)
        chain.check("pod label", value == "true",
                    f"pod_template_patch carries {USE_LABEL}: \"true\"" if value == "true"
                    else f"pod_template_patch lacks {USE_LABEL}: \"true\"; the webhook will not inject the token")
    for template in workload.pod_templates:
        value = _use_label(template)
        if value is _UNREADABLE:
            chain.unverified("workload pod label", f"a workload using {workload.service_account} has pod labels this "
                             f"file holds encrypted: whether they carry {USE_LABEL}: \"true\" is not seen")
            continue
        chain.check("workload pod label", value == "true",
                    "the workload's pod template carries the label" if value == "true"
                    else f"a workload using {workload.service_account} lacks the pod label {USE_LABEL}: \"true\"")
    if any(_use_label(t) != "true" for t in workload.unseen_templates):
        chain.unverified("workload pod label", f"a workload in namespace {workload.namespace} without the pod label "
                         f"{USE_LABEL}: \"true\" names a ServiceAccount this file does not show: whether it is "
                         f"{workload.service_account} is not seen")


_UNREADABLE = object()


def _use_label(template: dict[str, Any]) -> Any:
    """The pod template's azure.workload.identity/use label, or _UNREADABLE (encrypted, known only after deploy,
    or its metadata or labels not an object)."""
    metadata = template.get("metadata") or {}
    labels = metadata.get("labels") or {} if isinstance(metadata, dict) else None
    if not isinstance(labels, dict):
        return _UNREADABLE
    value = labels.get(USE_LABEL)
    return _UNREADABLE if unreadable(value) else value  # another value than "true" is judged, and fails


def verify_azure(resources: list[Res], workloads: list[Workload], clusters: list[Cluster],
                 facts: Optional[Facts] = None) -> list[Chain]:
    index = Index(resources, clusters, facts)
    chains = []
    for workload in workloads:
        annotated = workload.annotations.get(CLIENT_ID_ANNOTATION)
        if annotated is None:
            continue
        identity = index.identity(annotated) if isinstance(annotated, str) else None
        if identity is not None:
            chains.append(azure_chain(workload, identity, _credentials_of(identity, index.fics_by_identity),
                                      identity.get("clientId") or identity.get("applicationId"), index, annotated))
            continue
        component = workload.component
        if component is not None and component.outputs.get("client_id") is not None:
            # an existing identity: its credentials are the component's, its client id the component's output
            chains.append(azure_chain(workload, None, index.credentials_under(component), component.outputs.get("client_id"), index, annotated))
            continue
        chain = Chain("azure", "workload_identity", workload.name, workload.subject)
        principal = index.by_principal_id(annotated) if isinstance(annotated, str) else None
        if principal is not None:
            chain.check("client-id annotation", False, f"{CLIENT_ID_ANNOTATION} holds the principal (object) id of "
                        f"{label(principal)}, not its client id {principal.get('clientId')}")
        elif chain.readable("client-id annotation", annotated, CLIENT_ID_ANNOTATION):
            chain.unverified("identity", f"the identity with client id {annotated} is not in this stack: its "
                             "federated credentials cannot be checked here")
        chains.append(chain)
    return chains
