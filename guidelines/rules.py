"""Who may do what with the guideline suggestions (django-rules)."""

import rules

from imr_site.roles import is_administrator

# The learn-from-use page: what reviewers did with the suggestions, by treatment category (issue 15).
rules.add_perm("guidelines.view_suggestion_usage", is_administrator)
