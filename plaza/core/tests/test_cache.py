"""Plaza's Redis cache (one client per pool, a counter in one round trip) against a real Redis."""

import threading
import uuid

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from plaza.core import cache as counting
from plaza.core.api.throttling import PlazaRateThrottle


@pytest.fixture
def redis_cache(redis_url):
    """The production cache backend on the test Redis, under a prefix of this test's own."""
    prefix = f"plaza-test-cache-{uuid.uuid4().hex}"  # other tests share this Redis database: never clear() it
    config = {"BACKEND": "plaza.core.cache.RedisCache", "LOCATION": redis_url, "KEY_PREFIX": prefix}
    with override_settings(CACHES={"default": config}):
        yield caches["default"]
    raw = redis.Redis.from_url(redis_url)
    for key in raw.scan_iter(f"{prefix}:*"):
        raw.delete(key)


def test_the_cache_keeps_one_client_per_pool_and_still_stores(redis_cache):
    redis_cache.set("a", {"x": 1}, 60)
    assert redis_cache.get("a") == {"x": 1}
    client = redis_cache._cache.get_client("a")
    assert redis_cache._cache.get_client("b") is client
    assert redis_cache._cache.get_client("a", write=True) is client  # one server: one pool for reads and writes


def test_count_increments_and_sets_an_expiry_once(redis_cache, redis_url):
    assert counting.count(redis_cache, "window", 30) == 1
    assert counting.count(redis_cache, "window", 30) == 2
    raw = redis.Redis.from_url(redis_url)
    key = redis_cache.make_key("window")
    assert 0 < raw.ttl(key) <= 30
    raw.expire(key, 5)
    assert counting.count(redis_cache, "window", 30) == 3
    assert raw.ttl(key) <= 5  # the window's end stays where its first event put it
    assert redis_cache.get("window") == 3  # the same integer Django's incr and get read


def test_count_is_atomic_across_threads(redis_cache):
    def bump():
        for _ in range(50):
            counting.count(redis_cache, "busy", 30)

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert redis_cache.get("busy") == 400


def test_count_falls_back_to_add_and_incr_elsewhere():
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        local = caches["default"]
        local.clear()
        assert [counting.count(local, "w", 30) for _ in range(3)] == [1, 2, 3]


def test_the_rate_limit_counts_on_redis(redis_cache, settings):
    settings.PLAZA_API_RATE = "3/m"
    throttle = PlazaRateThrottle()
    assert [throttle.allow_ident("token:7") for _ in range(4)] == [True, True, True, False]
    assert throttle.allow_ident("token:8")
