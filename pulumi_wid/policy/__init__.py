"""CrossGuard rules for workload identities, for any stack (not only this package's).

``rules`` holds the pure rules (no Pulumi or cloud SDK needed); ``pack`` adapts them
to ``pulumi_policy``. ``pulumi_wid.policies`` re-exports both for older imports.

Each rule is a plain function ``validate(resource_type, props) -> list[str]``
over a resource's type token and its properties as the Pulumi policy SDK hands
them over (camelCase keys; JSON policy documents as strings or as dicts). Every
message it returns says what is wrong and how to fix it. ``RULES`` lists them,
``check`` runs them all, ``resource_policies`` wraps them as
``pulumi_policy.ResourceValidationPolicy`` objects and ``policy_pack`` builds
the pack (the ``policy/`` folder of this repository does that, through ``policy.pack``)::

    pulumi preview --policy-pack policy/

Mandatory (block the deployment):

- ``wid-irsa-trust-pins-subject``: a trust that lets an EKS OIDC provider call
  ``sts:AssumeRoleWithWebIdentity`` must pin ``<issuer>:sub`` and ``<issuer>:aud``;
- ``wid-trust-subject-namespace-exact``: no wildcard over namespaces in a ``sub``
  condition (``system:serviceaccount:*:api``);
- ``wid-azure-fic-exact``: a managed identity's federated credential has the
  audience of ``azure.facts.AUDIENCE`` (the one Entra token exchange accepts) and the subject
  ``system:serviceaccount:<ns>:<sa>``;
- ``wid-gcp-workload-identity-user-exact``: ``roles/iam.workloadIdentityUser`` is
  granted on a service account to exactly ``serviceAccount:<pool>[<ns>/<ksa>]``;
- ``wid-no-static-credentials``: no access keys, service-account keys or
  application / service principal passwords.

Advisory (reported, not blocking):

- ``wid-pod-identity-trust-tag-session``: a Pod Identity trust allows ``sts:TagSession``;
- ``wid-pod-identity-trust-session-tags``: a Pod Identity trust requires only the session tags EKS sets;
- ``wid-gcp-no-basic-roles``: no ``roles/owner``, ``roles/editor``, ``roles/viewer``;
- ``wid-azure-no-owner-contributor``: no Owner or Contributor role assignments;
- ``wid-iam-no-wildcards``: no ``"*"`` in IAM statement actions, nor a ``"*"``
  resource for actions that support resource-level permissions.
"""
