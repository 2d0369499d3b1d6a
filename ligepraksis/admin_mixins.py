"""Admin pieces every app shares."""


class ReadOnlyAdminMixin:
    """View only: no adding, changing or deleting (also for inlines, which pass the parent as obj)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
