"""Turn a disputed item's free text ("Norco 10/325mg #120", "PT 2x6 lumbar") into an ItemRequest."""

from __future__ import annotations

import re
from functools import lru_cache

from .schema import ItemRequest
from .vocabulary import (
    BODY_REGIONS,
    DRUG_FAMILIES,
    LEVEL_PATTERN,
    NUMBER_WORDS,
    TREATMENT_FAMILIES,
    UNNAMED_DRUG,
)

_NUM = r"(\d+(?:\.\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_ELIGIBLE = re.compile(
    r"(?:remaining\s+IMR\s+eligible\s+portion\s+of\s+the\s+original\s+request|"
    r"original\s+request\s+IMR\s+eligible\.\s+The\s+original\s+request),?\s*(.*?)(?:\s+is)?\s*\.?\s*$",
    re.I | re.S,
)


def _num(token: str) -> float | None:
    token = token.lower()
    if token in NUMBER_WORDS:
        return float(NUMBER_WORDS[token])
    try:
        return float(token)
    except ValueError:
        return None


@lru_cache(maxsize=256)
def _phrase_re(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])")


def find_phrases(text: str, phrases: list[str]) -> list[str]:
    """Phrases present in lower-cased ``text`` on word boundaries."""
    return [p for p in phrases if p in text and _phrase_re(p).search(text)]


def eligible_part(description: str) -> str:
    """The part of a partly-certified description that is still disputed."""
    m = _ELIGIBLE.search(description or "")
    if m and m.group(1).strip():
        return m.group(1).strip()
    return (description or "").strip()


def detect_regions(text: str) -> list[str]:
    low = text.lower()
    regions = [key for key, words in BODY_REGIONS.items() if find_phrases(low, words)]
    if re.search(LEVEL_PATTERN, text):
        for m in re.finditer(LEVEL_PATTERN, text):
            letter = m.group(1).upper()
            region = {"L": "lumbar", "S": "lumbar", "C": "cervical", "T": "thoracic"}[letter]
            if region not in regions:
                regions.append(region)
    return regions


def _families(low: str) -> tuple[list[str], str, str]:
    """(families, kind, drug name) found in lower-cased text, most specific first."""
    found: list[tuple[int, str, str, int]] = []
    drug = ""
    for family, names in DRUG_FAMILIES.items():
        hits = find_phrases(low, names)
        if hits:
            pos = min(low.find(h) for h in hits)
            found.append((pos, family, "drug", max(len(h) for h in hits if low.find(h) == pos)))
            if not drug or pos < low.find(drug):
                drug = min(hits, key=lambda h: low.find(h))
    for family, (kind, phrases) in TREATMENT_FAMILIES.items():
        hits = find_phrases(low, phrases)
        if hits:
            pos = min(low.find(h) for h in hits)
            # At the same place the longer phrase is the more specific ("ice machine" over "ice").
            length = max(len(h) for h in hits if low.find(h) == pos)
            found.append((pos, family, kind, length))
    found.sort(key=lambda t: (t[0], -t[3]))
    families = [t[1] for t in found]
    kinds = [t[2] for t in found]
    kind = kinds[0] if kinds else ""
    # A drug named with a strength outranks incidental words such as "patch" or "support".
    if any(k == "drug" for k in kinds) and kind != "drug":
        kind = "drug" if re.search(r"\d\s*(?:mg|mcg|%|ml|gm?)\b", low) else kind
    return families, kind, drug


