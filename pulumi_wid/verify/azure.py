"""Azure chains: ServiceAccount client-id -> managed identity -> federated credential match."""

from __future__ import annotations

import re
from typing import Any, Optional

from .common import Workload, label, other
from .model import Chain, Facts, Probe, Res

CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id"
USE_LABEL = "azure.workload.identity/use"
AUDIENCE = "api://AzureADTokenExchange"
UAMI = "azure-native:managedidentity:UserAssignedIdentity"
FIC = "azure-native:managedidentity:FederatedIdentityCredential"
CLUSTER = "azure-native:containerservice:ManagedCluster"
_AKS_ISSUER = re.compile(r"^https://[^/]+\.oic\.prod-aks\.azure\.com/")


def _uami_key(res: Res) -> tuple[str, str]:
    return (str(res.get("resourceGroupName")), str(res.inputs.get("resourceName") or res.outputs.get("name")))


def _fic_matches(fic: Res, issuer: str, subject: str, audience: str) -> bool:
    # Entra ID compares issuer and subject character for character, and the audience exactly.
    return fic.get("issuer") == issuer and fic.get("subject") == subject and audience in (fic.get("audiences") or [])


def _cluster_issuers(resources: list[Res]) -> list[str]:
    out = []
    for res in resources:
        if res.type == CLUSTER:
            profile = res.outputs.get("oidcIssuerProfile") or {}
            if profile.get("issuerURL"):
                out.append(str(profile["issuerURL"]))
    return out


def azure_chain(name: str, workload: Workload, uami: Optional[Res], fics: list[Res],
                cluster_issuers: list[str], client_id: Any, confirmed: bool = True) -> Chain:
    chain = Chain("azure", "workload_identity", name, workload.subject)
    annotated = workload.annotations.get(CLIENT_ID_ANNOTATION)
    chain.check("client-id annotation", annotated is not None and annotated == client_id,
                f"{CLIENT_ID_ANNOTATION}={annotated} is the identity's client id" if annotated == client_id
                else f"{CLIENT_ID_ANNOTATION} is {annotated!r} but the identity's client id is {client_id!r}")
    if not chain.check("federated credentials", bool(fics),
                       f"{len(fics)} on {label(uami) if uami else 'the identity'}" if fics
                       else "the identity has no federated identity credential"):
        return chain
    issuers = cluster_issuers or list(dict.fromkeys(str(f.get("issuer")) for f in fics))
    if cluster_issuers:  # the workload runs in at least one known cluster, not necessarily in all
        matched = [(i, f) for i in cluster_issuers for f in fics if _fic_matches(f, i, workload.subject, AUDIENCE)]
        chain.check("token from a known cluster", bool(matched),
                    "; ".join(f"{label(f)} matches iss={i}, sub and aud exactly" for i, f in matched) if matched
                    else f"no credential matches iss={' or '.join(cluster_issuers)} sub={workload.subject} aud={AUDIENCE}")
    if not cluster_issuers:
        chain.check("issuer", True, "taken from the credentials: no cluster in the stack; pass --issuer "
                    "<the cluster's oidc issuer URL> to compare it character for character")
        matching = [f for f in fics if f.get("subject") == workload.subject and AUDIENCE in (f.get("audiences") or [])]
        chain.check("a credential for this ServiceAccount", bool(matching),
                    f"{len(matching)} credential(s) with sub={workload.subject} and aud={AUDIENCE}" if matching
                    else f"no credential has sub={workload.subject} and aud={AUDIENCE}")
        for fic in fics:
            issuer = str(fic.get("issuer"))
            if _AKS_ISSUER.match(issuer) and not issuer.endswith("/"):
                chain.check(f"issuer of {label(fic)}", False,
                            f"{issuer!r} lacks the trailing '/' every AKS issuer has: the token's iss is "
                            f"{issuer + '/'!r} and will not match")
    for fic in fics:
        audiences = fic.get("audiences") or []
        if audiences != [AUDIENCE]:
            chain.check(f"audiences of {label(fic)}", False, f"{audiences!r} should be exactly [{AUDIENCE!r}]")
    _check_label(chain, workload)

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
    return chain


def _check_label(chain: Chain, workload: Workload) -> None:
    patch = workload.pod_template_patch
    if patch is not None:
        value = ((patch.get("metadata") or {}).get("labels") or {}).get(USE_LABEL)
        chain.check("pod label", value == "true",
                    f"pod_template_patch carries {USE_LABEL}: \"true\"" if value == "true"
                    else f"pod_template_patch lacks {USE_LABEL}: \"true\"; the webhook will not inject the token")
    for template in workload.pod_templates:
        value = ((template.get("metadata") or {}).get("labels") or {}).get(USE_LABEL)
        chain.check("workload pod label", value == "true",
                    "the workload's pod template carries the label" if value == "true"
                    else f"a workload using {workload.service_account} lacks the pod label {USE_LABEL}: \"true\"")


def verify_azure(resources: list[Res], workloads: list[Workload], facts: Optional[Facts] = None) -> list[Chain]:
    uamis = [r for r in resources if r.type == UAMI]
    fics = [r for r in resources if r.type == FIC]
    # every --issuer that is not an EKS one (AKS in any cloud, self-managed clusters)
    issuers = _cluster_issuers(resources) + [i for i in (facts.issuers if facts else []) if ".eks." not in i]
    chains = []
    for workload in workloads:
        client_id = workload.annotations.get(CLIENT_ID_ANNOTATION)
        if client_id is None:
            continue
        uami = next((u for u in uamis if u.outputs.get("clientId") == client_id), None)
        if uami is not None:
            key = _uami_key(uami)
            mine = [f for f in fics if (str(f.get("resourceGroupName")), str(f.get("resourceName"))) == key]
            real_client_id = uami.outputs.get("clientId")
        else:  # an existing identity: its credentials are the component's, its client id the component's output
            component = workload.component
            mine = [f for f in fics if component is not None and f.parent == component.urn]
            real_client_id = component.outputs.get("client_id") if component else None
            if component is None:
                chain = Chain("azure", "workload_identity", workload.source, workload.subject)
                chain.check("identity", True, f"identity with client id {client_id} is not in this stack")
                chains.append(chain)
                continue
        name = workload.component.name if workload.component else workload.source
        chains.append(azure_chain(name, workload, uami, mine, issuers, real_client_id))
    return chains
