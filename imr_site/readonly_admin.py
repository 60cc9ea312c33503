"""Records the admin site shows and never adds, changes or deletes, for anyone (superusers too)."""


class ReadOnlyAdminMixin:
    """For records that are written only by the product's services (signed reviews, letters, histories,
    the audit record): the admin site is a window on them, never a way around those services."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
