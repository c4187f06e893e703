"""Log-in, sessions, throttling, tokens and user administration over the web (issue 21).

In-process (TestClient) on SQLite and PostgreSQL.  What is shown: logging out and
disabling a user end the session (the old cookie is refused), a revoked or expired token
gets 401, repeated bad log-ins get 429 (per user and per address) and are audited, weak
passwords are refused, a user given a password by an administrator must change it first,
and the cookie is Secure on HTTPS (directly or through a trusted proxy).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from jixiao.domain.workflow import Role
from jixiao.services import SYSTEM, Services, users
from jixiao.services import settings as configuration
from jixiao.services.settings import Settings
from jixiao.store.models import ApiTokenRow, AuditRow
from jixiao.web.app import create_app

PASSWORD = "Lotus-pond-2026"
SECRET = "s" * 40


@pytest.fixture
def people(svc: Services, monkeypatch: pytest.MonkeyPatch) -> Services:
    """An administrator, a finance user and a congress user (cheap argon2)."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    for name, role in (
        ("guanli", Role.ADMIN),
        ("caizheng", Role.FINANCE),
        ("renda", Role.CONGRESS),
    ):
        users.add_user(svc.uow(), SYSTEM.username, name, PASSWORD, role)
    return svc


def _app(svc: Services, **settings: object) -> TestClient:
    return TestClient(create_app(svc, settings=Settings(secret=SECRET, **settings)))


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def _login(client: TestClient, username: str, password: str = PASSWORD) -> httpx.Response:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )


def _logged_in(client: TestClient, username: str) -> str:
    """Logs in; returns the CSRF token of the new session."""
    done = _login(client, username)
    assert done.status_code == 303, done.text
    return _csrf(client.get("/account").text)


def _audit_actions(svc: Services, actor: str) -> list[str]:
    with svc.session() as session:
        rows = session.execute(
            select(AuditRow).where(AuditRow.actor == actor).order_by(AuditRow.seq)
        )
        return [r.action for r in rows.scalars()]


# -- sessions -------------------------------------------------------------------------------


