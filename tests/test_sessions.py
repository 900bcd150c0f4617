"""Sessions end when they should and failed sign-ins slow only their source (issue 12, points 6 and 7).

Each test performs the attack: a copied cookie after sign-out, a cross-site form posting to the
API with the session cookie, anonymous failures aimed at another user's account."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from service.security import sessions
from service.security.accounts import disable_user, now
from service.db import models as m
from service_support import database_not_files, example, service  # noqa: F401  (the files cannot matter here)

ATTACKER, OFFICE = "203.0.113.9", "198.51.100.7"


def client_from(api, address: str = OFFICE):
    client = api.client.application.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sign_in(client, name: str, password: str | None = None):
    token = csrf_of(client.get("/signin").get_data(as_text=True))
    return client.post("/signin", data={"csrf": token, "name": name, "password": password or f"pw-{name}"})


def signed_in_client(api, name: str, address: str = OFFICE):
    client = client_from(api, address)
    assert sign_in(client, name).status_code == 302
    return client


def copy_of(client, api):
    """Another browser holding a copy of this one's session cookie (a stolen cookie)."""
    thief = client_from(api, ATTACKER)
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def packages(rt) -> int:
    with rt.reading() as s:
        return s.scalar(select(func.count()).select_from(m.PackageRow))


def page_token(client) -> str:
    return csrf_of(client.get("/street").get_data(as_text=True))


def test_a_copied_cookie_stops_working_when_its_owner_signs_out(service):
    rt, api = service
    owner = signed_in_client(api, "chaohui")
    thief = copy_of(owner, api)
    assert thief.get("/street").status_code == 200 and thief.get("/api/v1/packages").status_code == 200
    token = page_token(owner)
    assert owner.post("/signout", data={"csrf": token}).status_code == 302
    assert thief.get("/street").status_code in (302, 401)
    api_answer = thief.get("/api/v1/packages")
    assert api_answer.status_code == 401 and api_answer.json["error"]["code"] == "unauthorized"
    assert owner.get("/api/v1/packages").status_code == 401
    assert api("chaohui", "GET", "/api/v1/health").status_code == 200


@pytest.mark.parametrize("how", ["password", "disabled", "revoked"])
def test_a_password_change_disabling_and_revocation_end_every_session_at_once(service, how):
    rt, api = service
    browsers = [signed_in_client(api, "chaohui"), signed_in_client(api, "chaohui", ATTACKER)]
    assert all(b.get("/api/v1/packages").status_code == 200 for b in browsers)
    if how == "password":
        sessions.set_password(rt, "chaohui", "a-new-password")
    elif how == "disabled":
        disable_user(rt, "chaohui")
    else:
        assert sessions.revoke(rt, "chaohui", actor="admin") == 2
    assert [b.get("/api/v1/packages").status_code for b in browsers] == [401, 401]
    assert [b.get("/street").status_code for b in browsers] == [302, 302]
    if how == "password":  # the new password opens a new session; the old one does not
        assert sign_in(client_from(api), "chaohui").status_code == 401
        assert sign_in(client_from(api), "chaohui", "a-new-password").status_code == 302
    with rt.reading() as s:
        ended = s.scalars(select(m.WebSession.end_reason)).all()
    assert sorted(e for e in ended if e) == [how, how]


def test_a_session_idle_for_8_hours_has_ended(service):
    rt, api = service
    browser = signed_in_client(api, "clerk")
    with rt.writing() as s:
        s.execute(update(m.WebSession).values(last_seen_at=now() - timedelta(hours=7, minutes=59)))
    assert browser.get("/api/v1/packages").status_code == 200  # still within 8 hours, and now refreshed
    with rt.writing() as s:
        s.execute(update(m.WebSession).values(last_seen_at=now() - timedelta(hours=8, seconds=1)))
    assert browser.get("/api/v1/packages").status_code == 401
    assert browser.get("/packages").status_code == 302


def test_a_cross_site_form_cannot_post_a_package_with_the_session_cookie(service):
    rt, api = service
    browser = signed_in_client(api, "chaohui")
    form = {"package": (io.BytesIO(example("declaration")), "p.zip")}
    attack = browser.post("/api/v1/packages", data=form, content_type="multipart/form-data",
                          headers={"Origin": "http://evil.example", "Accept-Language": "zh-CN"})
    assert attack.status_code == 403 and attack.json["error"]["code"] == "csrf"
    assert "CSRF" in attack.json["error"]["message"] and re.search(r"[\u4e00-\u9fff]", attack.json["error"]["message"])
    english = browser.post("/api/v1/check?lang=en", data=example("declaration"), content_type="application/zip")
    assert english.status_code == 403 and "bearer token" in english.json["error"]["message"]
    assert packages(rt) == 0
    # The page's own script sends the token: that is allowed, and so is a bearer token without one.
    token = page_token(browser)
    sent = browser.post("/api/v1/packages", data={"package": (io.BytesIO(example("declaration")), "p.zip")},
                        content_type="multipart/form-data", headers={"X-CSRF-Token": token})
    assert sent.status_code == 201
    assert api.submit("chaohui", example("declaration")).status_code == 201
    assert packages(rt) == 2


