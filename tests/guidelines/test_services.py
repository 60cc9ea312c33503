"""The Django side of the guidelines: what a signed determination copies from the knowledge base."""


def test_citation_sources_name_guideline_edition_and_pages_and_keep_unknown_lines(loaded_guidelines):
    from guidelines.services import citation_sources

    known, odg, typed = citation_sources(
        [
            "MTUS Low Back Complaints 2004, Section(s): Special Studies.",
            "Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter",
            "Non-MTUS Citation Sildenafil: Drug information, accessed from a drug reference",
        ]
    )
    assert (known["guideline"], known["edition"]) == ("MTUS Low Back Complaints", 2004)
    assert known["matched"]
    assert 304 in [s["page"] for s in known["sections"]]
    assert odg["matched"] and odg["is_mtus"] is False
    assert typed == {
        "line": "Non-MTUS Citation Sildenafil: Drug information, accessed from a drug reference",
        "matched": False,
        "sections": [],
    }
