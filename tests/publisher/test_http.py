"""The polite HTTP client against a real loopback server (domain.md pitfalls 20, 23-28).

Time is injected (``fake_time``): the client never really sleeps for its
interval or for retry backoff, so nothing here waits on a wall clock except the
read-timeout test, whose server stalls for half a second.
"""

from __future__ import annotations

import hashlib
import io
import logging
import socket
import threading

import pytest
import requests

from publisher.sources.errors import (
    BlockedError,
    EmptyDownloadError,
    FetchError,
    HTTPStatusError,
    ResponseTooLargeError,
    RobotsDisallowedError,
    SourceError,
)
from publisher.sources.http import HttpConfig, PoliteClient, Validators

UA = "GongkaiSync/0.1 (+https://example.org/gongkai)"
PAGE = ("<html><head><title>大余县人民政府</title></head><body>" + "政务公开" * 200).encode()
JS_CHALLENGE = (
    b"<html><head><meta charset='utf-8'><script>$_ts=window['$_ts'];if(!$_ts)$_ts={};"
    b"$_ts.nsd=12345;$_ts.cd='qhxrrpAlqGqLHAl';</script>"
    b"<script type='text/javascript' r='m' src='/abc/xyz.js'></script></head><body></body></html>"
)
JSLUID_CHALLENGE = (
    b"<script>document.cookie=('_')+('_jsl_clearance_s')+('=')+('1700000000.123|0|abc');"
    b"location.href=location.pathname+location.search</script>"
)


