"""AWS (EKS): ``EksPodIdentity`` by EKS Pod Identity or IRSA."""

from .component import EksPodIdentity, EksPodIdentityArgs

__all__ = ["EksPodIdentity", "EksPodIdentityArgs"]
