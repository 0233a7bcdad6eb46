"""Azure (AKS): ``AksFederatedIdentity``, a managed identity federated with a Kubernetes ServiceAccount."""

from .component import AksFederatedIdentity, AksFederatedIdentityArgs

__all__ = ["AksFederatedIdentity", "AksFederatedIdentityArgs"]
