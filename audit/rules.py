"""Who may read the audit record: administrators (imr_site.roles). Nobody may change it (audit/models.py)."""

import rules

from imr_site.roles import is_administrator

rules.add_perm("audit.view_audit_record", is_administrator)
