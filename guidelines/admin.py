from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from guidelines.models import Guideline, GuidelineSection, SuggestionFeedback


@admin.register(Guideline)
class GuidelineAdmin(SimpleHistoryAdmin):
    list_display = ("title", "year", "is_mtus", "rank", "current", "in_force_from", "in_force_to")
    list_filter = ("is_mtus", "current")
    search_fields = ("title", "key")


@admin.register(GuidelineSection)
class GuidelineSectionAdmin(SimpleHistoryAdmin):
    list_display = ("key", "guideline", "section", "chapter", "page", "stance", "unverified", "confidence")
    list_filter = ("guideline", "stance", "unverified", "confidence")
    search_fields = ("key", "section", "chapter", "search_text")
    list_select_related = ("guideline",)
    readonly_fields = ("search_text",)


@admin.register(SuggestionFeedback)
class SuggestionFeedbackAdmin(admin.ModelAdmin):
    list_display = ("suggestion_key", "action", "user", "disputed_item", "at")
    list_filter = ("action",)
    readonly_fields = ("user", "disputed_item", "suggestion_key", "action", "detail", "at")
