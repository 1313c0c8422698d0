"""What the tests of the exercise checkers (tests/test_exercises_ch*.py) share."""

#: What a message in the learner's terms never shows: Python's internals and the checker's.
INTERNALS = ("Traceback", "_check", "lambda", "positional argument")


def incorrect(result, *fragments):
    """Assert that a check said "incorrect" with a message holding every fragment, and no internals."""
    assert result.status == "incorrect", result
    for fragment in fragments:
        assert fragment in result.message, result.message
    for internal in INTERNALS:
        assert internal not in result.message, result.message
