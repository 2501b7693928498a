"""Helpers for every app's tests: sign in past the second factor, screenshots for review.

One place for what every test that signs in needs (root ``conftest.py`` applies
``pass_second_factor`` to every Django test client; browser tests call ``browser_sign_in``):

- ``pass_second_factor(client, user)``: marks the client's session as django-otp's
  ``otp_login`` does, with the user's authenticator (made with the demo secret if missing).
- ``browser_sign_in(page, base_url, username, password)``: the login form and, for a person
  with a second factor, the code page with a code computed from the stored secret.
- ``shot(page, name)``: screenshots at 1280 and 390 px when ``RATHAUS_SCREENSHOTS`` names
  a folder (for a person to look at; tests never compare them).
"""

from __future__ import annotations

import base64
import os
import re
import time
from pathlib import Path

from django.contrib.auth import SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from rathaus.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from rathaus.core.models import User
from rathaus.core.twofactor.selectors import has_second_factor, second_factor_required

TEST_TOTP_KEY = base64.b32decode(DEMO_TOTP_SECRET).hex()
SCREENSHOTS = os.environ.get("RATHAUS_SCREENSHOTS", "")
WIDTHS = (1280, 390)


def authenticator_for_test(user: User) -> TOTPDevice:
    """The user's confirmed authenticator; one with the demo secret when there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Test", key=TEST_TOTP_KEY, confirmed=True, last_t=-1
        )
    return device


def pass_second_factor(client, user: User | None = None) -> None:
    """The client's signed-in session has passed the second factor, if the user needs one."""
    if user is None:
        user_id = client.session.get(SESSION_KEY)
        user = User.objects.filter(pk=user_id).first() if user_id else None
    if user is None or not (second_factor_required(user) or has_second_factor(user)):
        return
    device = authenticator_for_test(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def next_code(device: TOTPDevice) -> str:
    """A code the server accepts now: in its window (±1 step around its drift) and newer than
    the last one used (codes are single-use). Waits for the next step when both used up."""
    while True:
        device.refresh_from_db()
        now = (int(time.time()) - device.t0) // device.step + device.drift
        usable = [t for t in (now - 1, now, now + 1) if t > device.last_t]
        if usable:
            return f"{hotp(device.bin_key, usable[0], digits=device.digits):0{device.digits}d}"
        time.sleep(1)  # both usable steps are spent: the clock must move on


def code_for_secret(secret: str) -> str:
    """The current code of a base32 secret as shown on the enrolment page."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{hotp(key, int(time.time()) // 30, digits=6):06d}"


def browser_sign_in(page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Signs in through the login form and, where the person has or needs one, the code page."""
    user = User.objects.get(username=username)
    device = (
        authenticator_for_test(user)
        if second_factor_required(user) or has_second_factor(user)
        else None
    )
    page.goto(f"{base_url}/konto/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").last.click()
    page.wait_for_load_state()
    if device is None:
        return
    expect(page).to_have_url(re.compile(r"/konto/zweiter-faktor/pruefen/"))
    page.get_by_label("Code", exact=True).fill(next_code(device))
    page.get_by_role("button", name="Bestätigen").click()
    expect(page).not_to_have_url(re.compile(r"/konto/zweiter-faktor/"))


def shot(page, name: str, *, current_only: bool = False) -> None:
    """Screenshots at 1280 and 390 px (``current_only``: at the page's own size) into
    ``RATHAUS_SCREENSHOTS`` (nothing without it)."""
    if not SCREENSHOTS:
        return
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    if current_only:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)
        return
    size = page.viewport_size or {"width": 1280, "height": 900}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SCREENSHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size(size)
