"""User groups through the admin API (protocol.md part 10, "Groups"), against a real
server and PostgreSQL: create, conflicts, members, paging, a user's groups, the
cascade on delete, bad input, the audit trail, and an outage of PostgreSQL (503
promptly, then back without a restart)."""
import socket
import threading
import time
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

from conftest import Database
from e2e_support import free_port, http_json

TOKEN = "secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def admin(server_factory):
    return server_factory(admin_token=TOKEN, wait_for_quotes=False)


def call(server, method, path, body=None, timeout=10):
    return http_json(server.http, method, path, body=body, headers=AUTH, timeout=timeout)


def audit_actions(server, group):
    rows = server.database.sql(
        f"SELECT action FROM admin_audit WHERE detail->>'group' = '{group}' ORDER BY id")
    return rows.split()


def wait_for_audit(server, group, count, timeout=5):
    deadline = time.monotonic() + timeout
    while len(audit_actions(server, group)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return audit_actions(server, group)


def test_a_group_lives_from_creation_to_deletion(admin):
    status, created = call(admin, "POST", "/api/groups", {"name": "desk-a", "description": "Desk A"})
    assert status == 201, created
    assert created["name"] == "desk-a" and created["description"] == "Desk A" and created["members"] == 0
    assert abs(created["created_at"] - time.time()) < 60

    status, error = call(admin, "POST", "/api/groups", {"name": "desk-a"})
    assert (status, error["error"]) == (409, "group_exists")

    odd = "auth0|5f/x@example.com"
    status, added = call(admin, "POST", "/api/groups/desk-a/members", {"users": ["u1", "u2", odd, "u1"]})
    assert status == 200 and added == {"group": "desk-a", "added": 3, "members": 3}, added
    status, again = call(admin, "POST", "/api/groups/desk-a/members", {"users": ["u2", "u3"]})
    assert again == {"group": "desk-a", "added": 1, "members": 4}, again

    status, shown = call(admin, "GET", "/api/groups/desk-a")
    assert status == 200 and shown["members"] == 4
    call(admin, "POST", "/api/groups", {"name": "desk-b"})
    call(admin, "POST", "/api/groups/desk-b/members", {"users": [odd]})
    status, mine = call(admin, "GET", "/api/groups?user=" + quote(odd, safe=""))
    assert status == 200 and [g["name"] for g in mine["groups"]] == ["desk-a", "desk-b"], mine
    status, listing = call(admin, "GET", "/api/groups")
    counts = {g["name"]: g["members"] for g in listing["groups"]}
    assert counts["desk-a"] == 4 and counts["desk-b"] == 1 and listing["count"] == len(listing["groups"])

    status, removed = call(admin, "DELETE", "/api/groups/desk-a/members?user=u3&user=" + quote(odd, safe="") + "&user=ghost")
    assert status == 200 and removed == {"group": "desk-a", "removed": 2, "members": 2}, removed
    status, mine = call(admin, "GET", "/api/groups?user=" + quote(odd, safe=""))
    assert [g["name"] for g in mine["groups"]] == ["desk-b"]

    status, deleted = call(admin, "DELETE", "/api/groups/desk-a")
    assert status == 200 and deleted["deleted"] is True and deleted["group"]["members"] == 2, deleted
    status, error = call(admin, "GET", "/api/groups/desk-a")
    assert (status, error["error"]) == (404, "not_found")
    status, mine = call(admin, "GET", "/api/groups?user=u1")
    assert mine["groups"] == [], "the memberships went with the group"
    assert admin.database.sql("SELECT count(*) FROM user_group_members WHERE group_name = 'desk-a'").strip() == "0"

    actions = wait_for_audit(admin, "desk-a", 5)
    assert actions == ["group_create", "group_members_add", "group_members_add", "group_members_remove",
                       "group_delete"], actions


def test_members_are_paged_in_user_order(admin):
    call(admin, "POST", "/api/groups", {"name": "paged"})
    users = [f"user{n:03d}" for n in range(25)]
    call(admin, "POST", "/api/groups/paged/members", {"users": users})
    seen, cursor, pages = [], None, 0
    while True:
        path = "/api/groups/paged/members?limit=10" + (f"&cursor={quote(cursor)}" if cursor else "")
        status, page = call(admin, "GET", path)
        assert status == 200 and page["total"] == 25 and page["count"] == len(page["members"]), page
        seen += [m["user"] for m in page["members"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and seen == users


@pytest.mark.parametrize("method,path,body,code", [
    ("POST", "/api/groups", {"name": "Bad Name"}, "invalid_group_name"),
    ("POST", "/api/groups", {"name": "-lead"}, "invalid_group_name"),
    ("POST", "/api/groups", {"name": "x" * 65}, "invalid_group_name"),
    ("POST", "/api/groups", {"description": "no name"}, "invalid_group_name"),
    ("POST", "/api/groups", {"name": "ok", "extra": 1}, "invalid_field"),
    ("POST", "/api/groups", {"name": "ok", "description": 5}, "invalid_description"),
    ("POST", "/api/groups", [1, 2], "invalid_json"),
    ("GET", "/api/groups/UPPER", None, "invalid_group_name"),
    ("DELETE", "/api/groups/has%20space", None, "invalid_group_name"),
    ("GET", "/api/groups?colour=red", None, "invalid_parameter"),
    ("GET", "/api/groups?user=", None, "invalid_user"),
    ("POST", "/api/groups/known/members", {"users": []}, "invalid_users"),
    ("POST", "/api/groups/known/members", {"user": ["a"]}, "invalid_users"),
    ("POST", "/api/groups/known/members", {"users": ["ok", ""]}, "invalid_user"),
    ("POST", "/api/groups/known/members", {"users": ["tab\there"]}, "invalid_user"),
    ("DELETE", "/api/groups/known/members", None, "invalid_parameter"),
    ("GET", "/api/groups/known/members?limit=0", None, "invalid_parameter"),
    ("GET", "/api/groups/known/members?page=2", None, "invalid_parameter"),
])
def test_bad_input_is_400_and_changes_nothing(admin, method, path, body, code):
    call(admin, "POST", "/api/groups", {"name": "known"})
    status, error = call(admin, method, path, body)
    assert (status, error["error"]) == (400, code), error
    status, listing = call(admin, "GET", "/api/groups")
    assert "ok" not in [g["name"] for g in listing["groups"]]


@pytest.mark.parametrize("method,path,body", [
    ("GET", "/api/groups/nobody", None),
    ("DELETE", "/api/groups/nobody", None),
    ("GET", "/api/groups/nobody/members", None),
    ("POST", "/api/groups/nobody/members", {"users": ["u1"]}),
    ("DELETE", "/api/groups/nobody/members?user=u1", None),
])
def test_an_unknown_group_is_404(admin, method, path, body):
    status, error = call(admin, method, path, body)
    assert (status, error["error"]) == (404, "not_found"), error


@pytest.mark.parametrize("method,path", [("GET", "/api/groups"), ("POST", "/api/groups"), ("GET", "/api/groups/x"),
                                         ("DELETE", "/api/groups/x"), ("GET", "/api/groups/x/members"),
                                         ("POST", "/api/groups/x/members"), ("DELETE", "/api/groups/x/members")])
def test_every_group_call_needs_the_admin_token(admin, method, path):
    status, error = http_json(admin.http, method, path, body={"name": "x"} if method == "POST" else None)
    assert (status, error["error"]) == (401, "unauthorized"), error


class PostgresProxy:
    """A TCP relay to PostgreSQL that the test can cut and restore: an outage as the
    server sees it (refused connections, dropped sessions) without stopping the shared
    database server."""

    def __init__(self, target_url):
        parts = urlsplit(target_url)
        self.target = (parts.hostname, parts.port or 5432)
        self.port = free_port()
        user = f"{parts.username}@" if parts.username else ""
        self.url = urlunsplit((parts.scheme, f"{user}127.0.0.1:{self.port}", parts.path, parts.query, ""))
        self.sockets = []
        self.listener = None
        self.lock = threading.Lock()

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(64)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                return
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        # shutdown first: it wakes the thread blocked in accept (close alone would leave
        # the socket listening until that accept returns).
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()
                except OSError:
                    pass
            self.sockets = []


class ProxiedDatabase:
    """What `Server` needs of a database (`url`, `sql`), reached through the proxy."""

    def __init__(self, database, proxy):
        self.url = proxy.url
        self.sql = database.sql


def test_postgres_down_answers_503_promptly_then_recovers(environment, server_factory):
    database = Database(environment)
    proxy = PostgresProxy(database.url)
    proxy.start()
    try:
        server = server_factory(admin_token=TOKEN, wait_for_quotes=False, database=ProxiedDatabase(database, proxy))
        status, _ = call(server, "POST", "/api/groups", {"name": "before"})
        assert status == 201
        proxy.cut()
        for method, path, body in [("GET", "/api/groups", None), ("POST", "/api/groups", {"name": "during"}),
                                   ("POST", "/api/groups/before/members", {"users": ["u1"]})]:
            started = time.monotonic()
            status, error = call(server, method, path, body, timeout=15)
            assert (status, error["error"]) == (503, "database_unavailable"), error
            assert time.monotonic() - started < 8, "an outage answers within the request's wait"
        status, health = http_json(server.http, "GET", "/healthz")
        assert status == 200, "the server itself stays up"
        proxy.start()
        deadline = time.monotonic() + 15
        while True:
            status, listing = call(server, "GET", "/api/groups", timeout=15)
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert status == 200 and [g["name"] for g in listing["groups"]] == ["before"], listing
        status, _ = call(server, "POST", "/api/groups", {"name": "after"})
        assert status == 201
        server.stop()
    finally:
        proxy.cut()
        database.drop()
