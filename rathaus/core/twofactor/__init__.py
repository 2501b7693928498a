"""The second factor: TOTP (an authenticator app) with ten recovery codes, on django-otp.

Required for election officers, municipality and region administrators and superusers (they
can change election results or other people's rights, BSI ORP.4); optional for everyone else,
who enrol on their account page. Enforced in one place, ``middleware.SecondFactorMiddleware``:
a signed-in session that needs the second factor and has not passed it reaches only the
sign-in pages (``/konto/…``) until it has. docs/core.md "Second factor".
"""
