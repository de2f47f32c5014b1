"""The pure verification rule over per-child grades: who passes, and which household an attempt named."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from azukari.identity.matching import GRADES, Grade

FIELDS = ("child_name", "address", "guardian_name")
MAX_NEAR = 1
_GRADE_OF: dict[str, Grade] = {g: g for g in GRADES}


@dataclass(frozen=True)
class Decision:
    child_id: int | None  # the child verified, or None
    named_child: int | None  # the candidate the attempt pointed at (throttling, DV alerts)
    reason: str  # "verified", or the real reason for refusing; never told to the caller
    fields: dict[str, Grade]  # how each field graded against the named candidate


def clean_grades(grades: Mapping[Any, object]) -> dict[int, Grade]:
    """Grades back from JSON conversation state: str keys become ints, anything odd becomes a fail."""
    out: dict[int, Grade] = {}
    for key, value in grades.items():
        if type(key) is int:
            child_id = key
        else:
            try:
                child_id = int(str(key))
            except ValueError:
                continue
        out[child_id] = _GRADE_OF.get(value, "fail") if isinstance(value, str) else "fail"
    return out


def decide(child: Mapping[int, Grade], address: Mapping[int, Grade], guardian: Mapping[int, Grade]) -> Decision:
    """Pass only with every field match or near and at most one near; one candidate, never a choice.

    A candidate that fails every field can neither pass nor be named, so only the others are looked at.
    """
    graded = {cid for grades in (child, address, guardian) for cid, g in grades.items() if g != "fail"}
    rows = {cid: {"child_name": child[cid], "address": address.get(cid, "fail"),
                  "guardian_name": guardian.get(cid, "fail")} for cid in sorted(graded) if cid in child}
    passing = [(sum(g == "near" for g in row.values()), cid) for cid, row in rows.items()
               if "fail" not in row.values() and sum(g == "near" for g in row.values()) <= MAX_NEAR]
    if passing:
        passing.sort()
        if len(passing) > 1 and passing[0][0] == passing[1][0]:
            return Decision(None, None, "ambiguous", {})
        cid = passing[0][1]
        return Decision(cid, cid, "verified", dict(rows[cid]))
    # The attempt names the candidate it got most right, if it got anything right at all.
    scored = [(sum(g != "fail" for g in row.values()), sum(g == "match" for g in row.values()), -cid)
              for cid, row in rows.items()]
    if not scored or max(scored)[0] == 0:
        return Decision(None, None, "unknown_child", {"child_name": "fail"})
    named = -max(scored)[2]
    fields = dict(rows[named])
    failed = [f for f in FIELDS if fields[f] == "fail"]
    return Decision(None, named, failed[0] if failed else "too_many_near", fields)
