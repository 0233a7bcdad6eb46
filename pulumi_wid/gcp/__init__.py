"""GCP (GKE): ``GkeWorkloadIdentity`` with a Google service account or direct principal:// grants."""

from .component import GcpBinding, GkeWorkloadIdentity, GkeWorkloadIdentityArgs

__all__ = ["GcpBinding", "GkeWorkloadIdentity", "GkeWorkloadIdentityArgs"]
