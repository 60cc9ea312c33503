"""Every sentence the parties' notices print: the records request and the cover notice of the
determination. Plain functions of the case and the determination, so each party's text is tested as is."""

from __future__ import annotations

from dataclasses import dataclass

from parties.models import Party

# Labor Code 4610.6(h): the determination may be appealed by a verified petition to the Workers'
# Compensation Appeals Board within 30 days of the date of mailing, on limited grounds only.
APPEAL_DAYS = 30

ITEM_SENTENCE = {
    "Upheld": "{item}: Upheld. The treatment is not medically necessary; the denial stands.",
    "Overturned": "{item}: Overturned. The treatment is medically necessary and must be authorised.",
}

NEXT_STEPS = {
    Party.CLAIMS_ADMINISTRATOR: (
        "The determination is binding on the employer (Labor Code 4610.6). You must authorise every "
        "overturned item promptly; no further utilization review of these requests is allowed. Upheld items "
        "need no action."
    ),
    Party.INJURED_WORKER: (
        "The claims administrator must authorise any overturned item promptly. For an upheld item, the "
        "treatment is not authorised; talk with your doctor about other care."
    ),
    Party.ATTORNEY: (
        "The claims administrator must authorise any overturned item promptly. Upheld items remain denied."
    ),
    Party.REQUESTING_PROVIDER: (
        "The claims administrator must authorise any overturned item promptly; you may then provide it. "
        "Upheld items are not authorised."
    ),
}

APPEAL_RIGHTS = (
    "Appeal rights: the determination may be appealed by filing a verified petition with the Workers' "
    f"Compensation Appeals Board within {APPEAL_DAYS} days of the date this determination was mailed, only "
    "on the grounds listed in Labor Code 4610.6(h): the determination was made without authority or was "
    "procured by fraud, the reviewer had a material conflict of interest, the determination was the result "
    "of bias, or it was the result of a plainly erroneous express or implied finding of fact that is not "
    "subject to expert opinion."
)

ADDRESSEE = {
    Party.CLAIMS_ADMINISTRATOR: "Claims administrator: {claims_administrator}",
    Party.INJURED_WORKER: "The injured worker",
    Party.ATTORNEY: "The injured worker's attorney",
    Party.REQUESTING_PROVIDER: "Requesting provider: {provider}",
}


@dataclass(frozen=True)
class CoverNotice:
    party: str
    addressee: str
    case_number: str
    date_issued: str
    item_sentences: list[str]
    next_steps: str
    appeal_rights: str
    # The envelope's address block (name, street, city state ZIP); empty when no address is on file.
    address_lines: tuple[str, ...] = ()

    @property
    def lines(self) -> list[str]:
        """The notice as plain lines, in the order printed."""
        return [
            self.addressee,
            f"Case Number: {self.case_number}",
            f"Date issued: {self.date_issued}",
            *self.item_sentences,
            self.next_steps,
            self.appeal_rights,
        ]


def item_sentence(heading: str, decision: str) -> str:
    return ITEM_SENTENCE[decision].format(item=heading)


def cover_notice(
    *,
    party: str,
    case_number: str,
    claims_administrator: str,
    provider: str,
    date_issued: str,
    items,
    address_lines: list[str] | tuple[str, ...] = (),
) -> CoverNotice:
    """The cover notice for ``party``; ``items`` are (heading, decision) pairs in the letter's order."""
    return CoverNotice(
        party=party,
        addressee=ADDRESSEE[party].format(claims_administrator=claims_administrator, provider=provider),
        case_number=case_number,
        date_issued=date_issued,
        item_sentences=[item_sentence(heading, decision) for heading, decision in items],
        next_steps=NEXT_STEPS[party],
        appeal_rights=APPEAL_RIGHTS,
        address_lines=tuple(address_lines),
    )


# Printed in the window position when a mailed party has no address on file: the mailroom holds it.
NO_ADDRESS = "No mailing address on file: hold for the case's administrator."

# -- the records request (8 CCR 9792.10.5) -------------------------------------------------------------

RECORDS_TO_SEND = [
    "the utilization review determination and every document the reviewer relied on;",
    "the medical records of the treating physicians relevant to the disputed treatment, for at least the six "
    "months before the request for authorization;",
    "any guidelines, reports or correspondence about the disputed treatment;",
    "a copy of the notice of the utilization review decision sent to the injured worker.",
]
RECORDS_REQUEST_INTRO = (
    "An application for Independent Medical Review was found eligible. Under 8 CCR 9792.10.5 the claims "
    "administrator must send the following for case {case_number}:"
)
RECORDS_REQUEST_DUE = "Send the records by {due}. {basis}"
RECORDS_DUE_BASIS = {
    "expedited": "This is an expedited review: the records are due within 24 hours of this notice.",
    "electronic": "This notice was sent electronically: the records are due within 12 days of it.",
    "mailed": "This notice was mailed: the records are due within 15 days of the date of mailing.",
}
RECORDS_HOW_TO_SEND = (
    "Upload each record as a PDF in the claims administrator portal or through the API, naming each file "
    'with the case number first (for example "{case_number} Medical Records.pdf").'
)
