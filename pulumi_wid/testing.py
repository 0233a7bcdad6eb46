"""Recording Pulumi mocks for testing stacks that use ``pulumi_wid``.

``WidMocks`` answers like the clouds do (role ARNs with account and partition,
managed identity client/principal ids as GUIDs, Google service account
emails), deterministically, and records every registered resource with its
type token, name, inputs, parent, providers and dependencies.

Use the fixture in your tests::

    # conftest.py
    pytest_plugins = ["pulumi_wid.testing"]

    # test_stack.py
    def test_role(wid_mocks):
        wid_mocks.run(lambda: EksPodIdentity("api", {...}))
        role = wid_mocks.one("aws:iam/role:Role")
        assert role.inputs["name"] == "apps-api"

The answers come from a table of type token -> answer function. A type the table
does not know still gets a Pulumi-style auto-name (``<name>-<7 hex>``, deterministic)
for an unset ``name`` and a deterministic id; with ``placeholders=True`` (what
``pulumi-wid plan`` uses) every other string output its SDK class declares reads
``<output of name, known after deploy>``, as ``pulumi preview`` shows it. Add your
own types with ``answers=`` or ``register``::

    def queue(mocks, name, inputs):
        # returns (id, the outputs the cloud computes); inputs are kept as they are
        url = f"https://sqs.{mocks.region}.amazonaws.com/{mocks.account_id}/{name}"
        return url, {"arn": mocks.arn("sqs", name, mocks.region), "url": url}

    mocks = WidMocks(answers={"aws:sqs/queue:Queue": queue})
    mocks.register("aws:sns/topic:Topic", lambda mocks, name, inputs: (name, {"arn": "..."}))
    mocks.register_call("aws:index/getRegion:getRegion", lambda mocks, args: {"name": "eu-west-1"})
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import sys
import typing
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pulumi
from pulumi.runtime import mocks as _mocks

from .aws import facts as aws
from .azure import facts as azure
from .gcp import facts as gcp

__all__ = ["CallAnswer", "RecordedResource", "ResourceAnswer", "WidMocks", "install"]

AWS_ACCOUNT_PLACEHOLDER = aws.ACCOUNT_PLACEHOLDER
AZURE_SUBSCRIPTION_PLACEHOLDER = azure.SUBSCRIPTION_PLACEHOLDER
_NS = uuid.UUID("6f1d3c52-52c6-4c3e-9f5c-2f0a3f3c9b10")


@dataclass
class RecordedResource:
    """One resource registered under the mocks."""

    type: str
    """Type token, e.g. ``aws:iam/role:Role``."""
    name: str
    """Pulumi logical name."""
    inputs: dict[str, Any]
    """Inputs as the provider receives them (camelCase keys, JSON strings as strings)."""
    urn: str = ""
    parent: str = ""
    """URN of the parent ("" for the stack)."""
    custom: bool = True
    id: str = ""
    outputs: dict[str, Any] = field(default_factory=dict)
    """The state the mock returned (inputs plus what the cloud computes)."""
    provider: str = ""
    """Reference of the explicit provider for this resource, if any."""
    providers: dict[str, str] = field(default_factory=dict)
    """Providers map passed to a component resource."""
    depends_on: list[str] = field(default_factory=list)
    """URNs this resource depends on (explicit and through inputs)."""
    delete_before_replace: bool = False

    @property
    def parent_type(self) -> str:
        return self.parent.split("::")[2].split("$")[-1] if self.parent else ""


ResourceAnswer = Callable[["WidMocks", str, dict], "tuple[str, dict[str, Any]]"]
"""``fn(mocks, name, inputs) -> (id, outputs)``: the outputs are laid over the inputs."""
CallAnswer = Callable[["WidMocks", dict], "dict[str, Any]"]
"""``fn(mocks, args) -> result`` of one invoke."""


class WidMocks(pulumi.runtime.Mocks):
    """Deterministic cloud-like mocks that record every resource.

    ``answers`` / ``calls`` add (or replace) answers by type token; see the module docstring.
    """

    def __init__(
        self,
        *,
        account_id: str = "123456789012",
        partition: str = "aws",
        region: str = "us-east-1",
        subscription_id: str = "00000000-0000-0000-0000-000000000000",
        tenant_id: str = "11111111-1111-1111-1111-111111111111",
        gcp_project: str = "my-project",
        gcp_project_number: str = "123456789012",
        placeholders: bool = False,
        answers: Mapping[str, ResourceAnswer] | None = None,
        calls: Mapping[str, CallAnswer] | None = None,
    ) -> None:
        self.account_id = account_id
        self.partition = partition
        self.region = region
        self.subscription_id = subscription_id
        self.tenant_id = tenant_id
        self.gcp_project = gcp_project
        self.gcp_project_number = gcp_project_number
        self.placeholders = placeholders
        """Show values only the cloud knows as ``<... known after deploy>`` (used by ``plan``)."""
        if placeholders:  # ARNs and ids then show exactly which part only the cloud knows
            self.account_id = AWS_ACCOUNT_PLACEHOLDER
            self.subscription_id = AZURE_SUBSCRIPTION_PLACEHOLDER
        self.answers: dict[str, ResourceAnswer] = {**_ANSWERS, **(answers or {})}
        self.call_answers: dict[str, CallAnswer] = {**_CALLS, **(calls or {})}
        self.resources: list[RecordedResource] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.component_outputs: Mapping[str, dict[str, Any]] = _ComponentOutputs()
        """Each component's registered outputs (plain values), by URN."""
        self._pending: dict[tuple[str, str], RecordedResource] = {}
        self._parent = ""

    def register(self, type_token: str, answer: ResourceAnswer) -> None:
        """Answer resources of ``type_token`` with ``answer(mocks, name, inputs) -> (id, outputs)``."""
        self.answers[type_token] = answer

    def register_call(self, token: str, answer: CallAnswer) -> None:
        """Answer the invoke ``token`` with ``answer(mocks, args) -> result``."""
        self.call_answers[token] = answer

    # -- Mocks interface -------------------------------------------------
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        inputs = dict(args.inputs)
        resource_id, state = self._state_for(args.typ, args.name, inputs, bool(args.custom))
        if args.custom is False:
            resource_id = None
        record = RecordedResource(
            type=args.typ,
            name=args.name,
            inputs=inputs,
            custom=bool(args.custom) if args.custom is not None else True,
            id=resource_id or "",
            outputs=state,
            provider=args.provider or "",
        )
        self.resources.append(record)
        self._pending[(args.typ, args.name)] = record
        return resource_id, state

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        self.calls.append((args.token, dict(args.args)))
        answer = self.call_answers.get(args.token)
        result = answer(self, dict(args.args)) if answer else {}
        if self.placeholders:
            for key, label in _CALL_PLACEHOLDERS.get(args.token, {}).items():
                if key in result:
                    result[key] = label(args.args) if callable(label) else f"<{label}, known after deploy>"
        return result

    # -- queries for assertions -----------------------------------------
    def of_type(self, token: str) -> list[RecordedResource]:
        """All recorded resources with this type token, in registration order."""
        return [r for r in self.resources if r.type == token]

    def one(self, token: str) -> RecordedResource:
        """The single resource of this type; fails if there are none or several."""
        found = self.of_type(token)
        if len(found) != 1:
            raise AssertionError(
                f"expected exactly one {token}, found {len(found)}: {[r.name for r in found]}"
            )
        return found[0]

    def named(self, name: str) -> RecordedResource:
        """The resource with this logical name."""
        for record in self.resources:
            if record.name == name:
                return record
        raise AssertionError(f"no resource named {name!r}: {[r.name for r in self.resources]}")

    def children_of(self, parent: RecordedResource) -> list[RecordedResource]:
        return [r for r in self.resources if r.parent == parent.urn]

    def types(self) -> list[str]:
        return [r.type for r in self.resources]

    def run(self, program: Callable[[], Any]) -> Any:
        """Run ``program`` under these mocks and wait for every registration.

        Returns what the program returned, with Outputs resolved to plain values.
        """
        box: dict[str, Any] = {}

        @pulumi.runtime.test
        def _run() -> Any:
            result = program()
            return pulumi.Output.from_input(result).apply(lambda v: box.setdefault("value", v))

        _run()
        return box.get("value")

    def resolve(self, value: Any) -> Any:
        """The plain value of an Output (or nested Outputs) produced under these mocks."""
        return self.run(lambda: value)

    # -- helpers for answer functions -----------------------------------
    def arn(self, service: str, resource: str, region: str = "") -> str:
        """``arn:<partition>:<service>:<region>:<account>:<resource>`` of these mocks."""
        return f"arn:{self.partition}:{service}:{region}:{self.account_id}:{resource}"

    _arn = arn  # older name

    def auto_name(self, typ: str, name: str) -> str:
        """The name Pulumi would give: ``<name>-<7 hex>``, here hashed from the URN's parts (deterministic)."""
        return f"{name}-{_digest(self._parent, typ, name, size=7)}"

    # -- the answer -------------------------------------------------------
    def _state_for(self, typ: str, name: str, inputs: dict[str, Any], custom: bool = True) -> tuple[str, dict]:
        answer = self.answers.get(typ) or _family_answer(typ, inputs)
        modelled = answer is not None
        if answer is None:
            answer = _unmodelled
        rid, outputs = answer(self, name, inputs)
        state = {**inputs, **outputs}
        if custom and not typ.startswith("pulumi:providers:"):
            computed, named = _sdk_properties(typ)
            if not modelled and named and not state.get("name"):
                state["name"] = self.auto_name(typ, name)
            if self.placeholders:
                for key, label in _PLACEHOLDERS.get(typ, {}).items():
                    if key in state and key not in inputs:
                        state[key] = f"<{label} of {name}, known after deploy>"
                for key in computed:
                    if state.get(key) is None:
                        state[key] = f"<{key} of {name}, known after deploy>"
                if not modelled:
                    rid = f"<id of {name}, known after deploy>"
        return rid, state

    # kept for callers of the old private API
    def _call(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        answer = self.call_answers.get(token)
        return answer(self, dict(args)) if answer else {}


def _unmodelled(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
    return f"{name}-id", {}


# -- SDK introspection: what a type declares --------------------------------------
@cache
def _sdk_properties(typ: str) -> tuple[tuple[str, ...], bool]:
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


def _digest(*parts: str, size: int = 16) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:size]


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(_NS, "\x1f".join(parts)))


