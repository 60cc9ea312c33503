"""The reading side of the workspace: the records as the reviewer sees them, how a page is cited, and
the word-by-word comparison of two versions of a determination."""

from __future__ import annotations

from dataclasses import dataclass

from cases.models import Case, MedicalRecord
from reviews.models import Review
from reviews.workspace.drafts import FIELD_LABELS, ITEM_FIELDS, word_diff_html


def citation_label(record: MedicalRecord) -> str:
    """How a citation names the record, before its page: "progress note, 02/14/2017"."""
    parts = [record.get_kind_display().lower() if record.kind != "other" else record.title]
    if record.date:
        parts.append(record.date.strftime("%m/%d/%Y"))
    return ", ".join(parts)


@dataclass
class WorkspaceRecord:
    record: MedicalRecord
    is_new: bool
    label: str

    @property
    def pages(self) -> int:
        return self.record.page_count or 1


def records_for(case: Case, review: Review | None) -> list[WorkspaceRecord]:
    """The case's records by date, each marked new when it arrived after this review was started."""
    started = review.created_at if review else None
    return [
        WorkspaceRecord(
            record=r,
            is_new=bool(started and r.received_at and r.received_at > started),
            label=citation_label(r),
        )
        for r in case.records.defer("text")
    ]


@dataclass
class FieldChange:
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @property
    def diff_html(self) -> str:
        return word_diff_html(self.old, self.new)


@dataclass
class ItemComparison:
    heading: str
    fields: list[FieldChange]


def compare_versions(old: Review, new: Review) -> tuple[FieldChange, list[ItemComparison]]:
    """The clinical summary and each disputed item's fields of two versions, old -> new."""
    summary = FieldChange("Clinical case summary", old.clinical_summary, new.clinical_summary)
    before = {d.disputed_item_id: d for d in old.decisions.select_related("disputed_item")}
    after = {d.disputed_item_id: d for d in new.decisions.select_related("disputed_item")}
    items = []

    def position(item_id: int) -> int:
        return (after.get(item_id) or before[item_id]).disputed_item.position

    for item_id in sorted(before.keys() | after.keys(), key=position):
        a, b = before.get(item_id), after.get(item_id)
        fields = [
            FieldChange(FIELD_LABELS[name], getattr(a, name) if a else "", getattr(b, name) if b else "")
            for name in ITEM_FIELDS
        ]
        items.append(ItemComparison(heading=(b or a).disputed_item.heading, fields=fields))
    return summary, items
