"""Signing in to the staff console, and nothing else: the steps, the sessions they leave, the password rules.

- password_step: the first factor, throttled per client and per client and name typed;
- second_factor: TOTP, its enrolment by a QR code shown once, the recovery codes;
- sessions: the server-side sessions and the pending rows between login steps, CSRF tokens;
- passwords: what a staff password must be (NIST SP 800-63B-4);
- client_address: who is asking, for the throttle and the console's allow list;
- routes_auth (login, logout, home), routes_login (the steps after the password),
  routes_password (one's own password change): the pages.

Accounts themselves (creation, roles, moves, deactivation) are the console's, in staff/accounts.py.
"""
