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
"""

from __future__ import annotations

import hashlib
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import mocks as _mocks

AWS_ACCOUNT_PLACEHOLDER = "<aws account id, known after deploy>"
AZURE_SUBSCRIPTION_PLACEHOLDER = "<subscription id, known after deploy>"
_NS = uuid.UUID("6f1d3c52-52c6-4c3e-9f5c-2f0a3f3c9b10")


def _digest(*parts: str, size: int = 16) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:size]


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(_NS, "\x1f".join(parts)))


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


class WidMocks(pulumi.runtime.Mocks):
    """Deterministic cloud-like mocks that record every resource."""

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
    ) -> None:
        self.account_id = account_id
        self.partition = partition
        self.region = region
        self.subscription_id = subscription_id
        self.tenant_id = tenant_id
        self.gcp_project = gcp_project
        self.gcp_project_number = gcp_project_number
        self.placeholders = placeholders
        if placeholders:  # ARNs and ids then show exactly which part only the cloud knows
            self.account_id = AWS_ACCOUNT_PLACEHOLDER
            self.subscription_id = AZURE_SUBSCRIPTION_PLACEHOLDER
        """Show values only the cloud knows as ``<... known after deploy>`` (used by ``plan``)."""
        self.resources: list[RecordedResource] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.component_outputs: Mapping[str, dict[str, Any]] = _ComponentOutputs()
        """Each component's registered outputs (plain values), by URN."""
        self._pending: dict[tuple[str, str], RecordedResource] = {}

    # -- Mocks interface -------------------------------------------------
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        inputs = dict(args.inputs)
        resource_id, state = self._state_for(args.typ, args.name, inputs)
        if self.placeholders:
            for key, label in _PLACEHOLDERS.get(args.typ, {}).items():
                if key in state and key not in inputs:
                    state[key] = f"<{label} of {args.name}, known after deploy>"
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
        result = self._call(args.token, dict(args.args))
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

    # -- cloud-like answers ---------------------------------------------
    def _arn(self, service: str, resource: str, region: str = "") -> str:
        return f"arn:{self.partition}:{service}:{region}:{self.account_id}:{resource}"

    def _state_for(self, typ: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict]:
        state = dict(inputs)
        rid = f"{name}-id"
        if typ == "aws:iam/role:Role":
            role_name = inputs.get("name") or f"{name}-{_digest(name, size=7)}"
            path = inputs.get("path") or "/"
            rid = role_name
            state.update(
                name=role_name,
                arn=self._arn("iam", f"role{path}{role_name}"),
                uniqueId="AROA" + _digest(typ, name, size=17).upper(),
            )
        elif typ == "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            url = str(inputs.get("url", "")).removeprefix("https://")
            rid = self._arn("iam", f"oidc-provider/{url}")
            state["arn"] = rid
        elif typ == "aws:iam/policy:Policy":
            policy_name = inputs.get("name") or name
            rid = self._arn("iam", f"policy{inputs.get('path') or '/'}{policy_name}")
            state.update(arn=rid, name=policy_name)
        elif typ == "aws:iam/rolePolicy:RolePolicy":
            rid = f"{inputs.get('role')}:{inputs.get('name') or name}"
        elif typ == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            rid = f"{inputs.get('role')}/{inputs.get('policyArn')}"
        elif typ == "aws:eks/podIdentityAssociation:PodIdentityAssociation":
            assoc = "a-" + _digest(typ, name, size=17)
            cluster = inputs.get("clusterName")
            rid = f"{cluster},{assoc}"
            state.update(
                associationId=assoc,
                associationArn=self._arn(
                    "eks", f"podidentityassociation/{cluster}/{assoc}", self.region
                ),
            )
        elif typ in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"):
            bucket = inputs.get("bucket") or f"{name}-{_digest(typ, name, size=7)}"
            rid = bucket
            state.update(bucket=bucket, arn=f"arn:{self.partition}:s3:::{bucket}")
        elif typ == "aws:eks/cluster:Cluster":
            cid = _digest(typ, name, size=32).upper()
            rid = inputs.get("name") or name
            state.update(
                arn=self._arn("eks", f"cluster/{rid}", self.region),
                identities=[
                    {"oidcs": [{"issuer": f"https://oidc.eks.{self.region}.amazonaws.com/id/{cid}"}]}
                ],
            )
        elif typ == "azure-native:managedidentity:UserAssignedIdentity":
            rg = inputs.get("resourceGroupName")
            uami = inputs.get("resourceName") or name
            rid = (
                f"/subscriptions/{self.subscription_id}/resourceGroups/{rg}/providers/"
                f"Microsoft.ManagedIdentity/userAssignedIdentities/{uami}"
            )
            state.update(
                name=uami,
                clientId=_guid("client", rid),
                principalId=_guid("principal", rid),
                tenantId=self.tenant_id,
            )
        elif typ == "azure-native:managedidentity:FederatedIdentityCredential":
            rid = (
                f"/subscriptions/{self.subscription_id}/resourceGroups/"
                f"{inputs.get('resourceGroupName')}/providers/Microsoft.ManagedIdentity/"
                f"userAssignedIdentities/{inputs.get('resourceName')}/"
                f"federatedIdentityCredentials/{inputs.get('federatedIdentityCredentialResourceName') or name}"
            )
            state["name"] = inputs.get("federatedIdentityCredentialResourceName") or name
        elif typ == "azure-native:authorization:RoleAssignment":
            ra = inputs.get("roleAssignmentName") or _guid(typ, name)
            rid = f"{inputs.get('scope')}/providers/Microsoft.Authorization/roleAssignments/{ra}"
            state["name"] = ra
        elif typ == "azure-native:containerservice:ManagedCluster":
            rid = f"/subscriptions/{self.subscription_id}/resourceGroups/{inputs.get('resourceGroupName')}/providers/Microsoft.ContainerService/managedClusters/{inputs.get('resourceName') or name}"
            state["oidcIssuerProfile"] = {
                "enabled": True,
                "issuerURL": f"https://eastus.oic.prod-aks.azure.com/{self.tenant_id}/{_guid(rid)}/",
            }
            state["name"] = inputs.get("resourceName") or name
        elif typ == "azure-native:resources:ResourceGroup":
            rg = inputs.get("resourceGroupName") or name
            rid = f"/subscriptions/{self.subscription_id}/resourceGroups/{rg}"
            state["name"] = rg
        elif typ.startswith("azure-native:") and inputs.get("resourceGroupName"):
            # any other Azure resource: an ARM-shaped id, so scopes built from it parse
            module, kind = typ.split(":")[1], typ.split(":")[2]
            namespace = _AZURE_NAMESPACES.get(module, f"Microsoft.{module.capitalize()}")
            own = next((v for k, v in sorted(inputs.items()) if k.endswith("Name") and k != "resourceGroupName"
                        and isinstance(v, str)), None) or name
            rid = (
                f"/subscriptions/{self.subscription_id}/resourceGroups/{inputs['resourceGroupName']}/providers/"
                f"{namespace}/{kind[0].lower()}{kind[1:]}s/{own}"
            )
            state.setdefault("name", own)
        elif typ == "gcp:serviceaccount/account:Account":
            project = inputs.get("project") or self.gcp_project
            email = f"{inputs.get('accountId')}@{project}.iam.gserviceaccount.com"
            rid = f"projects/{project}/serviceAccounts/{email}"
            state.update(
                email=email,
                name=rid,
                member=f"serviceAccount:{email}",
                uniqueId=str(int(_digest(typ, name, size=15), 16))[:21],
                project=project,
            )
        elif typ == "gcp:container/cluster:Cluster":
            rid = f"projects/{inputs.get('project') or self.gcp_project}/locations/{inputs.get('location')}/clusters/{inputs.get('name') or name}"
        elif typ.startswith("kubernetes:"):
            meta = inputs.get("metadata") or {}
            ns = meta.get("namespace")
            rid = f"{ns}/{meta.get('name') or name}" if ns else str(meta.get("name") or name)
            state["metadata"] = {**meta, "uid": _guid(typ, rid)}
        return rid, state

    def _call(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": self.account_id,
                "arn": f"arn:{self.partition}:iam::{self.account_id}:user/mock",
                "userId": "AIDAMOCK",
                "id": self.account_id,
            }
        if token == "aws:index/getPartition:getPartition":
            suffix = {"aws-cn": "amazonaws.com.cn"}.get(self.partition, "amazonaws.com")
            return {"partition": self.partition, "dnsSuffix": suffix, "id": self.partition}
        if token == "aws:index/getRegion:getRegion":
            return {"name": self.region, "region": self.region, "id": self.region}
        if token == "aws:eks/getCluster:getCluster":
            cid = _digest("cluster", str(args.get("name")), size=32).upper()
            return {
                "name": args.get("name"),
                "endpoint": f"https://{cid}.gr7.{self.region}.eks.amazonaws.com",
                "certificateAuthorities": [{"data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="}],
                "arn": self._arn("eks", f"cluster/{args.get('name')}", self.region),
                "identities": [
                    {"oidcs": [{"issuer": f"https://oidc.eks.{self.region}.amazonaws.com/id/{cid}"}]}
                ],
            }
        if token == "azure-native:authorization:getClientConfig":
            return {
                "clientId": _guid("client", "caller"),
                "objectId": _guid("object", "caller"),
                "subscriptionId": self.subscription_id,
                "tenantId": self.tenant_id,
            }
        if token == "azure-native:managedidentity:getUserAssignedIdentity":
            rid = (
                f"/subscriptions/{self.subscription_id}/resourceGroups/{args.get('resourceGroupName')}/"
                f"providers/Microsoft.ManagedIdentity/userAssignedIdentities/{args.get('resourceName')}"
            )
            return {
                "id": rid,
                "name": args.get("resourceName"),
                "clientId": _guid("client", rid),
                "principalId": _guid("principal", rid),
                "tenantId": self.tenant_id,
                "location": "eastus",
                "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
            }
        if token == "azure-native:containerservice:getManagedCluster":
            rid = (
                f"/subscriptions/{self.subscription_id}/resourceGroups/{args.get('resourceGroupName')}/"
                f"providers/Microsoft.ContainerService/managedClusters/{args.get('resourceName')}"
            )
            return {
                "id": rid,
                "name": args.get("resourceName"),
                "location": "eastus",
                "oidcIssuerProfile": {
                    "enabled": True,
                    "issuerURL": f"https://eastus.oic.prod-aks.azure.com/{self.tenant_id}/{_guid(rid)}/",
                },
                "securityProfile": {"workloadIdentity": {"enabled": True}},
            }
        if token == "azure-native:containerservice:listManagedClusterUserCredentials":
            import base64

            kubeconfig = (
                "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n"
                f"# mock kubeconfig of {args.get('resourceName')}\n"
            )
            return {"kubeconfigs": [{"name": "clusterUser", "value": base64.b64encode(kubeconfig.encode()).decode()}]}
        if token in ("gcp:organizations/getProject:getProject",):
            return {
                "projectId": args.get("projectId") or self.gcp_project,
                "number": self.gcp_project_number,
                "name": args.get("projectId") or self.gcp_project,
            }
        if token == "gcp:container/getCluster:getCluster":
            project = args.get("project") or self.gcp_project
            return {
                "name": args.get("name"),
                "location": args.get("location"),
                "project": project,
                "endpoint": "203.0.113.10",
                "masterAuths": [{"clusterCaCertificate": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="}],
                "workloadIdentityConfigs": [{"workloadPool": f"{project}.svc.id.goog"}],
            }
        if token == "gcp:organizations/getClientConfig:getClientConfig":
            return {"project": self.gcp_project, "region": "us-central1", "zone": "us-central1-a"}
        return {}


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
    "aws:iam/role:Role": {"uniqueId": "role unique id"},
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": {
        "associationId": "association id",
        "associationArn": "association arn",
    },
    "azure-native:managedidentity:UserAssignedIdentity": {
        "clientId": "client id",
        "principalId": "principal id",
        "tenantId": "tenant id",
    },
    "gcp:serviceaccount/account:Account": {
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
