"""Organisations and the claims-administrator names they answer for are managed by administrators; what the
services write (records requests, uploads, the portal event log, webhook deliveries, deliveries) is read
only. Portal users are managed by each organisation's administrator in the portal."""

from django.contrib import admin

from imr_site.readonly_admin import ReadOnlyAdminMixin
from parties.models import (
    ClaimsAdministratorName,
    ClaimsAdministratorOrganisation,
    DeterminationDelivery,
    PortalEvent,
    RecordsRequest,
    WebhookDelivery,
    WebhookSubscription,
)


class NameInline(admin.TabularInline):
    model = ClaimsAdministratorName
    extra = 1


@admin.register(ClaimsAdministratorOrganisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "may_submit_applications", "created_at"]
    search_fields = ["name", "names__name"]
    inlines = [NameInline]


@admin.register(RecordsRequest)
class RecordsRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "requested_on", "electronically", "insufficient_at", "reminder_sent_at"]
    search_fields = ["case__case_number"]


@admin.register(PortalEvent)
class PortalEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "organisation", "case", "username", "via_api", "action"]
    list_filter = ["action", "via_api"]
    search_fields = ["case__case_number", "username"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["organisation", "url", "active", "created_at"]
    exclude = ["secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "event", "subscription", "status", "attempts", "delivered_at"]
    list_filter = ["status", "event"]


@admin.register(DeterminationDelivery)
class DeterminationDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["letter", "party", "channel", "prepared_at", "sent_at"]
    list_filter = ["party", "channel"]