def test_the_bearer_scheme_is_read_case_insensitively(service):
    _rt, api = service
    token = api.tokens["clerk"]
    for scheme in ("Bearer", "bearer", "BEARER"):
        assert api.client.get("/api/v1/packages", headers={"Authorization": f"{scheme} {token}"}).status_code == 200
    assert api.client.get("/api/v1/packages", headers={"Authorization": f"Basic {token}"}).status_code == 401


def test_anonymous_failures_do_not_lock_the_account_for_its_owner(service):
    rt, api = service
    attacker = client_from(api, ATTACKER)
    answers = [sign_in(attacker, "admin", f"guess-{i}") for i in range(8)]
    assert {a.status_code for a in answers} == {401}
    # The owner, from the office, signs in at once.
    assert sign_in(client_from(api, OFFICE), "admin").status_code == 302
    # The attacker's source now waits: even the right password is answered like a wrong one.
    throttled = sign_in(attacker, "admin")
    assert throttled.status_code == 401 and throttled.get_data() == answers[0].get_data()
    with rt.reading() as s:
        delays = [row.blocked_until - row.last_at for row in s.scalars(select(m.SigninFailure))]
    assert len(delays) == 1 and delays[0] >= timedelta(seconds=60)
    # Once the delay has passed, the source may try again.
    with rt.writing() as s:
        s.execute(update(m.SigninFailure).values(blocked_until=now() - timedelta(seconds=1)))
    assert sign_in(attacker, "admin").status_code == 302
    with rt.reading() as s:
        assert s.scalar(select(func.count()).select_from(m.SigninFailure)) == 0
    with rt.reading() as s:
        assert not s.scalar(select(m.User.disabled).where(m.User.name == "admin"))


def test_the_delays_grow_with_the_failures():
    delays = [sessions._delay(n) for n in range(1, 16)]
    assert delays[:3] == [timedelta(0)] * 3
    assert all(a < b for a, b in zip(delays[2:10], delays[3:11]))
    assert delays[-1] == sessions.MAX_DELAY


def test_wrong_password_unknown_user_and_throttled_source_do_the_same_work_and_answer_alike(service, monkeypatch):
    rt, api = service
    hashed = []
    real = sessions.check_password_hash
    monkeypatch.setattr(sessions, "check_password_hash", lambda h, p: hashed.append(h.split("$")[0]) or real(h, p))
    for _ in range(6):  # make the attacker's source wait for "clerk"
        sign_in(client_from(api, ATTACKER), "clerk", "nope")
    hashed.clear()
    cases = {"wrong password": ("archivist", "nope", OFFICE), "unknown user": ("nobody", "nope", OFFICE),
             "throttled": ("clerk", "pw-clerk", ATTACKER)}
    bodies = {}
    for label, (name, password, address) in cases.items():
        answer = sign_in(client_from(api, address), name, password)
        assert answer.status_code == 401, label
        bodies[label] = re.sub(r'name="csrf" value="[^"]+"', "", answer.get_data(as_text=True))
    assert len(set(bodies.values())) == 1
    assert len(hashed) == 3 and len(set(hashed)) == 1  # one hash of the same kind on every path


def test_the_command_line_changes_a_password_and_ends_sessions(service):
    from test_service_integrity import env_of, run_cli

    rt, api = service
    browser = signed_in_client(api, "archivist")
    ended = run_cli(env_of(rt.settings), "user", "end-sessions", "archivist")
    assert ended.returncode == 0 and "1 session(s) of archivist ended" in ended.stdout
    assert browser.get("/api/v1/packages").status_code == 401
    browser = signed_in_client(api, "archivist")
    changed = run_cli(env_of(rt.settings), "user", "password", "archivist", stdin="another-one\n")
    assert changed.returncode == 0 and "every session of archivist has ended" in changed.stdout
    assert browser.get("/api/v1/packages").status_code == 401
    assert sign_in(client_from(api), "archivist", "another-one").status_code == 302
    unknown = run_cli(env_of(rt.settings), "user", "end-sessions", "nobody")
    assert unknown.returncode == 1 and "no user nobody" in unknown.stderr


def test_signing_in_again_replaces_the_browsers_previous_session(service):
    rt, api = service
    browser = signed_in_client(api, "clerk")
    old = copy_of(browser, api)
    assert sign_in(browser, "clerk").status_code == 302
    assert old.get("/api/v1/packages").status_code == 401 and browser.get("/api/v1/packages").status_code == 200


def test_sessions_and_failures_long_over_are_forgotten_at_the_next_sign_in(service):
    rt, api = service
    signed_in_client(api, "clerk")
    sign_in(client_from(api, ATTACKER), "clerk", "wrong")
    with rt.writing() as s:
        s.execute(update(m.WebSession).values(last_seen_at=now() - timedelta(days=31)))
        s.execute(update(m.SigninFailure).values(blocked_until=now() - timedelta(days=31)))
    signed_in_client(api, "archivist")
    with rt.reading() as s:
        assert [u for u in s.scalars(select(m.WebSession.user_id))] == [s.scalar(select(m.User.id).where(m.User.name == "archivist"))]
        assert s.scalar(select(func.count()).select_from(m.SigninFailure)) == 0
