"""A spreadsheet of six roles for the report's tests: the template's four (three peer support, a
peer mentor that is not) and two more, one described by its title only (it needs more
information) and one whose evidence contradicts itself (freely chosen, yet people cannot decline)."""

import csv
import io

from ..conftest import REPO


def mixed_csv() -> str:
    rows = list(csv.DictReader(io.StringIO((REPO / "data/templates/roles.csv").read_text(encoding="utf-8"))))
    header = list(rows[0])
    rows.append({"role_id": "lead", "role_title": "Peer Support Lead"})
    rows.append({"organisation_id": "our-voices", "role_id": "contradictory", "role_title": "Peer support worker",
                 "role_kind": "paid peer worker", "declared_practice": "peer support", "role_holder_receives_support": "yes",
                 "shared_decision_making": "yes", "participation_mode": "freely chosen", "can_decline": "no",
                 "non_clinical": "yes", "peer_supervision": "yes"})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
