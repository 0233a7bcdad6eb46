import importlib
import warnings

from hypothesis import HealthCheck, settings

pytest_plugins = ["pulumi_wid.testing"]

# Property tests judge correctness, not speed: no per-example deadline, so a loaded
# CI machine cannot turn a slow example into a failure.
settings.register_profile("wid", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("wid")

# Hypothesis imports these lazily, deep inside a running test, where pytest's assertion
# rewriting of them trips CPython 3.11's "AST constructor recursion depth mismatch"
# (a SystemError seen intermittently). Importing them here, at a shallow stack, avoids it.
for _module in ("hypothesis.strategies._internal.regex", "hypothesis.internal.conjecture.optimiser"):
    try:
        with warnings.catch_warnings():  # loading its character map here is intended
            warnings.simplefilter("ignore")
            importlib.import_module(_module)
    except ImportError:  # another hypothesis version: nothing to pre-import
        pass
