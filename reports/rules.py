"""Who may read the reports: administrators (imr_site.roles). They hold counts and reviewer names only."""

import rules

from imr_site.roles import is_administrator

rules.add_perm("reports.view_reports", is_administrator)