def _refine(families: list[str], kind: str, low: str) -> tuple[list[str], str]:
    """Resolve overlaps between families (e.g. 'MRI' beats 'consult'; 'lumbar support' beats 'dme')."""
    fam = list(dict.fromkeys(families))
    if "lumbar_support" in fam and "dme" in fam:
        fam.remove("dme")
    if "postop_pt" in fam and "physical_therapy" in fam:
        fam.remove("physical_therapy")
    if "chiropractic" in fam and "physical_therapy" in fam and "chiro" in low:
        fam.remove("physical_therapy")
    if "tramadol" in fam and "opioid" in fam:
        fam.remove("opioid")
        fam.insert(0, "opioid")
    diagnostics = [f for f in fam if f in ("mri", "ct", "xray", "emg_ncv", "bone_scan")]
    if diagnostics:
        fam = diagnostics + [
            f for f in fam if f not in diagnostics and f not in ("consult", "dme", "surgery")
        ]
        kind = "imaging" if diagnostics[0] != "emg_ncv" else "diagnostic"
    if "lab" in fam and re.search(r"ekg|ecg|clearance|labs|chest|cxr|pre-?op", low):
        fam = ["lab"]  # pre-operative testing: a chest X-ray before surgery is not imaging of the injury
        kind = "lab"
    if "assistant_surgeon" in fam:
        return ["assistant_surgeon"], "surgery"  # judged by the complexity of the surgery it assists
    if "tpii" in fam and "tpi" in fam:
        fam.remove("tpi")  # impedance imaging locates trigger points; it is not an injection
    if "surgery" in fam and ("massage" in fam or "home_health" in fam):
        fam.remove("surgery")
    if "surgery" in fam:
        drugs = [f for f in fam if f in DRUG_FAMILIES]
        if not drugs and fam[0] in ("consult",) and re.search(r"consult|evaluation|referral", low):
            fam.remove("surgery")
        elif not drugs and "cryotherapy" not in fam and "dme" not in fam and "postop_pt" not in fam:
            fam = ["surgery"] + [f for f in fam if f != "surgery"]
            kind = "surgery"
    if (
        fam
        and fam[0] == "consult"
        and len(fam) > 1
        and fam[1]
        in (
            "psych_eval",
            "psych_treatment",
            "fce",
            "chiropractic",
            "physical_therapy",
            "acupuncture",
            "massage",
            "frp",
            "work_conditioning",
        )
    ):
        fam.pop(0)
    if (
        "topical" in fam
        and fam[0] != "topical"
        and "opioid" not in fam
        and re.search(r"\d\s*%|cream|gel|ointment|patch", low)
    ):
        fam.remove("topical")
        fam.insert(0, "topical")
        kind = "drug"
    if (
        "injection" in low
        and "topical" in fam
        and any(f in fam for f in ("joint_injection", "esi", "tpi", "facet", "prp"))
    ):
        fam.remove("topical")
        kind = "injection"
    if "opioid" in fam and fam[0] == "topical":
        fam.remove("opioid")
        fam.insert(0, "opioid")  # a transdermal opioid (Butrans, Duragesic) is judged as an opioid
    if not fam and re.search(UNNAMED_DRUG, low):
        # A drug the vocabulary does not name (e.g. sildenafil): still a drug, judged on drug information.
        fam = ["other_drug"]
    if fam and (fam[0] in DRUG_FAMILIES or fam[0] == "other_drug"):
        kind = "drug"
    elif fam:
        kind = next((k for f2, (k, _) in TREATMENT_FAMILIES.items() if f2 == fam[0]), kind)
    return fam, kind


