"""Who may do what with the guideline suggestions (django-rules)."""

import rules

from imr_site.roles import is_administrator, is_imr_user

# The learn-from-use page: what reviewers did with the suggestions, by treatment category (issue 15).
rules.add_perm("guidelines.view_suggestion_usage", is_administrator)

# The knowledge base's search, for the IMR side (reviewers write with it); not the claims administrators'.
rules.add_perm("guidelines.search_guidelines", is_imr_user)
