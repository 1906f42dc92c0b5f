"""A real WebSub hub on loopback, end to end: Flask-WebSub's hub from PyPI, its tasks run at once by
Celery in eager mode (no broker, no worker). Flask-WebSub's subscriber finds the hub from the Atom
feed that ``serve`` serves, or Debian's nginx with examples/nginx.conf set for the hub as docs/deploy.md
says, subscribes through it, and receives the next day's feed when a build pings.

With Celery eager, the hub does all its work inside the request that carries the ping: it fetches the
feed from ``serve`` and posts it to the subscriber before it answers. So when a build returns, every
notification its pings caused has been delivered, and one that did not come never will.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import feedparser
import pytest
from celery import Celery
from flask import Flask
from flask_websub.hub import Hub, SQLite3HubStorage
from flask_websub.hub import tasks as hub_tasks
from flask_websub.subscriber import (
    SQLite3SubscriberStorage,
    SQLite3TempSubscriberStorage,
    Subscriber,
    discover,
)
from helpers.paths import DATA, SEED
from helpers.serving import start, stop
from helpers.webserver import free_port, readable_prefix, running
from werkzeug.serving import BaseWSGIServer, make_server

from centralasia_feed.cli import main

DAYS = sorted((DATA / "days").glob("*.txt"))
WAIT = 10.0  # seconds: a bound that ends a broken test, never a delay the test relies on


@dataclass
class Inbox:
    """What the subscriber received, and an event for each change."""

    notifications: list[tuple[str, bytes]] = field(default_factory=list)
    subscribed: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Condition = field(default_factory=threading.Condition)
    errors: list[str] = field(default_factory=list)

    def deliver(self, topic: str, callback_id: str, body: bytes) -> None:
        with self.arrived:
            self.notifications.append((topic, body))
            self.arrived.notify_all()

    def wait_for(self, count: int) -> list[tuple[str, bytes]]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.notifications) >= count, timeout=WAIT)
            return list(self.notifications)


@dataclass
class WebSub:
    """One Flask app on 127.0.0.1 holding Flask-WebSub's hub (at /hub) and subscriber (at /callbacks)."""

    app: Flask
    server: BaseWSGIServer
    subscriber: Subscriber
    inbox: Inbox

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/"

    @property
    def hub_url(self) -> str:
        return self.base + "hub"

    def subscribe(self, feed_url: str) -> None:
        """Discover the feed's hub and topic as a WebSub subscriber must, then subscribe through it."""
        found = discover(feed_url, timeout=WAIT)
        assert found == {"hub_url": self.hub_url, "topic_url": feed_url}
        with self.app.test_request_context(base_url=self.base):  # the callback URL names this server
            self.subscriber.subscribe(**found)
        assert self.inbox.subscribed.wait(WAIT), self.inbox.errors


def _app(folder: Path, inbox: Inbox) -> tuple[Flask, Subscriber]:
    app = Flask("centralasia-feed-hub-test")
    app.config["PUBLISH_SUPPORTED"] = True  # the hub takes hub.mode=publish pings
    celery = Celery("centralasia-feed-hub-test", broker="memory://")
    celery.conf.update(task_always_eager=True, task_eager_propagates=True)
    hub = Hub(SQLite3HubStorage(str(folder / "hub.sqlite")), celery, REQUEST_TIMEOUT=WAIT, MAX_ATTEMPTS=1)
    app.register_blueprint(hub.build_blueprint(url_prefix="/hub"))
    subscriber = Subscriber(
        SQLite3SubscriberStorage(str(folder / "subscriptions.sqlite")),
        SQLite3TempSubscriberStorage(str(folder / "requests.sqlite")),
        REQUEST_TIMEOUT=WAIT,
        MAX_BODY_SIZE=16 * 1024 * 1024,
    )
    app.register_blueprint(subscriber.build_blueprint(url_prefix="/callbacks"))
    subscriber.add_listener(inbox.deliver)
    subscriber.add_success_handler(lambda topic, callback_id, mode: inbox.subscribed.set())
    subscriber.add_error_handler(lambda topic, callback_id, reason: inbox.errors.append(reason))
    return app, subscriber


HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length"}


def _content_as_sent(config: object, topic_url: str) -> tuple[bytes, dict[str, object]]:
    """Flask-WebSub's hub fetches the new feed, then posts its decoded bytes to every subscriber with
    the headers of the response it fetched, hop-by-hop ones too. A gzipped, chunked response (nginx
    compresses as it sends) so reaches the subscriber as a plain body announced as chunked, which it
    cannot read. The hub's defect, not the feed's: here it forwards only end-to-end headers."""
    body, content = _fetched(config, topic_url)
    headers = {k: v for k, v in content["headers"].items() if k.lower() not in HOP_BY_HOP}
    return body, {**content, "headers": headers}


_fetched = hub_tasks.get_new_content


@pytest.fixture
def websub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebSub]:
    monkeypatch.setattr(hub_tasks, "get_new_content", _content_as_sent)
    state = tmp_path / "websub"
    state.mkdir()
    inbox = Inbox()
    app, subscriber = _app(state, inbox)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield WebSub(app, server, subscriber, inbox)
    server.shutdown()
    server.server_close()
    thread.join(timeout=WAIT)


@pytest.fixture(params=["serve", "nginx"])
def server(request: pytest.FixtureRequest, tmp_path: Path, websub: WebSub) -> Iterator[tuple[Path, str]]:
    """An empty folder served on loopback, and its URL: by ``serve``, or by nginx set for the hub."""
    if request.param == "nginx":
        with readable_prefix("websub") as prefix:
            (prefix / "public").mkdir()
            with running(prefix, free_port(), hub=websub.hub_url) as nginx:
                yield nginx.site, nginx.url
        return
    site = tmp_path / "public"
    site.mkdir()
    served, thread = start(site)
    yield site, served.url
    stop(served, thread)


def test_a_subscriber_gets_the_new_edition_pushed_through_a_real_hub(
    tmp_path: Path, websub: WebSub, server: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    site, url = server

    def build(dump: Path) -> str:
        argv = ["build", "--out", str(site), "--archive", str(tmp_path / "a.sqlite")]
        assert main([*argv, "--feed-url", url, "--hub", websub.hub_url, str(dump)]) == 0
        out, err = capsys.readouterr()
        assert err == ""  # no hub warning: the hub took every ping
        return out

    assert f"{websub.hub_url}: pinged for 15 feed(s)" in build(SEED)  # 5 feeds, and 2 a pair
    feed_url = url + "atom.xml"
    websub.subscribe(feed_url)
    assert websub.inbox.notifications == []

    build(DAYS[0])
    ((topic, body),) = websub.inbox.wait_for(1)
    assert topic == feed_url
    assert body == (site / "atom.xml").read_bytes()  # the whole new feed, as served
    pushed = {entry.id for entry in feedparser.parse(body).entries}
    new = {entry.id for entry in feedparser.parse(site / "atom.xml").entries}
    assert pushed == new and not new <= _ids_before(tmp_path, url)

    assert "no feed changed: no hub pinged" in build(DAYS[0])  # nothing new: nothing pushed
    assert len(websub.inbox.notifications) == 1


def _ids_before(tmp_path: Path, feed_url: str) -> set[str]:
    """The Atom ids a folder built from the seed alone shows: what the pushed feed must add to."""
    argv = ["build", "--out", str(tmp_path / "seed-only"), "--no-archive", "--feed-url", feed_url, str(SEED)]
    assert main(argv) == 0
    return {entry.id for entry in feedparser.parse(tmp_path / "seed-only" / "atom.xml").entries}
