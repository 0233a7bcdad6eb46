"""IAM wildcard matching: the same answers as a regex, without its exponential backtracking."""

import itertools
import re

from pulumi_wid.verify import iam


def _reference(pattern: str, value: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


def test_glob_agrees_with_a_regex_on_every_short_pattern_and_value():
    alphabet = "ab*?"
    values = ["".join(v) for n in range(5) for v in itertools.product("ab", repeat=n)]
    for n in range(5):
        for pattern in map("".join, itertools.product(alphabet, repeat=n)):
            for value in values:
                assert iam.glob(pattern, value) == _reference(pattern, value), (pattern, value)


def test_a_hostile_pattern_is_answered_without_backtracking_blowup():
    # 40 stars: a regex with one .* each needs ~3^40 steps to refuse this; the walk needs ~40 * 80.
    pattern = "system:serviceaccount:" + "*a" * 40 + "b"
    assert iam.glob(pattern, "system:serviceaccount:" + "a" * 80) is False
    assert iam.glob(pattern, "system:serviceaccount:" + "a" * 80 + "b") is True


def test_partial_values_refuse_what_cannot_match_and_leave_the_rest_unknown():
    suffix = iam.Suffix(":cluster/app-02")
    assert iam.condition_holds({"ArnEquals": {"aws:SourceArn": "arn:aws:eks:r:1:cluster/app-01"}},
                               {"aws:SourceArn": suffix}) == (False, "ArnEquals on aws:SourceArn")
    assert iam.condition_holds({"ArnEquals": {"aws:SourceArn": "arn:aws:eks:r:1:cluster/app-02"}},
                               {"aws:SourceArn": suffix})[0] is None
    assert iam.condition_holds({"ArnNotEquals": {"aws:SourceArn": "arn:aws:eks:r:1:cluster/app-01"}},
                               {"aws:SourceArn": suffix})[0] is True
