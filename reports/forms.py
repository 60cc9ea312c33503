"""The reports' period: issue dates from and to (California dates), the last twelve months by default."""

from __future__ import annotations

import datetime

from django import forms

from reports.queries import Period

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LONGEST_PERIOD_DAYS = 366 * 10


class PeriodForm(forms.Form):
    start = forms.DateField(label="Issued from", widget=DATE, required=False)
    end = forms.DateField(label="to", widget=DATE, required=False)

    def clean(self):
        data = super().clean()
        default = Period.last_twelve_months()
        start, end = data.get("start") or default.start, data.get("end") or default.end
        if "start" not in self.errors and "end" not in self.errors:
            if start > end:
                self.add_error("end", "The end date is before the start date.")
            elif (end - start).days > LONGEST_PERIOD_DAYS:
                self.add_error("start", "Choose a period of at most ten years.")
        data["period"] = Period(start, end)
        return data

    def period(self) -> Period:
        """The chosen period; the default one while the form is unbound or invalid."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period"]
        return Period.last_twelve_months()


def initial_for(period: Period) -> dict[str, datetime.date]:
    return {"start": period.start, "end": period.end}
