"""`azukari staff add|deactivate`: one unit of work each."""
from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy import select

from azukari.booking.models import Facility
from azukari.command_error import CommandError
from azukari.oversight import audit
from azukari.runtime import Runtime
from azukari.staff import accounts
from azukari.staff.models import StaffAccount


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("password again: ") != first:
        raise CommandError("the passwords differ")
    return first


def run_staff_command(runtime: Runtime, args: argparse.Namespace) -> None:
    now = runtime.clock.now()
    with runtime.database.unit_of_work() as session:
        if args.staff_command == "add":
            facility_id = None
            if args.facility is not None:
                facility_id = session.scalar(select(Facility.id).where(Facility.key == args.facility))
                if facility_id is None:
                    raise CommandError(f"no facility with key {args.facility}")
            try:
                account = accounts.create_account(
                    session, username=args.username, display_name=args.name or args.username,
                    password=_password(args.password_stdin), role=args.role, facility_id=facility_id, now=now)
            except accounts.AccountError as error:
                raise CommandError(str(error)) from error
            audit.record(session, actor="cli", action="staff.created", now=now,
                         detail={"staff_id": account.id, "role": account.role})
            message = f"created {account.role} account {account.username}"
        else:
            found = session.scalar(select(StaffAccount).where(StaffAccount.username == args.username))
            if found is None:
                raise CommandError(f"no staff account {args.username!r}")
            accounts.deactivate(session, account=found, now=now)
            audit.record(session, actor="cli", action="staff.deactivated", now=now, detail={"staff_id": found.id})
            message = f"deactivated {found.username}; its sessions have ended"
        session.commit()
    print(message)