# -- AWS ------------------------------------------------------------------------
def _aws_role(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
    role_name = inputs.get("name") or f"{name}-{_digest(name, size=7)}"
    path = inputs.get("path") or "/"
    return role_name, {
        "name": role_name,
        "arn": mocks.arn("iam", f"role{path}{role_name}"),
        "uniqueId": "AROA" + _digest(aws.ROLE, name, size=17).upper(),
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
    assoc = "a-" + _digest(aws.POD_IDENTITY_ASSOCIATION, name, size=17)
    cluster = inputs.get("clusterName")
    return f"{cluster},{assoc}", {
        "associationId": assoc,
        "associationArn": mocks.arn("eks", f"podidentityassociation/{cluster}/{assoc}", mocks.region),
    }


def _aws_bucket(typ: str) -> ResourceAnswer:
    def answer(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
        bucket = inputs.get("bucket") or f"{name}-{_digest(typ, name, size=7)}"
        return bucket, {"bucket": bucket, "arn": f"arn:{mocks.partition}:s3:::{bucket}"}

    return answer


def _aws_cluster(mocks: WidMocks, name: str, inputs: dict) -> tuple[str, dict]:
    cid = _digest(aws.EKS_CLUSTER, name, size=32).upper()
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
        "clientId": _guid("client", rid),
        "principalId": _guid("principal", rid),
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
    ra = inputs.get("roleAssignmentName") or _guid(azure.ROLE_ASSIGNMENT, name)
    return f"{inputs.get('scope')}/providers/Microsoft.Authorization/roleAssignments/{ra}", {"name": ra}


def _aks_issuer(mocks: WidMocks, rid: str) -> str:
    return f"https://eastus.oic.prod-aks.azure.com/{mocks.tenant_id}/{_guid(rid)}/"


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
        "uniqueId": str(int(_digest(gcp.SERVICE_ACCOUNT, name, size=15), 16))[:21],
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
        return rid, {"metadata": {**meta, "uid": _guid(typ, rid)}}

    return answer


def _family_answer(typ: str, inputs: dict) -> ResourceAnswer | None:
    """Answers for whole families of types: every Kubernetes kind, Azure resources in a group."""
    if typ.startswith("kubernetes:"):
        return _kubernetes_any(typ)
    if typ.startswith("azure-native:") and inputs.get("resourceGroupName"):
        return _azure_any(typ)
    return None


_ANSWERS: dict[str, ResourceAnswer] = {
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
    return _digest("cluster", str(args.get("name")), size=32).upper()


_CALLS: dict[str, CallAnswer] = {
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
        "clientId": _guid("client", "caller"),
        "objectId": _guid("object", "caller"),
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
_PLACEHOLDERS: dict[str, dict[str, str]] = {
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
_CALL_PLACEHOLDERS: dict[str, dict[str, Any]] = {
    "aws:index/getCallerIdentity:getCallerIdentity": {"arn": "caller arn"},
    "aws:eks/getCluster:getCluster": {
        "identities": lambda a: [
            {"oidcs": [{"issuer": f"https://<oidc issuer of EKS cluster {a.get('name')}, known after deploy>"}]}
        ],
    },
    "azure-native:authorization:getClientConfig": {"subscriptionId": "subscription id", "tenantId": "tenant id"},
    "gcp:organizations/getProject:getProject": {"number": "project number"},
}


class _RecordingMonitor(_mocks.MockMonitor):
    """Adds parent, providers and dependencies to what ``WidMocks`` records."""

    mocks: WidMocks

    def RegisterResource(self, request):  # noqa: N802 - gRPC method name
        self.mocks._parent = request.parent  # auto-names hash the URN's parts
        response = super().RegisterResource(request)
        record = self.mocks._pending.pop((request.type, request.name), None)
        if record is not None:
            record.urn = response.urn
            record.parent = request.parent
            record.providers = dict(request.providers)
            record.depends_on = sorted(
                set(request.dependencies)
                | {u for deps in request.propertyDependencies.values() for u in deps.urns}
            )
            record.delete_before_replace = bool(request.deleteBeforeReplace)
        return response

    def RegisterResourceOutputs(self, request):  # noqa: N802
        self.mocks.component_outputs._record(request.urn, request.outputs)
        return super().RegisterResourceOutputs(request)


class _ComponentOutputs(Mapping):
    """Components' registered outputs, decoded when read rather than on every registration
    (benchmarks and most tests read few or none; ``plan`` reads them all once, at the end)."""

    def __init__(self) -> None:
        self._raw: dict[str, Any] = {}
        self._decoded: dict[str, tuple[Any, dict[str, Any]]] = {}

    def _record(self, urn: str, outputs: Any) -> None:
        raw = type(outputs)()
        raw.CopyFrom(outputs)
        self._raw[urn] = raw

    def __getitem__(self, urn: str) -> dict[str, Any]:
        raw = self._raw[urn]  # KeyError for an unknown URN, as a dict would
        decoded = self._decoded.get(urn)
        if decoded is None or decoded[0] is not raw:
            from pulumi.runtime import rpc

            _mocks._ensure_event_loop()
            decoded = (raw, dict(rpc.deserialize_properties(raw)))
            self._decoded[urn] = decoded  # kept with the message it came from: a later _record wins
        return decoded[1]

    def __contains__(self, urn: object) -> bool:
        return urn in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __repr__(self) -> str:
        return repr(dict(self))


def install(mocks: WidMocks, project: str = "project", stack: str = "stack", preview: bool = False) -> WidMocks:
    """Install ``mocks`` as the Pulumi runtime for this process (one set per test)."""
    pulumi.runtime.set_mocks(
        mocks, project=project, stack=stack, preview=preview, monitor=_RecordingMonitor(mocks)
    )
    return mocks


# The fixture exists only under pytest (which has imported itself by the time it loads
# this plugin); `pulumi-wid plan` and user programs do not pay for importing pytest.
pytest = sys.modules.get("pytest")

if pytest is not None:

    @pytest.fixture
    def wid_mocks() -> Iterator[WidMocks]:
        """A fresh recording ``WidMocks`` installed for one test."""
        yield install(WidMocks())
