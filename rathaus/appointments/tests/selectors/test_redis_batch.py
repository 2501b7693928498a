"""The after-commit Redis scripts of a booking, sent together (``selectors.redis_batch``)."""

import os
import uuid

import pytest
import redis

from rathaus.appointments.selectors import redis_batch

REDIS_URL = os.environ.get("RATHAUS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
PUSH = "redis.call('RPUSH', KEYS[1], ARGV[1]) return redis.call('LLEN', KEYS[1])"


@pytest.fixture
def client():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("needs Redis at RATHAUS_TEST_REDIS_URL (started by .ci/run)")
    return client


@pytest.fixture
def key(client):
    key = f"test:{uuid.uuid4().hex}:batch"
    yield key
    client.delete(key)


def _new_script(client, body=PUSH):
    """A script Redis has never seen (the comment makes its hash new): NOSCRIPT at first."""
    return client.register_script(f"-- {uuid.uuid4().hex}\n{body}")


def test_calls_in_a_block_are_sent_at_its_end_in_order(client, key):
    push = _new_script(client)
    results = []
    with redis_batch.together():
        redis_batch.run(push, keys=[key], args=["a"], then=results.append)
        redis_batch.run(push, keys=[key], args=["b"], then=results.append)
        assert client.llen(key) == 0  # nothing sent yet
    assert results == [1, 2]
    assert client.lrange(key, 0, -1) == [b"a", b"b"]


def test_outside_a_block_a_call_runs_at_once(client, key):
    results = []
    redis_batch.run(_new_script(client), keys=[key], args=["a"], then=results.append)
    assert results == [1]


def test_an_error_goes_to_its_handler_and_the_other_calls_still_run(client, key):
    broken = _new_script(client, "return redis.error_reply('kaputt')")
    errors, results = [], []
    with redis_batch.together():
        redis_batch.run(broken, keys=[key], args=[], failed=errors.append)
        redis_batch.run(_new_script(client), keys=[key], args=["a"], then=results.append)
    assert "kaputt" in str(errors[0])
    assert results == [1]


def test_an_error_without_handler_is_raised_after_the_block(client, key):
    broken = _new_script(client, "return redis.error_reply('kaputt')")
    with pytest.raises(redis.ResponseError), redis_batch.together():
        redis_batch.run(broken, keys=[key], args=[])
        redis_batch.run(_new_script(client), keys=[key], args=["a"])
    assert client.lrange(key, 0, -1) == [b"a"]
