"""The pulumi-wid policy pack: ``pulumi preview --policy-pack policy/`` on any stack.

Rule levels can be changed per stack with a policy config file
(``pulumi preview --policy-pack policy/ --policy-pack-config config.json``), e.g.
``{"wid-azure-fic-exact": "advisory"}``, or here through ``enforcement``.
"""

from pulumi_wid.policy.pack import policy_pack

policy_pack("pulumi-wid")