def test_logout_ends_the_session_and_the_old_cookie_is_refused(people: Services) -> None:
    client = _app(people)
    csrf = _logged_in(client, "renda")
    assert client.get("/api/me").json()["username"] == "renda"
    stolen = client.cookies.get("jixiao_session")
    assert stolen

    out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    # the old cookie, replayed by someone who kept it, is no login any more
    replay = _app(people)
    replay.cookies.set("jixiao_session", stolen)
    assert replay.get("/api/me").status_code == 401
    page = replay.get("/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert _audit_actions(people, "renda") == ["login", "logout"]


def test_disabling_a_user_ends_their_sessions_and_tokens(people: Services) -> None:
    victim = _app(people)
    _logged_in(victim, "caizheng")
    token = users.create_token(people.uow(), "caizheng", "sync")
    bearer = {"Authorization": f"Bearer {token}"}
    assert victim.get("/api/me").status_code == 200
    assert victim.get("/api/me", headers=bearer).status_code == 200

    admin = _app(people)
    csrf = _logged_in(admin, "guanli")
    page = admin.get("/admin/users")
    assert page.status_code == 200 and "用户管理" in page.text and "caizheng" in page.text
    # the form needs the session's CSRF token like every other form
    forged = admin.post("/admin/users/caizheng/active", data={"active": "0"})
    assert forged.status_code == 403
    done = admin.post(
        "/admin/users/caizheng/active",
        data={"active": "0", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text

    assert victim.get("/api/me").status_code == 401
    assert victim.get("/", follow_redirects=False).headers["location"] == "/login"
    refused = victim.get("/api/me", headers=bearer)
    assert refused.status_code == 401
    assert refused.json()["detail"] == "API 令牌无效、已过期、已撤销或其用户已停用"
    assert _login(_app(people), "caizheng").status_code == 401  # cannot log in again
    assert "disable" in _audit_actions(people, "guanli")

    # the last administrator cannot be disabled (nobody could then manage users)
    last = admin.post(
        "/admin/users/guanli/active",
        data={"active": "0", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert last.status_code == 422 and "唯一启用的管理员" in last.text


def test_only_administrators_see_user_management(people: Services) -> None:
    client = _app(people)
    csrf = _logged_in(client, "caizheng")
    assert client.get("/admin/users").status_code == 403
    refused = client.post(
        "/admin/users",
        data={"username": "x1", "role": "admin", "password": "Other-strong-9", "csrf_token": csrf},
    )
    assert refused.status_code == 403
    assert "x1" not in [u.username for u in users.list_users(people.uow())]
    assert "/admin/users" not in client.get("/account").text


# -- throttling -----------------------------------------------------------------------------


def test_repeated_bad_logins_lock_the_user_out_with_429(people: Services) -> None:
    client = _app(people, login_max_failures=5)
    for _ in range(5):
        assert _login(client, "guanli", "wrong-password-x").status_code == 401
    locked = _login(client, "guanli")  # even the right password, while locked
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.text and "已暂时锁定" in locked.text
    assert locked.headers["Retry-After"] == "900"
    assert client.get("/api/me").status_code == 401
    actions = _audit_actions(people, "guanli")
    assert actions.count("login_failed") == 5 and actions.count("login_locked") == 1
    # another user from the same address is not locked out by guanli's failures
    assert _login(client, "renda").status_code == 303


def test_bad_logins_from_one_address_are_throttled_across_names(people: Services) -> None:
    client = _app(people, login_max_failures=100, login_max_failures_address=3)
    for name in ("a1", "a2", "a3"):
        assert _login(client, name, "whatever-it-is").status_code == 401
    locked = _login(client, "renda")
    assert locked.status_code == 429 and "来自地址 testclient" in locked.text
    # A forwarded address is believed only from a trusted proxy: here it is not.
    page = client.get("/login")
    spoofed = client.post(
        "/login",
        data={"username": "renda", "password": PASSWORD, "csrf_token": _csrf(page.text)},
        headers={"X-Forwarded-For": "203.0.113.9"},
        follow_redirects=False,
    )
    assert spoofed.status_code == 429
    # behind a trusted proxy each client address counts on its own
    proxied = _app(people, login_max_failures_address=3, trusted_proxies=["testclient"])
    page = proxied.get("/login")
    ok = proxied.post(
        "/login",
        data={"username": "renda", "password": PASSWORD, "csrf_token": _csrf(page.text)},
        headers={"X-Forwarded-For": "203.0.113.9"},
        follow_redirects=False,
    )
    assert ok.status_code == 303, ok.text


# -- tokens ---------------------------------------------------------------------------------


def test_a_revoked_or_expired_token_gets_401(people: Services) -> None:
    client = _app(people)
    _logged_in(client, "renda")
    csrf = _csrf(client.get("/account").text)
    made = client.post(
        "/api/tokens",
        json={"name": "同步", "password": PASSWORD, "days": 7},
        headers={"X-CSRF-Token": csrf},
    )
    assert made.status_code == 201, made.text
    token = made.json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    machine = _app(people)
    assert machine.get("/api/me", headers=bearer).json()["username"] == "renda"

    listed = machine.get("/api/tokens", headers=bearer).json()
    assert [(t["name"], t["state"]) for t in listed] == [("同步", "有效")]
    token_id = listed[0]["id"]
    assert token not in str(listed)  # the secret is never listed

    # someone else cannot revoke it (nor learn it exists); the owner can
    other = users.create_token(people.uow(), "caizheng", "x")
    nosy = machine.delete(f"/api/tokens/{token_id}", headers={"Authorization": f"Bearer {other}"})
    assert nosy.status_code == 404
    revoked = machine.delete(f"/api/tokens/{token_id}", headers=bearer)
    assert revoked.status_code == 200 and revoked.json()["state"] == "已撤销"
    assert machine.get("/api/me", headers=bearer).status_code == 401

    # an administrator revokes another user's token (on the page), an expired token is dead
    second = users.create_token(people.uow(), "renda", "second", days=1)
    assert machine.get("/api/me", headers={"Authorization": f"Bearer {second}"}).status_code == 200
    with people.session() as session:
        session.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.name == "second")
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        session.commit()
    assert machine.get("/api/me", headers={"Authorization": f"Bearer {second}"}).status_code == 401
    third = users.create_token(people.uow(), "renda", "third")
    admin = _app(people)
    admin_csrf = _logged_in(admin, "guanli")
    third_id = next(t.id for t in users.list_tokens(people.uow(), "renda") if t.name == "third")
    assert "third" in admin.get("/admin/users").text
    done = admin.post(
        f"/account/tokens/{third_id}/revoke?next=/admin/users",
        data={"csrf_token": admin_csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/admin/users"
    assert machine.get("/api/me", headers={"Authorization": f"Bearer {third}"}).status_code == 401
    assert "revoke" in _audit_actions(people, "guanli")


def test_the_account_page_mints_a_token_only_with_the_password(people: Services) -> None:
    client = _app(people)
    csrf = _logged_in(client, "caizheng")
    wrong = client.post(
        "/account/tokens",
        data={"name": "同步", "days": "30", "password": "not-it", "csrf_token": csrf},
    )
    assert wrong.status_code == 422 and "密码不正确" in wrong.text
    assert users.list_tokens(people.uow(), "caizheng") == []
    made = client.post(
        "/account/tokens",
        data={"name": "同步", "days": "30", "password": PASSWORD, "csrf_token": csrf},
    )
    assert made.status_code == 201
    token = re.search(r"<code>(jx_[^<]+)</code>", made.text)
    assert token
    assert (
        _app(people)
        .get("/api/me", headers={"Authorization": f"Bearer {token.group(1)}"})
        .json()["username"]
        == "caizheng"
    )
    too_long = client.post(
        "/account/tokens",
        data={"name": "x", "days": "4000", "password": PASSWORD, "csrf_token": csrf},
    )
    assert too_long.status_code == 422 and "有效期须为 1 至 365 天" in too_long.text


# -- passwords ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("12345678", "密码至少 10 个字符"),
        ("password", "密码至少 10 个字符"),
        ("1234567890", "过于常见"),
        ("password123", "过于常见"),
        ("Qwertyuiop!", "过于常见"),
        ("xinren-2026-abc", "不能包含用户名"),
        ("aaaaaaaaaaaa", "一两个字符重复"),
        ("abababababab", "一两个字符重复"),
    ],
)
def test_weak_passwords_are_refused(password: str, expected: str) -> None:
    with pytest.raises(users.Invalid) as caught:
        users.check_password(password, "xinren")
    assert expected in caught.value.message
    assert caught.value.field == "password"


def test_a_user_added_by_an_administrator_must_change_the_password(people: Services) -> None:
    admin = _app(people)
    csrf = _logged_in(admin, "guanli")
    form = {"username": "xinren", "display_name": "新同事", "role": "finance", "csrf_token": csrf}
    weak = admin.post("/admin/users", data={**form, "password": "password"})
    assert weak.status_code == 422 and "密码至少 10 个字符" in weak.text
    weak = admin.post("/admin/users", data={**form, "password": "12345678"})
    assert weak.status_code == 422
    added = admin.post(
        "/admin/users", data={**form, "password": "Initial-pass-77"}, follow_redirects=False
    )
    assert added.status_code == 303, added.text
    assert users.get_user(people.uow(), "xinren").must_change_password

    newcomer = _app(people)
    first = _login(newcomer, "xinren", "Initial-pass-77")
    assert first.status_code == 303 and first.headers["location"] == "/account/password"
    # nothing else until the password is changed: pages redirect, the API refuses
    assert newcomer.get("/", follow_redirects=False).headers["location"] == "/account/password"
    api = newcomer.get("/api/tables")
    assert api.status_code == 403 and "须先修改" in api.json()["detail"]
    page = newcomer.get("/account/password")
    assert "管理员为您设置了初始密码" in page.text
    csrf = _csrf(page.text)
    change = {"current_password": "Initial-pass-77", "csrf_token": csrf}
    same = newcomer.post(
        "/account/password",
        data={**change, "password": "Initial-pass-77", "password_again": "Initial-pass-77"},
    )
    assert same.status_code == 422 and "不能与当前密码相同" in same.text
    common = newcomer.post(
        "/account/password",
        data={**change, "password": "password123", "password_again": "password123"},
    )
    assert common.status_code == 422 and "过于常见" in common.text
    done = newcomer.post(
        "/account/password",
        data={**change, "password": "My-own-secret-5", "password_again": "My-own-secret-5"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert newcomer.get("/", follow_redirects=False).status_code == 200
    assert newcomer.get("/api/me").json()["username"] == "xinren"
    assert not users.get_user(people.uow(), "xinren").must_change_password

    # a token of a user whose password an administrator reset waits for the change too
    token = users.create_token(people.uow(), "xinren", "sync")
    bearer = {"Authorization": f"Bearer {token}"}
    assert newcomer.get("/api/me", headers=bearer).status_code == 200
    users.set_password(people.uow(), "guanli", "xinren", "Second-initial-8", temporary=True)
    waiting = _app(people).get("/api/me", headers=bearer)
    assert waiting.status_code == 403 and "须先修改" in waiting.json()["detail"]


def test_an_administrator_resets_a_password_and_the_sessions_end(people: Services) -> None:
    user = _app(people)
    _logged_in(user, "renda")
    admin = _app(people)
    csrf = _logged_in(admin, "guanli")
    done = admin.post(
        "/admin/users/renda/password",
        data={"password": "Reset-by-admin-3", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert user.get("/api/me").status_code == 401
    again = _app(people)
    assert _login(again, "renda").status_code == 401  # the old password is gone
    assert _login(again, "renda", "Reset-by-admin-3").headers["location"] == "/account/password"


# -- cookies --------------------------------------------------------------------------------


def _session_cookie(response: httpx.Response) -> str:
    found = [c for c in response.headers.get_list("set-cookie") if c.startswith("jixiao_session=")]
    assert found, response.headers
    return found[-1].lower()


def test_the_cookie_is_secure_on_https(people: Services) -> None:
    plain = _app(people)
    assert "secure" not in _session_cookie(plain.get("/login"))
    direct = TestClient(
        create_app(people, settings=Settings(secret=SECRET)), base_url="https://testserver"
    )
    assert "; secure" in _session_cookie(direct.get("/login"))
    # behind a trusted proxy that terminates HTTPS
    proxied = _app(people, trusted_proxies=["testclient"])
    forwarded = proxied.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "; secure" in _session_cookie(forwarded)
    # the same header from an untrusted peer changes nothing
    assert "secure" not in _session_cookie(
        _app(people).get("/login", headers={"X-Forwarded-Proto": "https"})
    )
    # "always" marks it even on plain HTTP (a proxy that does not say it is HTTPS)
    always = _app(people, cookie_secure="always")
    assert "; secure" in _session_cookie(always.get("/login"))


# -- settings -------------------------------------------------------------------------------


def test_the_upload_limit_is_a_setting(people: Services) -> None:
    client = _app(people, max_upload_mb=1)
    csrf = _logged_in(client, "caizheng")
    big = b"x" * (1024 * 1024 + 1)
    page = client.post(
        "/import/preview",
        data={"csrf_token": csrf},
        files={"file": ("big.txt", big, "text/plain")},
    )
    assert page.status_code == 413 and "文件过大（上限 1 MB）" in page.text
    token = users.create_token(people.uow(), "caizheng", "import")
    api = _app(people, max_upload_mb=1).post(
        "/api/imports/preview",
        files={"file": ("big.txt", big, "text/plain")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 422 and "超过 1 MB" in api.json()["detail"]


def test_settings_come_from_the_environment_and_jixiao_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "jixiao.toml"
    config.write_text(
        '[server]\nsession_hours = 8\ntrusted_proxies = ["10.0.0.5"]\nmax_upload_mb = 5\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("JIXIAO_CONFIG", str(config))
    monkeypatch.setenv("JIXIAO_MAX_UPLOAD_MB", "7")  # the environment wins over the file
    monkeypatch.setenv("JIXIAO_COOKIE_SECURE", "always")
    monkeypatch.setenv("JIXIAO_SECRET", "e" * 40)
    loaded = configuration.load()
    assert (loaded.session_hours, loaded.trusted_proxies, loaded.max_upload_mb) == (
        8,
        ["10.0.0.5"],
        7,
    )
    assert loaded.cookie_secure == "always" and loaded.secret_key == "e" * 40
    assert "e" * 40 not in repr(loaded)  # the key is not shown in logs or tracebacks
    monkeypatch.setenv("JIXIAO_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.6")
    assert configuration.load().trusted_proxies == ["127.0.0.1", "10.0.0.6"]
    monkeypatch.setenv("JIXIAO_COOKIE_SECURE", "sometimes")
    with pytest.raises(users.Invalid) as caught:
        configuration.load()
    assert "Cookie 安全标志 cookie_secure" in caught.value.message
    monkeypatch.setenv("JIXIAO_COOKIE_SECURE", "auto")
    monkeypatch.setenv("JIXIAO_TOKEN_DAYS", "400")
    with pytest.raises(users.Invalid) as caught:
        configuration.load()
    assert "token_days（400）超过最长有效期 token_max_days（365）" in caught.value.message
