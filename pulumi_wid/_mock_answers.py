"""Internal: the built-in answers of ``pulumi_wid.testing.WidMocks``, by type token.

Each answer is ``fn(mocks, name, inputs) -> (id, outputs)`` (outputs laid over the
inputs); each invoke answer ``fn(mocks, args) -> result``. ``sdk_properties`` reads
what a type declares from its SDK class, for types no answer models.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import sys
import typing
import uuid
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from .aws import facts as aws
from .azure import facts as azure
from .gcp import facts as gcp

if TYPE_CHECKING:  # pragma: no cover
    from .testing import WidMocks

_NS = uuid.UUID("6f1d3c52-52c6-4c3e-9f5c-2f0a3f3c9b10")

ResourceAnswer = Callable[["WidMocks", str, dict], "tuple[str, dict[str, Any]]"]
"""``fn(mocks, name, inputs) -> (id, outputs)``: the outputs are laid over the inputs."""
CallAnswer = Callable[["WidMocks", dict], "dict[str, Any]"]
"""``fn(mocks, args) -> result`` of one invoke."""


def unmodelled(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
    return f"{name}-id", {}


# -- SDK introspection: what a type declares --------------------------------------
@cache
def sdk_properties(typ: str) -> tuple[tuple[str, ...], bool]:
    """``(string outputs that are not inputs, whether "name" is an input)`` of ``typ``'s SDK class.

    Found through the resource modules the SDKs register with the Pulumi runtime;
    ``((), False)`` for a type whose SDK is not loaded.
    """
    cls = _resource_class(typ)
    if cls is None:
        return (), False
    outputs = _getters(cls)
    args_class = getattr(sys.modules.get(cls.__module__), f"{cls.__name__}Args", None)
    inputs = _getters(args_class) if isinstance(args_class, type) else {}
    computed = tuple(k for k, is_str in outputs.items() if is_str and k not in inputs and k not in ("id", "urn"))
    return computed, "name" in inputs and "name" in outputs


def _getters(cls: type) -> dict[str, bool]:
    """{Pulumi (camelCase) property name: is a string} of the ``@pulumi.getter`` properties of ``cls``."""
    names: dict[str, bool] = {}
    for klass in reversed(cls.__mro__):
        for attr in vars(klass).values():
            getter = getattr(attr, "fget", None)
            pulumi_name = getattr(getter, "_pulumi_name", None)
            if pulumi_name:
                names[pulumi_name] = _is_str(getattr(getter, "__annotations__", {}).get("return"))
    return names


def _resource_class(typ: str) -> type | None:
    from pulumi.runtime import rpc

    parts = typ.split(":")
    if len(parts) != 3:
        return None
    for module in getattr(rpc, "_RESOURCE_MODULES", {}).get(f"{parts[0]}:{parts[1]}", []):
        info = getattr(module, "mod_info", None)
        if not isinstance(info, dict) or typ not in info.get("classes", {}):
            continue
        try:
            return getattr(importlib.import_module(info["fqn"]), info["classes"][typ])
        except (ImportError, AttributeError):
            return None
    return None


def _is_str(annotation: Any) -> bool:
    """True for ``Output[str]`` and ``Output[Optional[str]]``."""
    while annotation is not None:
        if annotation is str:
            return True
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) != 1:
            return False
        annotation = args[0]
    return False


def digest(*parts: str, size: int = 16) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:size]


def guid(*parts: str) -> str:
    return str(uuid.uuid5(_NS, "\x1f".join(parts)))


# -- AWS ------------------------------------------------------------------------
def _aws_role(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
    role_name = inputs.get("name") or f"{name}-{digest(name, size=7)}"
    path = inputs.get("path") or "/"
    return role_name, {
        "name": role_name,
        "arn": mocks.arn("iam", f"role{path}{role_name}"),
        "uniqueId": "AROA" + digest(aws.ROLE, name, size=17).upper(),
    }


def _aws_oidc_provider(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
    url = str(inputs.get("url", "")).removeprefix("https://")
    rid = mocks.arn("iam", f"oidc-provider/{url}")
    return rid, {"arn": rid}


def _aws_policy(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
    policy_name = inputs.get("name") or name
    rid = mocks.arn("iam", f"policy{inputs.get('path') or '/'}{policy_name}")
    return rid, {"arn": rid, "name": policy_name}


def _aws_role_policy(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
    return f"{inputs.get('role')}:{inputs.get('name') or name}", {}


def _aws_role_policy_attachment(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
    return f"{inputs.get('role')}/{inputs.get('policyArn')}", {}


def _aws_association(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
    assoc = "a-" + digest(aws.POD_IDENTITY_ASSOCIATION, name, size=17)
    cluster = inputs.get("clusterName")
    return f"{cluster},{assoc}", {
        "associationId": assoc,
        "associationArn": mocks.arn("eks", f"podidentityassociation/{cluster}/{assoc}", mocks.region),
    }


def _aws_bucket(typ: str) -> ResourceAnswer:
    def answer(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
        bucket = inputs.get("bucket") or f"{name}-{digest(typ, name, size=7)}"
        return bucket, {"bucket": bucket, "arn": f"arn:{mocks.partition}:s3:::{bucket}"}

    return answer


def _aws_cluster(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
    cid = digest(aws.EKS_CLUSTER, name, size=32).upper()
    cluster = inputs.get("name") or mocks.auto_name(aws.EKS_CLUSTER, name)
    return cluster, {
        "name": cluster,
        "arn": mocks.arn("eks", f"cluster/{cluster}", mocks.region),
        "identities": [{"oidcs": [{"issuer": f"https://oidc.eks.{mocks.region}.amazonaws.com/id/{cid}"}]}],
    }


# -- Azure ----------------------------------------------------------------------
def _azure_id(mocks: WidMocks, group: Any, provider: str, path: str) -> str:
    return f"/subscriptions/{mocks.subscription_id}/resourceGroups/{group}/providers/{provider}/{path}"


def _azure_uami(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
    uami = inputs.get("resourceName") or name
    rid = _azure_id(mocks, inputs.get("resourceGroupName"), "Microsoft.ManagedIdentity", f"userAssignedIdentities/{uami}")
    return rid, {
        "name": uami,
        "clientId": guid("client", rid),
        "principalId": guid("principal", rid),
        "tenantId": mocks.tenant_id,
    }


def _azure_fic(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
    fic = inputs.get("federatedIdentityCredentialResourceName") or name
    rid = _azure_id(
        mocks, inputs.get("resourceGroupName"), "Microsoft.ManagedIdentity",
        f"userAssignedIdentities/{inputs.get('resourceName')}/federatedIdentityCredentials/{fic}",
    )
    return rid, {"name": fic}


def _azure_role_assignment(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
    ra = inputs.get("roleAssignmentName") or guid(azure.ROLE_ASSIGNMENT, name)
    return f"{inputs.get('scope')}/providers/Microsoft.Authorization/roleAssignments/{ra}", {"name": ra}


def _aks_issuer(mocks: WidMocks, rid: str) -> str:
    return f"https://eastus.oic.prod-aks.azure.com/{mocks.tenant_id}/{guid(rid)}/"


def _azure_cluster(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
    cluster = inputs.get("resourceName") or name
    rid = _azure_id(mocks, inputs.get("resourceGroupName"), "Microsoft.ContainerService", f"managedClusters/{cluster}")
    return rid, {"oidcIssuerProfile": {"enabled": True, "issuerURL": _aks_issuer(mocks, rid)}, "name": cluster}


def _azure_resource_group(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
    group = inputs.get("resourceGroupName") or name
    return f"/subscriptions/{mocks.subscription_id}/resourceGroups/{group}", {"name": group}


def _azure_any(typ: str) -> ResourceAnswer:
    """Any other Azure resource in a resource group: an ARM-shaped id, so scopes built from it parse."""

    def answer(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
        module, kind = typ.split(":")[1], typ.split(":")[2]
        namespace = _AZURE_NAMESPACES.get(module, f"Microsoft.{module.capitalize()}")
        own = next((v for k, v in sorted(inputs.items()) if k.endswith("Name") and k != "resourceGroupName"
                    and isinstance(v, str)), None) or name
        rid = _azure_id(mocks, inputs["resourceGroupName"], namespace, f"{kind[0].lower()}{kind[1:]}s/{own}")
        return rid, {} if "name" in inputs else {"name": own}

    return answer


# -- GCP ------------------------------------------------------------------------
def _gcp_service_account(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
    project = inputs.get("project") or mocks.gcp_project
    email = f"{inputs.get('accountId')}@{project}.iam.gserviceaccount.com"
    rid = f"projects/{project}/serviceAccounts/{email}"
    return rid, {
        "email": email,
        "name": rid,
        "member": f"serviceAccount:{email}",
        "uniqueId": str(int(digest(gcp.SERVICE_ACCOUNT, name, size=15), 16))[:21],
        "project": project,
    }


def _gcp_cluster(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
    project = inputs.get("project") or mocks.gcp_project
    return f"projects/{project}/locations/{inputs.get('location')}/clusters/{inputs.get('name') or name}", {}


# -- Kubernetes -----------------------------------------------------------------
def _kubernetes_any(typ: str) -> ResourceAnswer:
    def answer(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
        meta = inputs.get("metadata") or {}
        ns = meta.get("namespace")
        rid = f"{ns}/{meta.get('name') or name}" if ns else str(meta.get("name") or name)
        return rid, {"metadata": {**meta, "uid": guid(typ, rid)}}

    return answer


def family_answer(typ: str, inputs: dict) -> ResourceAnswer | None:
    """Answers for whole families of types: every Kubernetes kind, Azure resources in a group."""
    if typ.startswith("kubernetes:"):
        return _kubernetes_any(typ)
    if typ.startswith("azure-native:") and inputs.get("resourceGroupName"):
        return _azure_any(typ)
    return None


ANSWERS: dict[str, ResourceAnswer] = {
    aws.ROLE: _aws_role,
    aws.OIDC_PROVIDER: _aws_oidc_provider,
    aws.POLICY: _aws_policy,
    aws.ROLE_POLICY: _aws_role_policy,
    aws.ROLE_POLICY_ATTACHMENT: _aws_role_policy_attachment,
    aws.POD_IDENTITY_ASSOCIATION: _aws_association,
    "aws:s3/bucket:Bucket": _aws_bucket("aws:s3/bucket:Bucket"),
    "aws:s3/bucketV2:BucketV2": _aws_bucket("aws:s3/bucketV2:BucketV2"),
    aws.EKS_CLUSTER: _aws_cluster,
    azure.USER_ASSIGNED_IDENTITY: _azure_uami,
    azure.FEDERATED_IDENTITY_CREDENTIAL: _azure_fic,
    azure.ROLE_ASSIGNMENT: _azure_role_assignment,
    azure.MANAGED_CLUSTER: _azure_cluster,
    azure.RESOURCE_GROUP: _azure_resource_group,
    gcp.SERVICE_ACCOUNT: _gcp_service_account,
    gcp.CONTAINER_CLUSTER: _gcp_cluster,
}


# -- invokes --------------------------------------------------------------------
def _azure_get_cluster(mocks: WidMocks, args: dict) -> dict[str, Any]:
    rid, state = _azure_cluster(mocks, "", args)
    return {
        "id": rid,
        "name": args.get("resourceName"),
        "location": "eastus",
        "oidcIssuerProfile": state["oidcIssuerProfile"],
        "securityProfile": {"workloadIdentity": {"enabled": True}},
    }


def _eks_cluster_id(args: dict) -> str:
    return digest("cluster", str(args.get("name")), size=32).upper()


CALLS: dict[str, CallAnswer] = {
    aws.GET_CALLER_IDENTITY: lambda mocks, args: {
        "accountId": mocks.account_id,
        "arn": f"arn:{mocks.partition}:iam::{mocks.account_id}:user/mock",
        "userId": "AIDAMOCK",
        "id": mocks.account_id,
    },
    aws.GET_PARTITION: lambda mocks, args: {
        "partition": mocks.partition,
        "dnsSuffix": {"aws-cn": "amazonaws.com.cn"}.get(mocks.partition, "amazonaws.com"),
        "id": mocks.partition,
    },
    aws.GET_REGION: lambda mocks, args: {"name": mocks.region, "region": mocks.region, "id": mocks.region},
    aws.GET_CLUSTER: lambda mocks, args: {
        "name": args.get("name"),
        "endpoint": f"https://{_eks_cluster_id(args)}.gr7.{mocks.region}.eks.amazonaws.com",
        "certificateAuthorities": [{"data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="}],
        "arn": mocks.arn("eks", f"cluster/{args.get('name')}", mocks.region),
        "identities": [
            {"oidcs": [{"issuer": f"https://oidc.eks.{mocks.region}.amazonaws.com/id/{_eks_cluster_id(args)}"}]}
        ],
    },
    azure.GET_CLIENT_CONFIG: lambda mocks, args: {
        "clientId": guid("client", "caller"),
        "objectId": guid("object", "caller"),
        "subscriptionId": mocks.subscription_id,
        "tenantId": mocks.tenant_id,
    },
    azure.GET_USER_ASSIGNED_IDENTITY: lambda mocks, args: {
        **_azure_uami(mocks, "", args)[1],
        "id": _azure_uami(mocks, "", args)[0],
        "name": args.get("resourceName"),
        "location": "eastus",
        "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
    },
    azure.GET_MANAGED_CLUSTER: lambda mocks, args: _azure_get_cluster(mocks, args),
    "azure-native:containerservice:listManagedClusterUserCredentials": lambda mocks, args: {
        "kubeconfigs": [{"name": "clusterUser", "value": base64.b64encode((
            "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n"
            f"# mock kubeconfig of {args.get('resourceName')}\n"
        ).encode()).decode()}],
    },
    gcp.GET_PROJECT: lambda mocks, args: {
        "projectId": args.get("projectId") or mocks.gcp_project,
        "number": mocks.gcp_project_number,
        "name": args.get("projectId") or mocks.gcp_project,
    },
    gcp.GET_CLUSTER: lambda mocks, args: {
        "name": args.get("name"),
        "location": args.get("location"),
        "project": args.get("project") or mocks.gcp_project,
        "endpoint": "203.0.113.10",
        "masterAuths": [{"clusterCaCertificate": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="}],
        "workloadIdentityConfigs": [{"workloadPool": f"{args.get('project') or mocks.gcp_project}.svc.id.goog"}],
    },
    gcp.GET_CLIENT_CONFIG: lambda mocks, args: {
        "project": mocks.gcp_project, "region": "us-central1", "zone": "us-central1-a",
    },
}

# azure-native module -> ARM resource provider namespace, for the mocked ids of other Azure resources.
_AZURE_NAMESPACES = {
    "storage": "Microsoft.Storage",
    "keyvault": "Microsoft.KeyVault",
    "containerregistry": "Microsoft.ContainerRegistry",
    "servicebus": "Microsoft.ServiceBus",
    "eventhub": "Microsoft.EventHub",
    "appconfiguration": "Microsoft.AppConfiguration",
    "cosmosdb": "Microsoft.DocumentDB",
    "containerservice": "Microsoft.ContainerService",
}


# Values only the cloud knows, per type token: shown as placeholders by ``plan``.
PLACEHOLDERS: dict[str, dict[str, str]] = {
    aws.ROLE: {"uniqueId": "role unique id"},
    aws.POD_IDENTITY_ASSOCIATION: {
        "associationId": "association id",
        "associationArn": "association arn",
    },
    azure.USER_ASSIGNED_IDENTITY: {
        "clientId": "client id",
        "principalId": "principal id",
        "tenantId": "tenant id",
    },
    gcp.SERVICE_ACCOUNT: {
        "email": "service account email",
        "name": "service account id",
        "member": "service account member",
        "uniqueId": "service account unique id",
    },
}
CALL_PLACEHOLDERS: dict[str, dict[str, Any]] = {
    aws.GET_CALLER_IDENTITY: {"arn": "caller arn"},
    aws.GET_CLUSTER: {
        "identities": lambda a: [
            {"oidcs": [{"issuer": f"https://<oidc issuer of EKS cluster {a.get('name')}, known after deploy>"}]}
        ],
    },
    azure.GET_CLIENT_CONFIG: {"subscriptionId": "subscription id", "tenantId": "tenant id"},
    gcp.GET_PROJECT: {"number": "project number"},
}
