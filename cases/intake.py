"""Case intake: validate cases against the intake contract and import each one atomically.

The same functions serve the command line (``manage.py import_cases``), the JSON upload page and the
case form, so every path gives the same messages: the case number, the exact field path and the reason,
e.g. ``cases[3].disputed_items[0].quantity: -2 is less than the minimum of 1``.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from simple_history.utils import bulk_create_with_history

from cases.models import AddressedParty, Case, DisputedItem, MailingAddress, MedicalRecord, TreatingProvider
from imr_site.text import MAX_JSON_DEPTH, json_depth_exceeds, json_text_problems

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "case-intake.schema.json"
EXAMPLE_CASE_PATH = Path(__file__).resolve().parent / "examples" / "seed-case.json"
PDF_MAGIC = b"%PDF-"


def _exact_pattern(pattern: str) -> str:
    """JSON Schema patterns are ECMA-262, where ``$`` matches only at the very end; Python's ``$`` also
    matches before a final newline, so ``"CM15-0165834\\n"`` would pass ``^...$``. Use ``\\Z``."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern[:-1] + "\\Z"
    return pattern


def _pattern(validator, pattern: str, instance: Any, schema: dict):
    if validator.is_type(instance, "string") and not re.search(_exact_pattern(pattern), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


# The 2020-12 validator with ECMA-262 end-of-string semantics for ``pattern``: identifiers match exactly.
IntakeValidator = validators.extend(Draft202012Validator, {"pattern": _pattern})


@lru_cache(maxsize=1)
def case_validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    return IntakeValidator(schema, format_checker=FormatChecker())


# How a person names a member of a list: "disputed_items[0]" is "disputed item 1".
_ITEM_NAMES = {
    "cases": "case",
    "disputed_items": "disputed item",
    "records": "record",
    "treating_providers": "treating provider",
    "claims_administrator_guidelines": "guideline",
    "body_regions": "body region",
    "diagnoses": "diagnosis",
}
_INDEXED = re.compile(r"(\w+)\[(\d+)\]\.?")


def human_location(path: str) -> str:
    """A JSON path as a person reads it, counting from 1: ``cases[3].disputed_items[0].quantity`` is
    ``case 4 › disputed item 1 › quantity``."""

    def name(match: re.Match) -> str:
        key = match.group(1)
        return f"{_ITEM_NAMES.get(key, key)} {int(match.group(2)) + 1} › "

    return _INDEXED.sub(name, path).removesuffix(" › ")


@dataclass(frozen=True)
class FieldDoc:
    """One field of the intake format, as the format page shows it."""

    path: str
    depth: int
    type: str
    required: bool
    rules: list[str]
    description: str
    pattern: str = ""

    @property
    def anchor(self) -> str:
        """An id for the field's row: ``disputed_items[].quantity`` is ``disputed_items-quantity``."""
        return re.sub(r"[^A-Za-z0-9_]+", "-", self.path).strip("-")


def _type_of(node: dict) -> str:
    if "enum" in node:
        return "one of the listed values"
    kinds = node.get("type", "any")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    names = []
    for kind in kinds:
        if kind == "null":
            continue
        if kind == "array":
            names.append(f"list of {_type_of(node.get('items', {}))}s")
        elif kind == "string" and node.get("format") == "date":
            names.append("date")
        else:
            names.append(kind)
    out = " or ".join(names)
    return f"{out} (may be null)" if "null" in kinds else out


def _rules_of(node: dict) -> list[str]:
    rules = []
    if "enum" in node:
        rules.append(", ".join(str(v) for v in node["enum"]))
    if node.get("format") == "date":
        rules.append("YYYY-MM-DD")
    if node.get("minLength") == 1:
        rules.append("not empty")
    for key, text in (
        ("minimum", "at least {}"),
        ("maximum", "at most {}"),
        ("minLength", "at least {} characters"),  # 1 is said as "not empty" above
        ("maxLength", "at most {} characters"),
        ("minItems", "at least {} items"),
        ("maxItems", "at most {} items"),
    ):
        if key in node and not (key == "minLength" and node[key] == 1):
            rules.append(text.format(node[key]) if node[key] != 1 else text.format(1).removesuffix("s"))
    if node.get("additionalProperties") is False:
        rules.append("no other fields")
    return rules


def schema_fields(schema: dict | None = None) -> list[FieldDoc]:
    """Every field of the intake JSON Schema in document order, nested fields after their parent
    (list members as ``name[]``): the format page is made from the schema, so it cannot drift."""
    schema = schema if schema is not None else json.loads(SCHEMA_PATH.read_text())
    out: list[FieldDoc] = []

    def walk(node: dict, prefix: str, depth: int) -> None:
        required = set(node.get("required", []))
        for name, prop in node.get("properties", {}).items():
            path = f"{prefix}.{name}" if prefix else name
            out.append(
                FieldDoc(
                    path,
                    depth,
                    _type_of(prop),
                    name in required,
                    _rules_of(prop),
                    prop.get("description", ""),
                    prop.get("pattern", ""),
                )
            )
            if "properties" in prop:
                walk(prop, path, depth + 1)
            items = prop.get("items", {})
            if "properties" in items:
                walk(items, f"{path}[]", depth + 1)

    walk(schema, "", 0)
    return out


@dataclass
class IntakeError:
    """One problem: ``path`` is the JSON path counted from 0 (for code: where the form puts it);
    people read ``location``, counted from 1."""

    path: str
    message: str

    @property
    def location(self) -> str:
        return human_location(self.path)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.path else self.message


@dataclass
class CaseOutcome:
    index: int
    case_number: str
    errors: list[IntakeError] = field(default_factory=list)
    case: Case | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportReport:
    outcomes: list[CaseOutcome] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    source: str = ""  # the file's name, as the user chose or typed it

    @property
    def imported(self) -> list[CaseOutcome]:
        return [o for o in self.outcomes if o.ok]

    @property
    def rejected(self) -> list[CaseOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.rejected

    def lines(self) -> list[str]:
        out = list(self.file_errors)
        for o in self.outcomes:
            if o.ok:
                out.append(f"imported {o.case_number}")
            else:
                out.extend(f"rejected {o.case_number}: {e}" for e in o.errors)
        return out


# A resolver returns a record file's bytes for the ``file`` value in the JSON, or raises
# FileNotFoundError. The command line reads paths relative to the JSON file; the upload page looks the
# name up among the PDFs uploaded with it.
FileResolver = Callable[[str], bytes]


def directory_resolver(base: Path) -> FileResolver:
    base = base.resolve()

    def resolve(name: str) -> bytes:
        path = (base / name).resolve()
        if base not in path.parents:
            raise FileNotFoundError("the path leaves the folder of the intake file")
        if not path.is_file():
            raise FileNotFoundError(f"no file {name} next to the intake file")
        if path.stat().st_size > settings.MAX_RECORD_UPLOAD_BYTES:
            raise ValueError(_too_large(path.stat().st_size))
        return path.read_bytes()

    return resolve


def mapping_resolver(files: dict[str, bytes]) -> FileResolver:
    def resolve(name: str) -> bytes:
        key = Path(name).name
        if key not in files:
            raise FileNotFoundError(f"{key} was not uploaded with the intake file")
        return files[key]

    return resolve


def _too_large(size: int) -> str:
    limit_mb = settings.MAX_RECORD_UPLOAD_BYTES / (1024 * 1024)
    return f"the file is {size / (1024 * 1024):.1f} MB; the limit is {limit_mb:.0f} MB"


def pdf_page_count(content: bytes) -> int:
    """The number of pages of a PDF, read by parsing it (pypdf); ValueError when it cannot be read."""
    import io

    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("a password-protected PDF; ask for an unprotected copy")
        pages = len(reader.pages)
    except ValueError:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on damaged files
        raise ValueError(f"not a readable PDF ({type(exc).__name__})") from exc
    if pages < 1:
        raise ValueError("a PDF with no pages")
    return pages


def check_pdf(content: bytes) -> str | None:
    """Why these bytes are not an acceptable record PDF, or None. Checks the bytes, not the name: the
    header, the end marker, and then the whole structure by parsing it."""
    if len(content) > settings.MAX_RECORD_UPLOAD_BYTES:
        return _too_large(len(content))
    if content.lstrip(b"\r\n\t ")[:5] != PDF_MAGIC:
        return "not a PDF (the file does not start with %PDF-)"
    if b"%%EOF" not in content[-2048:]:
        return "not a complete PDF (no %%EOF marker at the end)"
    try:
        pdf_page_count(content)
    except ValueError as exc:
        return str(exc)
    return None


def split_cases(data: Any) -> tuple[list[Any], str]:
    """The cases in a parsed intake file and the path prefix their errors carry."""
    if isinstance(data, dict) and set(data) == {"cases"}:
        if not isinstance(data["cases"], list):
            raise ValueError('"cases" must be a list of case objects')
        return data["cases"], "cases"
    return [data], ""


def _fmt_path(prefix: str, index: int, parts: Iterable[Any]) -> str:
    out = f"{prefix}[{index}]" if prefix else ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    # A problem with the case as a whole (not an object, a database refusal) still names where it is.
    return out or "case"


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def schema_errors(payload: Any, prefix: str = "", index: int = 0) -> list[IntakeError]:
    errors = sorted(case_validator().iter_errors(payload), key=lambda e: list(map(str, e.absolute_path)))
    return [IntakeError(_fmt_path(prefix, index, e.absolute_path), e.message) for e in errors]


def consistency_errors(payload: dict, prefix: str = "", index: int = 0) -> list[IntakeError]:
    """Dates that contradict each other. Runs only on schema-valid payloads."""

    def at(*parts: Any) -> str:
        return _fmt_path(prefix, index, parts)

    errors = []
    injury = _date(payload["injury"]["date"])
    ur = payload["utilization_review"]
    ur_date = _date(ur["decision_date"])
    received = _date(payload["received_date"])
    records = _date(payload.get("records_received_date"))
    service = _date(ur.get("date_of_service"))
    today = datetime.date.today() + datetime.timedelta(days=1)  # a day of slack across time zones
    if injury > ur_date:
        errors.append(IntakeError(at("injury", "date"), f"{injury} is after the UR decision date {ur_date}"))
    if received < ur_date:
        errors.append(
            IntakeError(at("received_date"), f"{received} is before the UR decision date {ur_date}")
        )
    if service and service > ur_date:
        errors.append(
            IntakeError(
                at("utilization_review", "date_of_service"),
                f"{service} is after the UR decision date {ur_date}",
            )
        )
    if service and service < injury:
        errors.append(
            IntakeError(
                at("utilization_review", "date_of_service"), f"{service} is before the injury date {injury}"
            )
        )
    if records and records < received:
        errors.append(
            IntakeError(at("records_received_date"), f"{records} is before the received date {received}")
        )
    for name, value in (("received_date", received), ("records_received_date", records)):
        if value and value > today:
            errors.append(IntakeError(at(name), f"{value} is in the future"))
    requesting = [p for p in payload.get("treating_providers", []) if p.get("requesting")]
    if len(requesting) > 1:
        errors.append(IntakeError(at("treating_providers"), "more than one provider is marked as requesting"))
    for k, provider in enumerate(payload.get("treating_providers", [])):
        if provider.get("mailing_address") and not provider.get("requesting"):
            errors.append(
                IntakeError(
                    at("treating_providers", k, "mailing_address"),
                    "only the requesting provider is mailed the determination; give its address there",
                )
            )
    if payload["applicant"].get("name") and not payload["applicant"].get("mailing_address"):
        errors.append(
            IntakeError(
                at("applicant", "name"), "kept only to mail the determination: give mailing_address too"
            )
        )
    if payload.get("attorney") and not payload["applicant"]["represented"]:
        errors.append(IntakeError(at("attorney"), "given, but applicant.represented is false"))
    return errors


def validate_case(
    payload: Any, resolve_file: FileResolver | None, prefix: str = "", index: int = 0
) -> tuple[list[IntakeError], dict[int, bytes]]:
    """All errors of one case payload, and the bytes of its record files keyed by record index."""
    errors = [
        IntakeError(_fmt_path(prefix, index, path), problem) for path, problem in json_text_problems(payload)
    ]
    if errors:
        return errors, {}
    errors = schema_errors(payload, prefix, index)
    if errors:
        return errors, {}
    errors = consistency_errors(payload, prefix, index)
    if Case.objects.filter(case_number=payload["case_number"]).exists():
        errors.append(
            IntakeError(
                _fmt_path(prefix, index, ["case_number"]),
                f"{payload['case_number']} already exists; it was not imported again",
            )
        )
    files: dict[int, bytes] = {}
    for k, record in enumerate(payload.get("records", [])):
        if not record.get("file"):
            if not record.get("text"):
                errors.append(
                    IntakeError(_fmt_path(prefix, index, ["records", k]), "a record needs text or a file")
                )
            continue
        path = _fmt_path(prefix, index, ["records", k, "file"])
        if resolve_file is None:
            errors.append(IntakeError(path, "record files cannot be given here"))
            continue
        try:
            content = resolve_file(record["file"])
        except (FileNotFoundError, ValueError) as exc:
            errors.append(IntakeError(path, str(exc)))
            continue
        problem = check_pdf(content)
        if problem:
            errors.append(IntakeError(path, problem))
        else:
            files[k] = content
    return errors, files


def create_case(payload: dict, files: dict[int, bytes], by=None) -> Case:
    """Create the case and everything on it from a validated payload, in one transaction."""
    applicant = payload["applicant"]
    injury = payload["injury"]
    ur = payload["utilization_review"]
    with transaction.atomic():
        case = Case.objects.create(
            case_number=payload["case_number"],
            review_type=payload["review_type"],
            formulary_only=payload.get("formulary_only", False),
            received_date=_date(payload["received_date"]),
            records_complete_date=_date(payload.get("records_received_date")),
            applicant_age=applicant["age"],
            applicant_sex=applicant.get("sex", "unknown"),
            applicant_represented=applicant["represented"],
            injury_date=_date(injury["date"]),
            injury_description=injury["description"],
            body_regions=injury.get("body_regions", []),
            diagnoses=injury.get("diagnoses", []),
            employer=payload.get("employer", ""),
            claims_administrator=payload["claims_administrator"],
            claim_number=payload.get("claim_number", ""),
            ur_decision_date=_date(ur["decision_date"]),
            ur_date_of_service=_date(ur.get("date_of_service")),
            appealed_by=ur.get("appealed_by", ""),
            created_by=by,
        )
        # With a history row each, like every later change (the audit record).
        bulk_create_with_history(
            [
                TreatingProvider(
                    case=case,
                    name=p["name"],
                    specialty=p.get("specialty", ""),
                    requesting=p.get("requesting", False),
                )
                for p in payload.get("treating_providers", [])
            ],
            TreatingProvider,
            default_user=by,
        )
        bulk_create_with_history(mailing_addresses(case, payload), MailingAddress, default_user=by)
        bulk_create_with_history(
            [
                DisputedItem(
                    case=case,
                    position=k,
                    description=item["description"],
                    quantity=item.get("quantity"),
                    claims_administrator_guidelines=item.get("claims_administrator_guidelines", []),
                )
                for k, item in enumerate(payload["disputed_items"])
            ],
            DisputedItem,
            default_user=by,
        )
        for k, rec in enumerate(payload.get("records", [])):
            record = MedicalRecord(
                case=case,
                position=k,
                title=rec["title"],
                date=_date(rec.get("date")),
                author=rec.get("author", ""),
                kind=rec.get("kind", "other"),
                text=rec.get("text", ""),
            )
            if k in files:
                record.attach_pdf(files[k])
            record._history_user = by
            record.save()
    return case


def mailing_addresses(case: Case, payload: dict) -> list[MailingAddress]:
    """The parties' mailing addresses a validated payload gives (all optional)."""

    def address(party: str, given: dict | None, name: str = "") -> MailingAddress | None:
        if not given:
            return None
        return MailingAddress(
            case=case,
            party=party,
            name=name,
            line1=given["line1"],
            line2=given.get("line2", ""),
            city=given["city"],
            state=given["state"],
            postal_code=given["postal_code"],
        )

    applicant = payload["applicant"]
    attorney = payload.get("attorney") or {}
    requesting = next((p for p in payload.get("treating_providers", []) if p.get("requesting")), {})
    made = [
        address(AddressedParty.INJURED_WORKER, applicant.get("mailing_address"), applicant.get("name", "")),
        address(AddressedParty.ATTORNEY, attorney.get("mailing_address"), attorney.get("name", "")),
        address(AddressedParty.REQUESTING_PROVIDER, requesting.get("mailing_address")),
        address(AddressedParty.CLAIMS_ADMINISTRATOR, payload.get("claims_administrator_address")),
    ]
    return [m for m in made if m is not None]


def submit_case(payload: dict, files: dict[str, bytes], by=None) -> tuple[Case | None, list[IntakeError]]:
    """One case entered in the browser (``files``: its PDFs by the names the payload gives them): the
    same checks as an import; the case is created only when there is no error."""
    errors, pdf_bytes = validate_case(payload, mapping_resolver(files))
    if errors:
        return None, errors
    return create_case(payload, pdf_bytes, by=by), []


def import_payload(data: Any, resolve_file: FileResolver | None, by=None) -> ImportReport:
    """Import every case of a parsed intake file; a bad case imports nothing and the rest go in."""
    report = ImportReport()
    try:
        cases, prefix = split_cases(data)
    except ValueError as exc:
        report.file_errors.append(str(exc))
        return report
    seen: set[str] = set()
    for index, payload in enumerate(cases):
        number = payload.get("case_number", "?") if isinstance(payload, dict) else "?"
        outcome = CaseOutcome(index=index, case_number=str(number))
        errors, files = validate_case(payload, resolve_file, prefix, index)
        number = str(number)
        if number in seen:
            errors.append(
                IntakeError(_fmt_path(prefix, index, ["case_number"]), f"{number} appears twice in this file")
            )
        seen.add(number)
        outcome.errors = errors
        if not errors:
            try:
                outcome.case = create_case(payload, files, by=by)
            except DatabaseError as exc:
                # Validation should have caught it; if not, this case is reported and the rest go on.
                outcome.errors = [
                    IntakeError(
                        _fmt_path(prefix, index, []), f"the database refused the case ({type(exc).__name__})"
                    )
                ]
        report.outcomes.append(outcome)
    return report


def _parse_json(text: str) -> Any:
    """Parsed JSON, refusing documents nested too deeply to be an intake file (ValueError)."""
    try:
        data = json.loads(text)
    except RecursionError:
        data = None
    if data is None or json_depth_exceeds(data):
        raise ValueError(f"nested more than {MAX_JSON_DEPTH} levels deep; an intake file never is")
    return data


def import_file(path: Path, by=None) -> ImportReport:
    report = ImportReport(source=str(path))
    try:
        data = _parse_json(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        report.file_errors.append(f"{path}: no such file")
        return report
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.file_errors.append(f"{path}: not valid JSON ({exc})")
        return report
    except ValueError as exc:
        report.file_errors.append(f"{path}: {exc}")
        return report
    return _named(import_payload(data, directory_resolver(Path(path).parent), by=by), str(path))


def _named(report: ImportReport, source: str) -> ImportReport:
    report.source = source
    return report


def import_bytes(
    content: bytes, files: dict[str, bytes] | None = None, by=None, name: str = "The file"
) -> ImportReport:
    """The upload page's entry point: a JSON document (uploaded as ``name``) plus the PDFs uploaded
    beside it. Messages name the file."""
    report = ImportReport(source=name)
    try:
        data = _parse_json(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.file_errors.append(f"{name} is not valid JSON: {exc}")
        return report
    except ValueError as exc:
        report.file_errors.append(f"{name} is {exc}.")
        return report
    return _named(import_payload(data, mapping_resolver(files or {}), by=by), name)
