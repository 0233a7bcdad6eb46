"""Azure facts: the token audience, annotation keys, limits, type tokens and the built-in roles.

azure-native cannot look a built-in role up by name, so the package carries the
GUIDs of the roles workloads commonly need. Every entry was checked against
Microsoft's published list ("Azure built-in roles", MicrosoftDocs/azure-docs
``articles/role-based-access-control/built-in-roles.md``); the snapshot used is
``tests/data/azure_builtin_roles.json`` and a test keeps the two in step.

``pulumi_wid.verify`` keeps its own copies on purpose; tests/test_facts.py asserts they agree.
"""

from __future__ import annotations

import uuid

# Federated identity credential
AUDIENCE = "api://AzureADTokenExchange"
MAX_FICS_PER_IDENTITY = 20
# Entra ID: a federated identity credential's issuer (and subject) "is limited to 600 characters"
# (learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations).
ISSUER_MAX = 600

# ServiceAccount annotations and the pod label the webhook selects by
CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id"
TENANT_ID_ANNOTATION = "azure.workload.identity/tenant-id"
TOKEN_EXPIRATION_ANNOTATION = "azure.workload.identity/service-account-token-expiration"
USE_LABEL = "azure.workload.identity/use"
# Every ServiceAccount key under this prefix is the webhook's (Azure/azure-workload-identity
# docs/book/src/topics/service-account-labels-and-annotations.md): the component owns them.
OWNED_PREFIX = "azure.workload.identity/"
# The azure-workload-identity webhook accepts MinServiceAccountTokenExpiration 3600 to
# MaxServiceAccountTokenExpiration 86400 (Azure/azure-workload-identity pkg/webhook/consts.go).
TOKEN_EXPIRATION = (3600, 86400)

# Names and limits
UAMI_NAME_MAX = 128
FIC_NAME_MAX = 120
MAX_TAGS = 50
# Azure Resource Manager tags ("Use tags to organize your Azure resources", Limitations): a name is at
# most 512 characters without < > % & \ ? /, a value at most 256; names are case-insensitive.
TAG_NAME_MAX = 512
TAG_VALUE_MAX = 256
TAG_NAME_FORBIDDEN = "<>%&\\?/"
PRINCIPAL_TYPE = "ServicePrincipal"

# uuid5 namespace of the package's role assignment names (never change it: it
# would rename, hence re-create, every role assignment).
ROLE_ASSIGNMENT_NAMESPACE = uuid.UUID("4f0c3c56-8d1e-5b8e-9a57-7d1b2c2e6a11")

# Type tokens
USER_ASSIGNED_IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
FEDERATED_IDENTITY_CREDENTIAL = "azure-native:managedidentity:FederatedIdentityCredential"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster"
RESOURCE_GROUP = "azure-native:resources:ResourceGroup"
GET_CLIENT_CONFIG = "azure-native:authorization:getClientConfig"
GET_USER_ASSIGNED_IDENTITY = "azure-native:managedidentity:getUserAssignedIdentity"
GET_MANAGED_CLUSTER = "azure-native:containerservice:getManagedCluster"

# Plan placeholder for the subscription id (``pulumi-wid plan``)
SUBSCRIPTION_PLACEHOLDER = "<subscription id, known after deploy>"

BUILTIN_ROLES: dict[str, str] = {
    # General and privileged
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    "Role Based Access Control Administrator": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    # Storage data plane
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    "Storage Blob Delegator": "db58b8e5-c6ad-4a2a-8342-4190687cbf4a",
    "Storage Queue Data Reader": "19e7f393-937e-4f77-808e-94535e297925",
    "Storage Queue Data Contributor": "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
    "Storage Queue Data Message Sender": "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a",
    "Storage Queue Data Message Processor": "8a0f0c08-91a1-4084-bc3d-661d67233fed",
    "Storage Table Data Reader": "76199698-9eea-4c19-bc75-cec21354c6b6",
    "Storage Table Data Contributor": "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    "Storage File Data SMB Share Reader": "aba4ae5f-2193-4029-9191-0cb91df5e314",
    "Storage File Data SMB Share Contributor": "0c867c2a-1d8c-454a-a3db-ab2ea1bdc8bb",
    # Key Vault (RBAC permission model)
    "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
    "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    "Key Vault Certificate User": "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
    "Key Vault Certificates Officer": "a4417e6f-fecd-4de8-b567-7b0420556985",
    "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
    "Key Vault Crypto Officer": "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
    "Key Vault Crypto Service Encryption User": "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    "Key Vault Crypto Service Release User": "08bbd89e-9f13-488c-ac41-acfcb10c90ab",
    "Key Vault Reader": "21090545-7ca7-4776-b22c-e363652d74d2",
    "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
    # DNS (Networking category: articles/role-based-access-control/built-in-roles/networking.md)
    "DNS Zone Contributor": "befefa01-2a29-4197-83a8-272ff33ce314",
    "Private DNS Zone Contributor": "b12aa53e-6015-4669-85d0-8515ebb3ae7f",
    # Messaging
    "Azure Service Bus Data Sender": "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
    "Azure Service Bus Data Receiver": "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
    "Azure Service Bus Data Owner": "090c5cfd-751d-490a-894a-3ce6f1109419",
    "Azure Event Hubs Data Sender": "2b629674-e913-4c01-ae53-ef4638d8f975",
    "Azure Event Hubs Data Receiver": "a638d3c7-ab3a-418d-83e6-5f17a39d4fde",
    "Azure Event Hubs Data Owner": "f526a384-b230-433a-b45c-95f59c4a2dec",
    "EventGrid Data Sender": "d5a91429-5739-47e2-a06b-3470a27159e7",
    # App Configuration
    "App Configuration Data Reader": "516239f1-63e1-4d78-a4de-a74fb236a071",
    "App Configuration Data Owner": "5ae67dd6-50cb-40e7-96ff-dc2bfa4b606b",
    # Container registry
    "AcrPull": "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    "AcrPush": "8311e382-0749-4cb8-b61a-304f252e45ec",
    # Cosmos DB (ARM roles; the Cosmos DB data-plane roles are not ARM roles)
    "Cosmos DB Account Reader Role": "fbdf93bf-df7d-467e-a4d2-9458aa1360c8",
    "Cosmos DB Operator": "230815da-be43-4aae-9cb4-875f7bd000aa",
    "DocumentDB Account Contributor": "5bd9cd88-fe45-4216-938b-f97437e15450",
    # AI
    "Cognitive Services OpenAI User": "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
    "Cognitive Services User": "a97b65f3-24c7-4388-baec-2e87135dc908",
    "Search Index Data Reader": "1407120a-92aa-4202-b7e9-c0e197c71c8f",
    "Search Index Data Contributor": "8ebe5a00-799e-43f5-93ac-243d3dce84a7",
}

# Roles that grant control over everything at their scope, or over who has access.
BROAD_ROLE_NAMES = (
    "Owner",
    "Contributor",
    "User Access Administrator",
    "Role Based Access Control Administrator",
)
BROAD_ROLES: frozenset[str] = frozenset(BUILTIN_ROLES[name] for name in BROAD_ROLE_NAMES)
