"""Intake fuzzed from its own JSON Schema (hypothesis-jsonschema): whatever arrives, the upload page
answers without a 500 or a traceback, and every rejected case names the field at fault.

Documents are drawn from the schema itself (so they reach the checks after the schema: dates that
contradict each other, record files, duplicates) and then, half the time, one value anywhere in them is
replaced by arbitrary JSON (so they fail the schema in every way it can fail).
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from cases.intake import SCHEMA_PATH

SCHEMA = json.loads(SCHEMA_PATH.read_text())
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def intake_documents(draw) -> object:
    document = draw(from_schema(SCHEMA))
    if draw(st.booleans()):
        return document
    # Replace one value somewhere in the document with arbitrary JSON.
    node, path = document, []
    while isinstance(node, dict | list) and node and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node))))
        path.append((node, key))
        node = node[key]
    value = draw(ANY_JSON)
    if not path:
        return value
    parent, key = path[-1]
    parent[key] = value
    return document


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(document=intake_documents())
def test_fuzzed_intake_never_errors_and_every_rejection_names_a_field(admin_client, document):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("cases.json", json.dumps(document).encode(), content_type="application/json")
    response = admin_client.post(reverse("cases:import"), {"intake_file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Traceback" not in page
    report = response.context["report"]
    if report is None:  # the form itself refused the upload: the form names the field
        assert response.context["form"].errors
        return
    for outcome in report.rejected:
        for error in outcome.errors:
            assert error.path, f"a rejection that names no field: {error}"
            assert error.message
