"""Who may read the audit record: administrators and the security officer, who reviews access to health
information (45 CFR 164.308(a)(1)(ii)(D)); nobody may change it (audit/models.py)."""

import rules

from imr_site.roles import is_administrator, is_security_officer

rules.add_perm("audit.view_audit_record", is_administrator | is_security_officer)
