"""The expert reviewer's workspace: the case file beside the determination being written.

- ``drafts``: start the review (when the reviewer accepts), save drafts that autosave and never
  overwrite someone else's save; field keys and conflicts.
- ``signoff``: sign-off, with quality assurance when the organisation asks for it.
- ``amendments``: an administrator reopens a signed determination as a new version.
- ``checks``: the consistency checklist that sign-off validates against.
- ``errors``: ``WorkspaceError(message, field)`` and its kinds; views put them on the form's field.
- ``views``, ``urls``, ``forms`` and the templates in ``templates/reviews/workspace/``.

Who may do what is in ``reviews/rules.py``; when, in the Review state machine (``reviews.models.review``).
"""