@pytest.fixture
def make_client(fake_time):
    """Build clients on the fake clock, fast by default, and close them after the test."""
    clients = []

    def make(**overrides):
        options = {
            "user_agent": UA,
            "min_interval": 0.0,
            "retries": 2,
            "backoff_factor": 0.0,
            "backoff_max": 5.0,
            "obey_robots": False,
            "connect_timeout": 2.0,
            "read_timeout": 2.0,
        }
        client = PoliteClient(
            HttpConfig(**(options | overrides)), clock=fake_time.clock, sleep=fake_time.sleep
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def closed_port():
    """A loopback port with nothing listening on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answer(body=PAGE, status=200, **options):
    """The options of one scripted reply: an HTML page by default."""
    return {"status": status, "body": body, **options}


def script(server, path, *replies):
    server.script(path, *(server.reply(**reply) for reply in replies))


# --- retries and statuses ------------------------------------------------------------


def test_503_503_200_is_retried_to_success(loopback, make_client):
    script(loopback, "/list", answer(b"", 503), answer(b"", 503), answer())
    client = make_client()

    response = client.get(loopback.url("/list"))

    assert (response.status, response.body) == (200, PAGE)
    assert len(loopback.requests_to("/list")) == 3
    assert client.requests_made == 3


def test_429_waits_for_retry_after_then_succeeds(loopback, make_client, fake_time):
    script(loopback, "/api", answer(b"", 429, headers=(("Retry-After", "7"),)), answer())
    client = make_client(backoff_max=60.0)

    assert client.get(loopback.url("/api")).status == 200
    assert len(loopback.requests_to("/api")) == 2
    assert fake_time.sleeps == [7]


def test_retry_after_is_capped_at_backoff_max(loopback, make_client, fake_time):
    script(loopback, "/api", answer(b"", 503, headers=(("Retry-After", "86400"),)), answer())

    make_client(backoff_max=30.0).get(loopback.url("/api"))

    assert fake_time.sleeps == [30]


def test_retries_keep_the_host_interval(loopback, make_client, fake_time):
    script(loopback, "/list", answer(b"", 503), answer())

    make_client(min_interval=1.5).get(loopback.url("/list"))

    assert fake_time.sleeps == [1.5]


@pytest.mark.parametrize(
    ("status", "headers"),
    [(404, ()), (403, ()), (400, ()), (413, (("Retry-After", "1"),))],
    ids=["404", "403", "400", "413-with-retry-after"],
)
def test_4xx_other_than_429_is_not_retried(loopback, make_client, status, headers):
    script(loopback, "/missing", answer(b"", status, headers=headers))
    client = make_client(retries=3)

    with pytest.raises(HTTPStatusError) as raised:
        client.get(loopback.url("/missing"))

    assert raised.value.status == status
    assert raised.value.url == loopback.url("/missing")
    assert len(loopback.requests_to("/missing")) == 1


def test_unreadable_retry_after_falls_back_to_backoff(loopback, make_client, fake_time):
    script(loopback, "/api", answer(b"", 503, headers=(("Retry-After", "soon"),)), answer())

    assert make_client().get(loopback.url("/api")).status == 200
    assert fake_time.sleeps == []


def test_500_after_the_retries_is_an_http_status_error(loopback, make_client):
    script(loopback, "/broken", answer(b"oops", 500))

    with pytest.raises(HTTPStatusError) as raised:
        make_client(retries=2).get(loopback.url("/broken"))

    assert raised.value.status == 500
    assert len(loopback.requests_to("/broken")) == 3


def test_redirects_are_followed_and_counted(loopback, make_client):
    script(loopback, "/old", answer(b"", 302, headers=(("Location", "/new"),)))
    script(loopback, "/new", answer())
    client = make_client()

    response = client.get(loopback.url("/old"))

    assert response.url == loopback.url("/new")
    assert client.requests_made == 2


# --- anti-bot pages (pitfalls 23-24) ---------------------------------------------------


def test_412_with_ts_script_is_blocked_and_not_retried(loopback, make_client):
    cookie = ("Set-Cookie", "FSSBBIl1UgzbN7N80S=abc; Path=/; HttpOnly")
    script(loopback, "/xxgk", answer(JS_CHALLENGE, 412, headers=(cookie,)))

    with pytest.raises(BlockedError) as raised:
        make_client(retries=3).get(loopback.url("/xxgk"))

    assert raised.value.signal == "412-challenge"
    assert "$_ts" in raised.value.detail
    assert len(loopback.requests_to("/xxgk")) == 1


def test_412_without_script_is_still_a_challenge(loopback, make_client):
    script(loopback, "/xxgk", answer(b"", 412))

    with pytest.raises(BlockedError) as raised:
        make_client().get(loopback.url("/xxgk"))

    assert raised.value.signal == "412-challenge"


@pytest.mark.parametrize(
    ("status", "cookie", "body"),
    [
        (521, "__jsluid_s=6b3d; max-age=31536000; path=/; HttpOnly", JSLUID_CHALLENGE),
        (
            200,
            "FSSBBIl1UgzbN7N80T=3kd9; Path=/; expires=Wed, 21 Oct 2026 07:28:00 GMT",
            JS_CHALLENGE,
        ),
        (202, "FSSBBIl1UgzbN7N80S=abc; Path=/", JS_CHALLENGE),
    ],
    ids=["jiasule-521", "ruishu-200", "ruishu-202"],
)
def test_challenge_cookie_on_a_script_challenge_is_blocked(
    loopback, make_client, status, cookie, body
):
    headers = (("Set-Cookie", "JSESSIONID=1; Path=/"), ("Set-Cookie", cookie))
    script(loopback, "/page", answer(body, status, headers=headers))

    with pytest.raises(BlockedError) as raised:
        make_client().get(loopback.url("/page"))

    assert raised.value.signal == "challenge-cookie"
    assert len(loopback.requests_to("/page")) == 1


def test_waf_cookie_on_a_real_page_is_not_a_challenge(loopback, make_client):
    script(loopback, "/page", answer(headers=(("Set-Cookie", "__jsluid_s=6b3d; path=/"),)))

    assert make_client().get(loopback.url("/page")).body == PAGE


@pytest.mark.parametrize(
    ("body", "content_type", "signal"),
    [
        (b"", "text/html", "empty-body"),
        (b"", None, "empty-body"),
        (
            "<html><body>访问过于频繁</body></html>".encode(),
            "text/html; charset=utf-8",
            "tiny-body",
        ),
    ],
    ids=["empty-html", "empty-undeclared", "tiny-html"],
)
def test_tiny_or_empty_html_200_is_blocked(loopback, make_client, body, content_type, signal):
    script(loopback, "/list", answer(body, content_type=content_type))

    with pytest.raises(BlockedError) as raised:
        make_client().get(loopback.url("/list"))

    assert raised.value.signal == signal
    assert len(loopback.requests_to("/list")) == 1


def test_small_json_and_binary_bodies_are_fine(loopback, make_client):
    script(loopback, "/api", answer(b'{"total": 1, "data": []}', content_type="application/json"))
    script(loopback, "/img", answer(b"\x89PNG\r\n", content_type="image/png"))
    client = make_client()

    assert client.get(loopback.url("/api")).json() == {"total": 1, "data": []}
    assert client.get(loopback.url("/img")).body == b"\x89PNG\r\n"


# --- transport failures and limits ----------------------------------------------------


def test_reset_mid_body_is_a_fetch_error_after_the_retries(loopback, make_client):
    script(loopback, "/big", answer(b"x" * 100, behaviour="reset"))
    client = make_client(retries=2)

    with pytest.raises(FetchError) as raised:
        client.get(loopback.url("/big"))

    assert type(raised.value) is FetchError
    assert raised.value.url == loopback.url("/big")
    assert len(loopback.requests_to("/big")) == 3


def test_reset_mid_body_then_success(loopback, make_client):
    script(loopback, "/big", answer(behaviour="reset"), answer())

    assert make_client().get(loopback.url("/big")).body == PAGE
    assert len(loopback.requests_to("/big")) == 2


def test_declared_length_over_the_limit_is_rejected_before_reading(loopback, make_client):
    script(loopback, "/huge", answer(b"y" * 5000))
    client = make_client(max_bytes=1000)

    with pytest.raises(ResponseTooLargeError) as raised:
        client.get(loopback.url("/huge"))

    assert raised.value.limit == 1000
    assert client.bytes_received == 0


def test_streamed_body_over_the_limit_is_rejected(loopback, make_client):
    script(loopback, "/huge", answer(b"y" * 5000, behaviour="unsized"))
    client = make_client(max_bytes=1000)

    with pytest.raises(ResponseTooLargeError):
        client.get(loopback.url("/huge"))

    assert len(loopback.requests_to("/huge")) == 1


def test_read_timeout_is_a_fetch_error(loopback, make_client):
    script(loopback, "/slow", answer(behaviour="slow", delay=0.5))
    client = make_client(read_timeout=0.1, retries=1)

    with pytest.raises(FetchError) as raised:
        client.get(loopback.url("/slow"))

    assert "timed out" in raised.value.reason
    assert len(loopback.requests_to("/slow")) == 2


def test_refused_connection_is_a_fetch_error(make_client, closed_port):
    client = make_client(retries=1)

    with pytest.raises(FetchError) as raised:
        client.get(f"http://127.0.0.1:{closed_port}/")

    assert raised.value.reason.startswith("cannot connect")
    assert client.requests_made == 2


@pytest.mark.parametrize("url", ["ftp://example.org/a.pdf", "/relative/only", "http:///nohost"])
def test_unusable_urls_are_fetch_errors(make_client, url):
    with pytest.raises(FetchError):
        make_client().get(url)


# --- headers and conditional GET ------------------------------------------------------


def test_identifying_headers_and_referer_are_sent(loopback, make_client):
    script(loopback, "/art/2023/1/5/art_1.html", answer())

    make_client().get(
        loopback.url("/art/2023/1/5/art_1.html"),
        referer=loopback.url("/col/col1/index.html"),
        params={"page": "2"},
    )

    [seen] = loopback.requests_to("/art/2023/1/5/art_1.html")
    assert seen.path == "/art/2023/1/5/art_1.html?page=2"
    assert seen.headers["User-Agent"] == UA
    assert seen.headers["Accept-Language"] == "zh-CN,zh;q=0.9"
    assert seen.headers["Referer"] == loopback.url("/col/col1/index.html")
    assert "If-None-Match" not in seen.headers


def test_conditional_get_sends_validators_and_304_is_not_modified(loopback, make_client):
    validators = (("ETag", '"5f3a-1"'), ("Last-Modified", "Thu, 05 Jan 2023 02:21:33 GMT"))
    script(loopback, "/list", answer(headers=validators), answer(b"", 304, headers=validators[:1]))
    client = make_client()

    first = client.get(loopback.url("/list"))
    second = client.get(loopback.url("/list"), validators=first.validators)

    assert first.validators == Validators('"5f3a-1"', "Thu, 05 Jan 2023 02:21:33 GMT")
    assert not first.not_modified
    assert (second.status, second.not_modified, second.body) == (304, True, b"")
    assert second.etag == '"5f3a-1"'
    seen = loopback.requests_to("/list")[1]
    assert seen.headers["If-None-Match"] == '"5f3a-1"'
    assert seen.headers["If-Modified-Since"] == "Thu, 05 Jan 2023 02:21:33 GMT"


def test_headers_are_case_insensitive_and_read_only(loopback, make_client):
    script(loopback, "/list", answer(headers=(("ETag", "abc"),)))

    response = make_client().get(loopback.url("/list"))

    assert response.headers["etag"] == response.headers["ETAG"] == "abc"
    with pytest.raises(TypeError):
        response.headers["ETag"] = "changed"  # type: ignore[index]


def test_text_decodes_a_gbk_page_with_a_lying_header(loopback, make_client):
    body = "<meta charset='gb2312'><p>县长 王堃</p>".encode("gb18030") + b" " * 600
    script(loopback, "/leader", answer(body, content_type="text/html; charset=utf-8"))

    assert "县长 王堃" in make_client().get(loopback.url("/leader")).text()


def test_post_sends_the_form_and_is_retried(loopback, make_client):
    script(
        loopback, "/jpage", answer(b"", 503), answer(b"<datastore/>" * 60, content_type="text/xml")
    )

    response = make_client().post(
        loopback.url("/jpage"), data={"col": "1", "keyword": "大余"}, referer=loopback.url("/")
    )

    assert response.status == 200
    first, second = loopback.requests_to("/jpage")
    assert (first.method, second.method) == ("POST", "POST")
    assert second.body == b"col=1&keyword=%E5%A4%A7%E4%BD%99"
    assert second.headers["Referer"] == loopback.url("/")


# --- robots.txt (pitfall 28) ------------------------------------------------------------


def test_robots_disallowed_url_is_never_requested(loopback, make_client):
    robots = b"User-agent: *\nDisallow: /private/\n"
    script(loopback, "/robots.txt", answer(robots, content_type="text/plain"))
    script(loopback, "/private/a.html", answer())
    script(loopback, "/public/a.html", answer())
    client = make_client(obey_robots=True)

    with pytest.raises(RobotsDisallowedError) as raised:
        client.get(loopback.url("/private/a.html"))
    client.get(loopback.url("/public/a.html"))
    client.get(loopback.url("/public/a.html"))

    assert raised.value.url == loopback.url("/private/a.html")
    assert loopback.requests_to("/private/a.html") == []
    assert len(loopback.requests_to("/robots.txt")) == 1
    assert client.requests_made == 3


def test_robots_rules_for_our_product_token_apply(loopback, make_client):
    robots = b"User-agent: GongkaiSync\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    script(loopback, "/robots.txt", answer(robots, content_type="text/plain"))

    with pytest.raises(RobotsDisallowedError):
        make_client(obey_robots=True).get(loopback.url("/index.html"))


def test_robots_404_allows_everything(loopback, make_client):
    script(loopback, "/index.html", answer())

    assert make_client(obey_robots=True).get(loopback.url("/index.html")).status == 200
    assert len(loopback.requests_to("/robots.txt")) == 1


def test_robots_500_disallows_everything(loopback, make_client):
    script(loopback, "/robots.txt", answer(b"", 500))
    script(loopback, "/index.html", answer())
    client = make_client(obey_robots=True, retries=1)

    with pytest.raises(RobotsDisallowedError):
        client.get(loopback.url("/index.html"))
    with pytest.raises(RobotsDisallowedError):
        client.get(loopback.url("/other.html"))

    assert loopback.requests_to("/index.html") == []
    assert len(loopback.requests_to("/robots.txt")) == 2  # one fetch, retried once


def test_robots_is_fetched_once_per_host(loopback, make_client):
    script(loopback, "/index.html", answer())
    client = make_client(obey_robots=True)

    for host in ("127.0.0.1", "localhost", "127.0.0.1", "localhost"):
        client.get(loopback.url("/index.html", host=host))

    robots_hosts = sorted(seen.headers["Host"] for seen in loopback.requests_to("/robots.txt"))
    assert robots_hosts == [f"127.0.0.1:{loopback.port}", f"localhost:{loopback.port}"]


def test_robots_request_and_first_page_keep_the_interval(loopback, make_client, fake_time):
    script(loopback, "/index.html", answer())

    make_client(obey_robots=True, min_interval=1.5).get(loopback.url("/index.html"))

    assert fake_time.sleeps == [1.5]


# --- politeness: interval, serialisation, counters --------------------------------------


def test_requests_to_one_host_are_spaced_by_the_interval(loopback, make_client, fake_time):
    script(loopback, "/list", answer())
    client = make_client(min_interval=1.5)

    client.get(loopback.url("/list"))
    fake_time.now += 0.5  # the caller spent half a second parsing
    client.get(loopback.url("/list"))
    client.get(loopback.url("/list"))

    assert fake_time.sleeps == [1.0, 1.5]


def test_different_hosts_do_not_wait_for_each_other(loopback, make_client, fake_time):
    script(loopback, "/list", answer())
    client = make_client(min_interval=1.5)

    client.get(loopback.url("/list", host="127.0.0.1"))
    client.get(loopback.url("/list", host="localhost"))

    assert fake_time.sleeps == []


def test_threads_calling_one_host_are_serialised(loopback, make_client):
    script(loopback, "/slow", answer(behaviour="slow", delay=0.02))
    client = make_client()
    errors = []

    def fetch():
        try:
            client.get(loopback.url("/slow"))
        except SourceError as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(loopback.requests_to("/slow")) == 4
    assert loopback.max_in_flight == 1


def test_counters_include_retries_and_robots(loopback, make_client):
    script(loopback, "/list", answer(b"", 503), answer(b"z" * 1000))
    client = make_client(obey_robots=True)

    client.get(loopback.url("/list"))

    assert client.requests_made == 3  # robots.txt, 503, 200
    assert client.bytes_received == 1000


# --- downloads (pitfall 20) -----------------------------------------------------------


def test_download_writes_the_file_with_hash_and_size(loopback, make_client, tmp_path):
    content = bytes(range(256)) * 40
    headers = (("ETag", '"pdf-1"'),)
    script(loopback, "/a.pdf", answer(content, content_type="application/pdf", headers=headers))

    result = make_client().download(loopback.url("/a.pdf"), tmp_path, referer=loopback.url("/"))

    assert result.path is not None
    assert result.path.parent == tmp_path
    assert result.path.read_bytes() == content
    assert result.sha256 == hashlib.sha256(content).hexdigest()
    assert (result.size, result.media_type, result.status) == (len(content), "application/pdf", 200)
    assert result.validators == Validators(etag='"pdf-1"')
    assert loopback.requests_to("/a.pdf")[0].headers["Referer"] == loopback.url("/")


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (answer(b"", content_type="application/octet-stream"), EmptyDownloadError),
        (answer(b"p" * 5000, content_type="application/pdf"), ResponseTooLargeError),
        (
            answer(b"p" * 5000, content_type="application/pdf", behaviour="unsized"),
            ResponseTooLargeError,
        ),
        (answer(b"p" * 100, content_type="application/pdf", behaviour="reset"), FetchError),
        (answer(b"", 404), HTTPStatusError),
        (answer(b"<p>busy</p>"), BlockedError),
    ],
    ids=["empty", "declared-oversize", "streamed-oversize", "reset", "404", "tiny-html"],
)
def test_failed_download_leaves_no_file(loopback, make_client, tmp_path, reply, error):
    script(loopback, "/file.doc", reply)

    with pytest.raises(error):
        make_client(max_bytes=1000).download(loopback.url("/file.doc"), tmp_path)

    assert list(tmp_path.iterdir()) == []


def test_download_304_has_no_file(loopback, make_client, tmp_path):
    script(loopback, "/a.pdf", answer(b"", 304, headers=(("ETag", '"pdf-1"'),)))

    result = make_client().download(
        loopback.url("/a.pdf"), tmp_path, validators=Validators(etag='"pdf-1"')
    )

    assert (result.status, result.path, result.sha256, result.size) == (304, None, None, None)
    assert loopback.requests_to("/a.pdf")[0].headers["If-None-Match"] == '"pdf-1"'
    assert list(tmp_path.iterdir()) == []


# --- TLS (pitfall 25) ------------------------------------------------------------------


def test_broken_certificate_is_a_fetch_error_and_not_retried(tls_loopback, make_client):
    client = make_client(retries=3)

    with pytest.raises(FetchError) as raised:
        client.get(tls_loopback.url("/index.html"))

    assert raised.value.reason.startswith("TLS error")
    assert client.requests_made == 1


def test_insecure_host_is_tolerated_and_logged_once(tls_loopback, make_client, caplog):
    script(tls_loopback, "/index.html", answer())
    client = make_client(insecure_hosts=frozenset({"127.0.0.1"}))

    with caplog.at_level(logging.WARNING, logger="gongkai.http"):
        client.get(tls_loopback.url("/index.html"))
        client.get(tls_loopback.url("/index.html"))

    assert len(tls_loopback.requests_to("/index.html")) == 2
    assert [r.getMessage() for r in caplog.records if r.name == "gongkai.http"] == [
        "TLS certificate checks are off for 127.0.0.1 (insecure_hosts)"
    ]


# --- an injected session -------------------------------------------------------------


class CannedAdapter(requests.adapters.BaseAdapter):
    """A fake transport mounted by a test: it answers every request with one JSON body."""

    def __init__(self, body):
        super().__init__()
        self.body = body
        self.sent = []

    def send(self, request, **kwargs):
        self.sent.append((request, kwargs))
        response = requests.Response()
        response.status_code, response.url, response.request = 200, request.url, request
        response.headers["Content-Type"] = "application/json; charset=utf-8"
        response.raw = io.BytesIO(self.body)
        return response

    def close(self):
        pass


def test_an_injected_session_keeps_its_own_adapter(fake_time):
    fake = CannedAdapter('{"title": "大余县"}'.encode())
    session = requests.Session()
    session.mount("https://", fake)
    config = HttpConfig(user_agent=UA, obey_robots=False)

    with PoliteClient(
        config, session=session, clock=fake_time.clock, sleep=fake_time.sleep
    ) as client:
        response = client.get(
            "https://www.dayu.gov.cn/api/list", referer="https://www.dayu.gov.cn/"
        )

    assert response.json() == {"title": "大余县"}
    [(request, options)] = fake.sent
    assert request.headers["User-Agent"] == UA
    assert request.headers["Referer"] == "https://www.dayu.gov.cn/"
    assert options["stream"] is True
    assert options["timeout"] == (10.0, 60.0)
    assert client.requests_made == 1
    assert session.get_adapter("https://x") is fake
    session.close()


# --- configuration and errors -----------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"user_agent": ""},
        {"user_agent": "  "},
        {"user_agent": "Bot/1.0\r\nX-Evil: 1"},
        {"min_interval": -1},
        {"read_timeout": 0},
        {"max_bytes": 0},
        {"retries": -1},
    ],
)
def test_bad_config_is_rejected(overrides):
    with pytest.raises(ValueError):
        HttpConfig(**({"user_agent": UA} | overrides))


def test_blocked_is_a_source_error_but_not_a_fetch_error():
    assert issubclass(BlockedError, SourceError)
    assert not issubclass(BlockedError, FetchError)
    for error in (
        HTTPStatusError,
        ResponseTooLargeError,
        RobotsDisallowedError,
        EmptyDownloadError,
    ):
        assert issubclass(error, FetchError)