def parse_item(description: str | None, quantity: int | None = None) -> ItemRequest:
    """Parse an item description; never raises, returns an empty request for empty or nonsense text."""
    text = (description or "").strip()
    req = ItemRequest(description=text, quantity=quantity)
    if not text:
        return req
    core = eligible_part(text)
    req.core = core
    low = core.lower()
    req.postoperative = bool(re.search(r"post[- ]?op|postoperative|post-?surgical|associated surgical", low))
    low = re.sub(r"^associated surgical services?:\s*", "", low)
    families, kind, drug = _families(low)
    req.families, req.kind = _refine(families, kind, low)
    if req.kind == "drug":
        req.drug = drug or (re.findall(r"[a-z][a-z-]{3,}", low) or [""])[0]
    req.regions = detect_regions(core)
    req.sides = [s for s in ("left", "right", "bilateral") if re.search(rf"\b{s}\b", low)]
    req.levels = ["".join(m.groups()) for m in re.finditer(LEVEL_PATTERN, core)]
    if req.postoperative and req.families and req.families[0] == "physical_therapy":
        req.families[0] = "postop_pt"
    req.retrospective = "retrospective" in low or bool(re.search(r"\bdos\b", low))
    req.additional = bool(
        re.search(r"\b(additional|continue|continued|more|extension|renewal|refill)\b", low)
    )
    req.initial = bool(re.search(r"\b(initial|trial|evaluation|eval)\b", low))
    req.compound = low.count("%") >= 2 or bool(re.search(r"compound", low))
    if req.compound and "topical" in req.families:
        req.families.insert(req.families.index("topical") + 1, "topical_compound")
    _parse_quantities(req, low)
    return req


def _parse_quantities(req: ItemRequest, text: str) -> None:
    low = text.lower()
    m = re.search(r"(\d+(?:\.\d+)?(?:\s*[/-]\s*\d+(?:\.\d+)?)*\s*(?:mg|mcg|%|mg/ml|ml|gm|g)\b)", low)
    if m and req.kind == "drug":
        req.strength = m.group(1).replace(" ", "")
    m = re.search(r"#\s*(\d+)", low) or re.search(r"\bqty:?\s*(\d+)", low)
    if m:
        req.count = int(m.group(1))
    # Frequency over weeks: "3 times a week for 2 weeks", "2x6", "two times a week times six weeks",
    # "1 to 2 times per week for 3 weeks", "2-3 times a week for 6 weeks", "two times four visits".
    m = re.search(
        _NUM + r"(?:\s*(?:-|to)\s*" + _NUM + r")?\s*(?:times|x)\s*(?:a|per|each|/)?\s*(?:week|wk)\w*\s*"
        r"(?:for|x|times|over)?\s*" + _NUM + r"\s*(?:weeks?|wks?)",
        low,
    )
    if m:
        lo, hi, weeks = _num(m.group(1)), _num(m.group(2) or m.group(1)), _num(m.group(3))
        if lo and weeks:
            req.frequency_per_week = hi or lo
            req.weeks = int(weeks)
            req.sessions = int(round((hi or lo) * weeks))
    if req.sessions is None:
        m = re.search(r"(?<![\d/.#])(\d{1,2})\s*x\s*(\d{1,2})(?![\d%])", low)
        if m and req.kind != "drug":
            a, b = int(m.group(1)), int(m.group(2))
            req.frequency_per_week, req.weeks, req.sessions = float(a), b, a * b
    if req.sessions is None:
        m = (
            re.search(r"\((\d+)(?:\s*(?:sessions?|visits?))?\)", low)
            or re.search(
                _NUM + r"\s*(?:\(\d+\)\s*)?(?:additional\s+)?(?:sessions?|visits?|treatments?)\b", low
            )
            or re.search(r"^" + _NUM + r"\s+(?:[a-z/-]+\s+){1,4}(?:sessions?|visits?|treatments?)\b", low)
            or re.search(r"(?:sessions?|visits?)\s*,?\s*(?:x\s*)?(\d{1,2})\b", low)
        )
        if m:
            n = _num(m.group(1))
            req.sessions = int(n) if n else None
    if req.sessions is None:
        m = re.search(r"\b(?:x|times|quantity|qty:?|#)\s*(\d{1,2})\b(?!\s*(?:weeks?|mg|%))", low)
        if m and req.kind in ("therapy", "modality", "psych", "service") and req.count is None:
            req.sessions = int(m.group(1))
        m2 = re.search(r"(?:for|times|x)\s*" + _NUM + r"\s*sessions?", low)
        if m2 and req.sessions is None:
            n = _num(m2.group(1))
            req.sessions = int(n) if n else None
    if req.sessions is None and req.kind in ("therapy", "psych") and req.quantity:
        req.sessions = req.quantity
