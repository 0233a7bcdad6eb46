from hypothesis import HealthCheck, settings

pytest_plugins = ["pulumi_wid.testing"]

# Property tests judge correctness, not speed: no per-example deadline, so a loaded
# CI machine cannot turn a slow example into a failure.
settings.register_profile("wid", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("wid")
