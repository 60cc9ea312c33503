"""The expert reviewer's workspace: drafts that autosave, the consistency checklist, sign-off, QA and
amendments. Plain functions with no view code; ``reviews.views`` calls them."""
