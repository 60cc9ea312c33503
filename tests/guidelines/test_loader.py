"""The loader is idempotent, reports what it changed, and admin edits keep history."""

import json

import pytest
from django.core.management import call_command

from guidelines.models import Guideline, GuidelineSection
from guidelines.suggest.knowledge import DEFAULT_DATA_FILE

pytestmark = pytest.mark.django_db


def test_load_twice_creates_then_leaves_unchanged(capsys):
    call_command("load_guidelines")
    first = capsys.readouterr().out
    n_sections = GuidelineSection.objects.count()
    call_command("load_guidelines")
    second = capsys.readouterr().out
    assert GuidelineSection.objects.count() == n_sections > 100
    assert f"sections: {n_sections} created, 0 updated, 0 unchanged" in first
    assert f"sections: 0 created, 0 updated, {n_sections} unchanged" in second


def test_changed_data_updates_in_place(tmp_path, loaded_guidelines):
    data = json.loads(DEFAULT_DATA_FILE.read_text())
    for s in data["sections"]:
        if s["key"] == "cpmtg-physical-medicine":
            s["page"] = 98
    path = tmp_path / "g.json"
    path.write_text(json.dumps(data))
    from guidelines.loader import load_guidelines

    report = load_guidelines(path)
    assert report.updated["sections"] >= 1
    assert report.created["sections"] == 0
    section = GuidelineSection.objects.get(key="cpmtg-physical-medicine")
    assert section.page == 98
    assert section.history.count() == 2  # created, then updated


def test_editions_and_trust_flags_are_kept(loaded_guidelines):
    cpmtg2016 = Guideline.objects.get(key="mtus-cpmtg-2016")
    assert str(cpmtg2016) == "MTUS Chronic Pain Medical Treatment 2016"
    assert cpmtg2016.in_force_from.isoformat() == "2016-07-29"
    pm = GuidelineSection.objects.get(key="cpmtg-physical-medicine")
    assert pm.unverified is True and pm.unverified_figures
    assert "seed letter" in pm.source.lower() or "seed" in pm.source.lower()
    assert pm.citation == "MTUS Chronic Pain Medical Treatment 2009, Section(s): Physical Medicine"


def test_admin_lists_sections_and_their_history(admin_client, loaded_guidelines):
    section = GuidelineSection.objects.get(key="acoem-lumbar-mri-imaging")
    changelist = admin_client.get("/admin/guidelines/guidelinesection/?q=special+studies")
    assert changelist.status_code == 200
    assert "acoem-lumbar-mri-imaging" in changelist.content.decode()
    history = admin_client.get(f"/admin/guidelines/guidelinesection/{section.pk}/history/")
    assert history.status_code == 200
