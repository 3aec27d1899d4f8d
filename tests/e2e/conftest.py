"""pytest hooks for the end-to-end tests: a failed test's report carries the logs of the brokers,
coordinators and ZooKeeper servers it started, so a failure on a CI machine can be diagnosed."""
import pytest

import brook_harness


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "teardown" or not report.failed:
        return
    for name, text in brook_harness.collect_failure_logs():
        report.sections.append((f"log of {name}", text))
