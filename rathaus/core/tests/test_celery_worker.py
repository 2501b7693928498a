"""A real Celery worker consumes a task from the local Redis broker and its result comes back."""

import os

import pytest
from celery import Celery

from rathaus.core.tests.celery_worker import BROKER, celery_worker, redis_up
from rathaus.core.tests.waiting import CEILING, wait_for


@pytest.mark.celery
@pytest.mark.skipif(not redis_up(), reason="needs Redis at 127.0.0.1:6379 (started by .ci/run)")
def test_worker_executes_enqueued_task_and_result_is_seen():
    queue = f"rathaus-test-{os.getpid()}"
    with celery_worker(queue) as worker:
        # Not the current app: later tests in this process must keep running tasks inline.
        client = Celery(broker=BROKER, backend=BROKER, set_as_current=False)
        result = client.send_task("rathaus.core.tasks.add", args=(20, 22), queue=queue)
        wait_for(result.ready, "the task's result", worker=worker)
        # Inline (eager) tasks of earlier tests in this process may have marked it as "inside
        # a task"; this process is not a worker, so waiting here cannot deadlock.
        assert result.get(timeout=CEILING, disable_sync_subtasks=False) == 42
