"""Words that item descriptions and records use for treatments, drugs, body regions and specialties.

Kept as data (not rules) so the parser stays general: adding a synonym here teaches every section
that covers the family. Families are the join key between a parsed request and guideline sections.
The one vocabulary of the project: the suggestion engine and reviewer assignment
(``reviews.assignment.specialties``) both read it, so it stays free of Django.
"""

from __future__ import annotations

import re

# family -> (kind, phrases). Phrases are matched on word boundaries in lower-cased text; longer first.
TREATMENT_FAMILIES: dict[str, tuple[str, list[str]]] = {
    "postop_pt": (
        "therapy",
        [
            "post-op physical therapy",
            "postoperative physical therapy",
            "post op pt",
            "post-operative physical therapy",
            "postsurgical physical therapy",
            "post-op pt",
            "post-op therapy",
        ],
    ),
    "physical_therapy": (
        "therapy",
        [
            "physical therapy",
            "physiotherapy",
            "pt",
            "occupational therapy",
            "ot",
            "physical medicine",
            "therapeutic exercise",
            "hand therapy",
            "aquatic therapy",
            "aqua therapy",
            "pool therapy",
            "chirophysio therapy",
            "physio",
            "e-stim",
            "electrical stimulation",
        ],
    ),
    "chiropractic": (
        "therapy",
        [
            "chiropractic",
            "chiropractor",
            "chiro",
            "chirophysio",
            "manipulation",
            "manual therapy",
            "cmt",
            "osteopathic manipulative",
            "omt",
            "mobilization",
        ],
    ),
    "acupuncture": ("therapy", ["acupuncture", "electroacupuncture", "electro acupuncture", "acupressure"]),
    "massage": ("therapy", ["massage", "myofascial release", "soft tissue mobilization"]),
    "work_conditioning": ("therapy", ["work conditioning", "work hardening"]),
    "frp": (
        "therapy",
        [
            "functional restoration",
            "frp",
            "chronic pain program",
            "interdisciplinary pain",
            "partial hospitalization",
            "day treatment",
        ],
    ),
    "rehab_facility": (
        "therapy",
        [
            "acute inpatient rehabilitation",
            "acute rehabilitation unit",
            "inpatient rehabilitation",
            "skilled nursing facility",
            "snf",
        ],
    ),
    "psych_eval": (
        "psych",
        [
            "psychological testing",
            "psychological evaluation",
            "psych eval",
            "psychological consultation",
            "psychiatric evaluation",
            "psychological assessment",
        ],
    ),
    "psych_treatment": (
        "psych",
        [
            "psychotherapy",
            "cognitive behavioral therapy",
            "cbt",
            "psychological treatment",
            "counseling",
            "psychiatric treatment",
        ],
    ),
    "biofeedback": ("therapy", ["biofeedback"]),
    "home_health": (
        "service",
        [
            "home health",
            "home care",
            "rn",
            "nurse",
            "wound care",
            "home health aide",
            "caregiver",
            "home aide",
        ],
    ),
    # The MTUS does not address these: the knowledge base cites the ODG topic and says so (issue 15).
    "transportation": (
        "service",
        [
            "transportation",
            "transport",
            "medical transportation",
            "non-emergency medical transportation",
            "nemt",
            "taxi",
            "rides to",
            "ride to",
        ],
    ),
    "medical_supplies": (
        "dme",
        [
            "gloves",
            "glove",
            "wipes",
            "wipe",
            "medical supplies",
            "supplies",
            "incontinence",
            "diapers",
            "underpads",
            "chux",
            "bandages",
            "dressings",
            "gauze",
            "pads",
            "pad",
        ],
    ),
    "assistant_surgeon": (
        "surgery",
        ["assistant surgeon", "surgical assistant", "assistant at surgery", "co-surgeon", "first assistant"],
    ),
    "ultrasound_therapy": (
        "modality",
        ["therapeutic ultrasound", "ultrasound therapy", "ultrasound treatment", "ultrasound treatments"],
    ),
    "traction": (
        "modality",
        [
            "traction",
            "traction unit",
            "cervical traction",
            "lumbar traction",
            "home traction",
            "over the door traction",
            "saunders",
        ],
    ),
    "gym": ("service", ["gym membership", "gym", "health club", "ymca", "pool membership"]),
    "heat_cold": (
        "modality",
        [
            "heat therapy",
            "infrared heat",
            "infrared",
            "hot/cold",
            "heat pad",
            "heating pad",
            "hot pack",
            "cold pack",
            "ice pack",
            "heat wrap",
            "heat and ice",
            "heat and cold",
            "ice and heat",
            "hot and cold",
            "hot/cold packs",
            "hot packs",
            "ice",
            "heat",
        ],
    ),
    "cryotherapy": (
        "modality",
        [
            "cold therapy",
            "cryotherapy",
            "cold compression",
            "cold unit",
            "vascutherm",
            "game ready",
            "polar care",
            "ice machine",
        ],
    ),
    "tens": ("modality", ["tens", "transcutaneous electrical nerve stimulation", "tens unit"]),
    "hwave": ("modality", ["h-wave", "h wave"]),
    "ics": ("modality", ["interferential", "ics unit", "if unit"]),
    "nmes": (
        "modality",
        [
            "nmes",
            "neuromuscular electrical stimulation",
            "ems unit",
            "ems",
            "electrical muscle stimulation",
            "electric muscle stimulation",
            "muscle stimulator",
        ],
    ),
    "shockwave": (
        "modality",
        [
            "shockwave",
            "shock wave",
            "eswt",
            "extracorporeal shockwave",
            "extracorporeal shock wave",
            "shockwave therapy",
        ],
    ),
    "prp": ("injection", ["platelet rich plasma", "platelet-rich plasma", "prp"]),
    "mri": ("imaging", ["mri", "magnetic resonance imaging", "mr arthrogram", "mra"]),
    "ct": ("imaging", ["ct", "ct scan", "computed tomography", "cat scan"]),
    "xray": ("imaging", ["x-ray", "x-rays", "xray", "xrays", "radiograph", "radiographs", "films"]),
    "bone_scan": ("imaging", ["bone scan", "bone scintigraphy", "three phase bone scan"]),
    "eeg": ("diagnostic", ["eeg", "electroencephalogram", "electroencephalography", "qeeg"]),
    "tpii": ("diagnostic", ["trigger point impedance imaging", "tpii", "impedance imaging"]),
    "emg_ncv": (
        "diagnostic",
        [
            "emg",
            "ncv",
            "ncs",
            "emg/ncv",
            "emg/ncs",
            "ncv/emg",
            "electromyography",
            "nerve conduction",
            "electrodiagnostic",
            "ssep",
            "somatosensory",
        ],
    ),
    "uds": (
        "lab",
        [
            "urine drug screen",
            "urine drug test",
            "urine drug testing",
            "uds",
            "udt",
            "urine toxicology",
            "urine test",
            "drug screen",
        ],
    ),
    "lab": (
        "lab",
        [
            "labs",
            "lab",
            "laboratory",
            "blood work",
            "cbc",
            "ekg",
            "electrocardiogram",
            "ecg",
            "chest x-ray",
            "chest xray",
            "chest radiograph",
            "cxr",
            "medical clearance",
            "preoperative clearance",
            "pre-operative clearance",
            "pre-op clearance",
            "surgical clearance",
            "preoperative testing",
            "pre-operative testing",
            "bmp",
            "cmp",
            "pt/inr",
            "ptt",
            "urinalysis",
        ],
    ),
    "genetic_test": ("lab", ["genetic testing", "cytokine dna"]),
    "esi": (
        "injection",
        [
            "epidural steroid injection",
            "epidural injection",
            "esi",
            "epidural",
            "transforaminal",
            "interlaminar",
        ],
    ),
    "facet": ("injection", ["facet", "medial branch block", "mbb"]),
    "rfa": ("injection", ["radiofrequency", "rfa", "rhizotomy", "neurotomy"]),
    "neurolysis": ("injection", ["neurolytic", "neuroplasty", "adhesiolysis", "neurolysis"]),
    "tpi": ("injection", ["trigger point"]),
    "joint_injection": (
        "injection",
        [
            "cortisone injection",
            "corticosteroid injection",
            "steroid injection",
            "subacromial injection",
            "intra-articular",
            "joint injection",
            "dexamethasone",
            "kenalog",
            "depo-medrol",
        ],
    ),
    "hyaluronic": (
        "injection",
        ["hyaluronic", "viscosupplementation", "synvisc", "euflexxa", "orthovisc", "supartz", "gel-one"],
    ),
    "scs": ("procedure", ["spinal cord stimulator", "scs"]),
    "surgery": (
        "surgery",
        [
            "arthroscopy",
            "arthroscopic",
            "repair",
            "fusion",
            "discectomy",
            "laminectomy",
            "laminotomy",
            "foraminotomy",
            "release",
            "arthroplasty",
            "replacement",
            "open reduction",
            "orif",
            "decompression",
            "acromioplasty",
            "debridement",
            "meniscectomy",
            "tenodesis",
            "reconstruction",
            "surgery",
            "surgical",
            "microdiscectomy",
            "osteotomy",
            "carpal tunnel release",
            "acdf",
            "arthrodesis",
            "kyphoplasty",
            "vertebroplasty",
            "tka",
            "tha",
        ],
    ),
    "discography": (
        "diagnostic",
        ["discogram", "discography", "provocative discography"],
    ),
    "consult": (
        "consult",
        [
            "consult",
            "consultation",
            "referral",
            "evaluation and treatment",
            "eval and treatment",
            "toc",
            "transfer of care",
            "office visit",
            "follow up",
            "follow-up",
            "specialist",
            "neurosurgeon",
            "surgeon",
            "evaluation",
            "initial examination",
            "initial exam",
            "examination",
            "re-evaluation",
            "reevaluation",
            "re-examination",
            "new patient visit",
        ],
    ),
    "fce": (
        "evaluation",
        [
            "functional capacity evaluation",
            "fce",
            "work capacity evaluation",
        ],
    ),
    "rom_test": (
        "evaluation",
        [
            "grip test",
            "grip strength test",
            "jamar",
            "range of motion test",
            "range of motion of test",
            "range of motion testing",
            "muscle testing",
            "computerized rom",
            "computerized range of motion",
            "strength testing",
        ],
    ),
    "dme": (
        "dme",
        [
            "brace",
            "braces",
            "sling",
            "pillow",
            "wheelchair",
            "transport chair",
            "commode",
            "shower chair",
            "bath chair",
            "walker",
            "cane",
            "scooter",
            "mattress",
            "splint",
            "wrap",
            "orthotic",
            "orthotics",
            "support",
            "lso",
            "collar",
            "crutches",
            "hearing aid",
            "hearing aids",
            "bed",
            "chair",
        ],
    ),
    "lumbar_support": (
        "dme",
        ["lumbar support", "back support", "back brace", "lumbar brace", "lso", "lumbar corset"],
    ),
}

# drug name -> family. Brand and generic names as they appear in item descriptions.
DRUG_FAMILIES: dict[str, list[str]] = {
    "opioid": [
        "norco",
        "hydrocodone",
        "vicodin",
        "lortab",
        "oxycodone",
        "oxycontin",
        "percocet",
        "endocet",
        "morphine",
        "ms contin",
        "kadian",
        "fentanyl",
        "duragesic",
        "hydromorphone",
        "dilaudid",
        "exalgo",
        "oxymorphone",
        "opana",
        "tapentadol",
        "nucynta",
        "methadone",
        "codeine",
        "tylenol #3",
        "tylenol with codeine",
        "buprenorphine",
        "butrans",
        "suboxone",
        "belbuca",
        "trezix",
        "opioid",
        "opioids",
        "narcotic",
        "xtampza",
        "hysingla",
        "zohydro",
    ],
    "tramadol": ["tramadol", "ultram", "ultracet", "ultram er", "conzip", "synapryn", "rybix"],
    "muscle_relaxant": [
        "cyclobenzaprine",
        "flexeril",
        "fexmid",
        "amrix",
        "tabradol",
        "baclofen",
        "lioresal",
        "tizanidine",
        "zanaflex",
        "carisoprodol",
        "soma",
        "methocarbamol",
        "robaxin",
        "orphenadrine",
        "norflex",
        "metaxalone",
        "skelaxin",
        "chlorzoxazone",
        "lorzone",
        "parafon",
        "dantrolene",
        "muscle relaxant",
    ],
    "nsaid": [
        "naproxen",
        "naprosyn",
        "anaprox",
        "ibuprofen",
        "motrin",
        "advil",
        "diclofenac",
        "voltaren",
        "arthrotec",
        "meloxicam",
        "mobic",
        "etodolac",
        "lodine",
        "nabumetone",
        "relafen",
        "ketorolac",
        "toradol",
        "indomethacin",
        "piroxicam",
        "feldene",
        "oxaprozin",
        "daypro",
        "fenoprofen",
        "nalfon",
        "nsaid",
        "nsaids",
        "celecoxib",
        "celebrex",
        "duexis",
        "vimovo",
    ],
    "gi_protect": [
        "omeprazole",
        "prilosec",
        "pantoprazole",
        "protonix",
        "lansoprazole",
        "prevacid",
        "esomeprazole",
        "nexium",
        "rabeprazole",
        "aciphex",
        "dexlansoprazole",
        "dexilant",
        "ranitidine",
        "zantac",
        "famotidine",
        "pepcid",
        "deprizine",
        "misoprostol",
        "cytotec",
        "ppi",
        "proton pump inhibitor",
        "sucralfate",
    ],
    "topical": [
        "cream",
        "gel",
        "ointment",
        "lotion",
        "patch",
        "topical",
        "transdermal",
        "lidoderm",
        "lidocaine",
        "lidopro",
        "capsaicin",
        "menthol",
        "methyl salicylate",
        "terocin",
        "flector",
        "pennsaid",
        "ketoprofen",
        "ketophene",
        "flurbiprofen",
        "compound",
        "compounded",
        "dextromethorphan",
        "bupivacaine",
        "camphor",
        "biofreeze",
        "salonpas",
        "mentherm",
        "menthoderm",
        "in cream base",
    ],
    "anticonvulsant": [
        "gabapentin",
        "neurontin",
        "gralise",
        "horizant",
        "fanatrex",
        "pregabalin",
        "lyrica",
        "topiramate",
        "topamax",
        "carbamazepine",
        "tegretol",
        "oxcarbazepine",
        "lamotrigine",
    ],
    "antidepressant": [
        "amitriptyline",
        "elavil",
        "nortriptyline",
        "pamelor",
        "duloxetine",
        "cymbalta",
        "venlafaxine",
        "effexor",
        "bupropion",
        "wellbutrin",
        "trazodone",
        "desyrel",
        "sertraline",
        "zoloft",
        "fluoxetine",
        "prozac",
        "citalopram",
        "escitalopram",
        "lexapro",
        "paroxetine",
        "paxil",
        "mirtazapine",
        "remeron",
        "desipramine",
        "doxepin",
        "imipramine",
        "milnacipran",
        "savella",
    ],
    "benzodiazepine": [
        "alprazolam",
        "xanax",
        "lorazepam",
        "ativan",
        "clonazepam",
        "klonopin",
        "diazepam",
        "valium",
        "temazepam",
        "restoril",
        "chlordiazepoxide",
        "benzodiazepine",
    ],
    "sleep_aid": [
        "zolpidem",
        "ambien",
        "eszopiclone",
        "lunesta",
        "zaleplon",
        "sonata",
        "dicopanol",
        "diphenhydramine",
        "suvorexant",
        "belsomra",
        "ramelteon",
        "rozerem",
        "doxylamine",
        "melatonin",
    ],
    "antiemetic": [
        "ondansetron",
        "zofran",
        "promethazine",
        "phenergan",
        "metoclopramide",
        "reglan",
        "prochlorperazine",
        "compazine",
        "meclizine",
    ],
    "barbiturate": ["fioricet", "fiorinal", "butalbital", "esgic"],
    "medical_food": ["theramine", "sentra", "trepadone", "gabadone", "apptrim", "medical food"],
    "acetaminophen": ["acetaminophen", "tylenol", "apap"],
    "laxative": [
        "docusate",
        "colace",
        "senna",
        "senokot",
        "lactulose",
        "miralax",
        "amitiza",
        "movantik",
        "relistor",
        "linzess",
        "linaclotide",
        "lubiprostone",
        "naloxegol",
        "methylnaltrexone",
        "dulcolax",
        "bisacodyl",
        "sennosides",
        "peri-colace",
        "polyethylene glycol",
        "stool softener",
        "stool softeners",
        "laxative",
        "laxatives",
        "bowel medication",
    ],
}

# region key -> phrases in descriptions and records.
BODY_REGIONS: dict[str, list[str]] = {
    "lumbar": [
        "lumbar",
        "low back",
        "lower back",
        "lumbosacral",
        "l-spine",
        "ls spine",
        "lbp",
        "back",
        "sacroiliac",
        "si joint",
        "sciatica",
        "l1",
        "l2",
        "l3",
        "l4",
        "l5",
        "s1",
    ],
    "cervical": ["cervical", "neck", "c-spine", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "whiplash"],
    "thoracic": ["thoracic", "t-spine", "mid back", "upper back", "thoracolumbar"],
    "shoulder": ["shoulder", "rotator cuff", "acromioclavicular", "glenohumeral", "labrum", "bankart"],
    "elbow": ["elbow", "epicondylitis", "olecranon", "radial head", "cubital"],
    "wrist_hand": [
        "wrist",
        "hand",
        "hands",
        "finger",
        "fingers",
        "thumb",
        "carpal",
        "forearm",
        "radius",
        "trigger finger",
        "de quervain",
    ],
    "hip": ["hip", "hips", "pelvis", "pelvic", "groin", "acetabul"],
    "knee": ["knee", "knees", "patella", "patellar", "menisc", "acl", "leg"],
    "ankle_foot": ["ankle", "foot", "feet", "toe", "toes", "heel", "plantar", "achilles"],
    "head": ["head", "brain", "brainstem", "skull", "concussion", "tbi", "headache", "headaches"],
    "upper_extremity": ["upper extremity", "upper extremities", "upper limb", "arm", "arms"],
    "lower_extremity": ["lower extremity", "lower extremities", "lower limb", "lower leg"],
    "psych": ["depression", "anxiety", "psych", "ptsd", "insomnia"],
}

# Spine levels such as "L4-L5", "L4-5", "C5-C6", "L5-S1".
LEVEL_PATTERN = r"\b([CTLS])(\d{1,2})\s*(?:-|/|to)\s*([CTLS]?)(\d{1,2})\b"

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "sixteen": 16,
    "eighteen": 18,
    "twenty": 20,
    "twenty-four": 24,
    "thirty": 30,
    "once": 1,
    "twice": 2,
    "single": 1,
}

# --- Provider specialties, as codes of the controlled list (``reviews.models.reviewers.Specialty``). ---

# Free-text provider specialties as intake gives them -> the controlled list. First match wins, so the
# more specific words come first ("neurological surgery" before "neurology", "spine surgeon" before
# "surgeon").
PROVIDER_SPECIALTY_WORDS: list[tuple[str, str]] = [
    (r"neuro ?surg|neurological surg", "neurological_surgery"),
    (r"orthop|ortho\b|spine surg", "orthopedic_surgery"),
    (r"hand surg", "hand_surgery"),
    (r"physical medicine|pm ?& ?r|pm&r|physiatr|rehabilitation", "pmr"),
    (r"pain", "pain_medicine"),
    (r"anesthes", "anesthesiology"),
    (r"neurolog", "neurology"),
    (r"occupational med|occ med", "occupational_medicine"),
    (r"preventive", "preventive_medicine"),
    (r"internal med|internist", "internal_medicine"),
    (r"family|general practice|primary care", "family_medicine"),
    (r"psychiatr", "psychiatry"),
    (r"psycholog", "psychology"),
    (r"chiropract|\bd\.?c\.?\b", "chiropractic"),
    (r"acupunct|\bl\.?ac\b", "acupuncture"),
    (r"emergency", "emergency_medicine"),
    (r"sports", "sports_medicine"),
    (r"toxicolog", "medical_toxicology"),
    (r"palliative|hospice", "hospice_palliative"),
    (r"surg", "general_surgery"),
]
_PROVIDER_SPECIALTY_WORDS = [(re.compile(p, re.IGNORECASE), code) for p, code in PROVIDER_SPECIALTY_WORDS]

# Surgeons: a surgeon requesting imaging signals that surgery is being considered.
SURGICAL_SPECIALTIES = frozenset(
    {"orthopedic_surgery", "neurological_surgery", "hand_surgery", "general_surgery"}
)


def provider_specialty(text: str) -> str | None:
    """A provider's free-text specialty as a code of the controlled list, or None if unknown."""
    if not text:
        return None
    return next((code for pattern, code in _PROVIDER_SPECIALTY_WORDS if pattern.search(text)), None)


# --- Kinds of treatment a reviewer must know (assignment matches reviewers' specialties to them). ---

# kind -> (label, pattern matched case-insensitively against the disputed item's description). An item
# may be of several kinds ("post-op physical therapy" is surgery-related and physical medicine); the
# specific kinds come first.
TREATMENT_KIND_WORDS: dict[str, tuple[str, str]] = {
    "psych": (
        "psychological / psychiatric care",
        r"psych|cognitive behav|\bcbt\b|biofeedback|depress|anxiety|insomnia",
    ),
    "electrodiagnostic": (
        "electrodiagnostic testing",
        r"\bemg\b|\bncv\b|\bncs\b|nerve conduction|electromyogra",
    ),
    "injection": (
        "injections and interventional pain procedures",
        r"inject|epidural|\besi\b|facet|nerve block|radiofrequency|ablation|trigger point|neurolytic|"
        r"spinal cord stim",
    ),
    "surgery": (
        "surgery",
        r"surg|arthroscop|arthroplast|fusion|laminect|discect|repair|reconstruct|tunnel release|"
        r"ectomy|otomy\b|plasty|post-?op|pre-?op|medical clearance",
    ),
    "chiropractic": ("chiropractic care", r"chiro|manipulat"),
    "acupuncture": ("acupuncture", r"acupunct"),
    "physical_medicine": (
        "physical medicine and therapy",
        r"physical therap|\bpt\b|occupational therap|\bot\b|therapy session|work harden|work condition|"
        r"functional restor|tens\b|massage|traction|myofascial|infrared|home exercise|aquatic|gym",
    ),
    "imaging": (
        "diagnostic imaging",
        r"\bmri\b|\bct\b|x-?ray|radiograph|bone scan|ultrasound|imaging|scan\b|arthrogram|myelogra",
    ),
    "medication": (
        "medications",
        r"\d\s*(mg|mcg|%)|#\s*\d|tablet|capsule|patch|cream|gel\b|ointment|medicat|opioid|norco|"
        r"tramadol|ultram|oxycod|hydrocod|cyclobenzaprine|flexeril|gabapentin|lyrica|naproxen|"
        r"ibuprofen|omeprazole|baclofen|diclofenac|lidocaine|soma|tizanidine|percocet|zofran",
    ),
    "dme": (
        "durable medical equipment",
        r"brace|support|sling|orthotic|orthosis|cane|walker|wheelchair|cold therapy|heat|wrap|"
        r"compression|cushion|mattress|pillow|unit\b",
    ),
    "lab": ("laboratory tests", r"\blab|urine drug|\buds\b|drug screen|blood test|panel\b|\bekg\b|\becg\b"),
    "consultation": (
        "consultations and referrals",
        r"consult|referr|evaluat|follow-? ?up|office visit|\btoc\b|transfer of care",
    ),
}


# --- Phrases the criteria checks look for in records (``criteria``), found with negation (``nlp``). ---

IMPROVEMENT = [
    "functional improvement",
    "improved function",
    "improvement in function",
    "increased function",
    "returned to work",
    "return to work",
    "back to work",
    "working full duty",
    "working regular duty",
    "working modified duty",
    "reduction in work restrictions",
    "improved activities of daily living",
    "improved ability",
    "improvement in activities",
    "increased activity",
    "decreased pain and improved",
    "objective functional improvement",
    "quantifiable",
]
# Still off work after a course of treatment: IMR letters read it as no functional improvement
# (MTUS 9792.20e).
OFF_WORK = [
    "temporary total disability",
    "temporarily totally disabled",
    "total temporary disability",
    "ttd",
    "off work",
    "off of work",
]
NO_IMPROVEMENT = [
    *OFF_WORK,
    "not working",
    "no improvement",
    "without improvement",
    "did not improve",
    "not improved",
    "no functional improvement",
    "no benefit",
    "no relief",
    "failed to improve",
    "minimal relief",
    "little relief",
    "no significant improvement",
    "not currently working",
    "unchanged",
]
RED_FLAGS = [
    "red flag",
    "red flags",
    "cauda equina",
    "fracture",
    "tumor",
    "malignancy",
    "cancer",
    "infection",
    "progressive neurologic",
    "progressive weakness",
    "bowel or bladder",
    "bowel and bladder",
    "saddle anesthesia",
    "dislocation",
    "foot drop",
    "myelopathy",
]
NEURO = [
    "decreased sensation",
    "diminished sensation",
    "decreased sensory",
    "sensory deficit",
    "dermatome sensation",
    "dermatomal",
    "positive straight leg",
    "straight leg raise positive",
    "diminished reflex",
    "decreased reflex",
    "absent reflex",
    "hyporeflexia",
    "neurologic deficit",
    "neurological deficit",
    "atrophy",
    "motor weakness",
    "decreased strength",
    "positive spurling",
    "positive tinel",
    "positive phalen",
    "foot drop",
]
NEURO_SYMPTOMS = [
    "radiculopathy",
    "radicular",
    "numbness",
    "tingling",
    "paresthesia",
    "paresthesias",
    "radiating",
]
MECHANICAL = [
    "locking",
    "catching",
    "giving way",
    "gives way",
    "instability",
    "positive mcmurray",
    "mcmurray's is positive",
    "effusion",
    "unable to bear weight",
    "positive drawer",
    "positive lachman",
    "positive apprehension",
    "positive hawkins",
    "positive neer",
    "positive drop arm",
]
SURGERY = [
    "surgery",
    "surgical",
    "surgeon",
    "preoperative",
    "pre-operative",
    "operative planning",
    "surgical candidate",
    "candidate for surgery",
    "surgical consultation",
]
PRIOR_IMAGING = [
    "prior mri",
    "previous mri",
    "mri dated",
    "mri performed",
    "mri revealed",
    "mri showed",
    "mri of the",
    "prior imaging",
    "previous imaging",
    "prior x-ray",
    "x-rays revealed",
]
GI_RISK = [
    "gastritis",
    "gerd",
    "reflux",
    "dyspepsia",
    "ulcer",
    "gi bleed",
    "gastrointestinal",
    "stomach upset",
    "upset stomach",
    "heartburn",
    "abdominal pain",
    "epigastric",
    "anticoagula",
    "nsaid-induced",
    "gi upset",
    "gi symptoms",
    "stomach pain",
]
ACUTE_LESION = [
    "dislocation",
    "fracture",
    "instability",
    "apprehension",
    "deformity",
    "cauda equina",
    "progressive neurologic",
    "progressive weakness",
    "locked knee",
    "unable to bear weight",
]
CONSERVATIVE_FAILED = [
    "failed conservative",
    "despite",
    "persistent",
    "not responded",
    "no relief",
    "failure of conservative",
    "continued pain",
    "ongoing pain",
    "continues to have",
]
NOT_RECOMMENDED_IN_COMPOUNDS = [
    "gabapentin",
    "cyclobenzaprine",
    "baclofen",
    "ketoprofen",
    "dextromethorphan",
    "amitriptyline",
    "bupivacaine",
    "dexamethasone",
    "flurbiprofen",
    "tramadol",
    "lidocaine",
]
FAMILY_WORDS = {
    "physical_therapy": ["physical therapy", "therapy", "pt"],
    "chiropractic": ["chiropractic", "manipulation"],
    "acupuncture": ["acupuncture"],
    "massage": ["massage"],
    "postop_pt": ["physical therapy"],
    "psych_treatment": ["psychotherapy", "cognitive behavioral", "cbt"],
}
# Phrases of a documented monitoring programme for opioids (urine drug tests, CURES, an agreement).
# Issue 15 breadth: what the records show for the kinds the MTUS does not address (ODG criteria).
OPIOID_IN_USE = [
    "opioid",
    "opioids",
    "narcotic",
    "narcotics",
    *DRUG_FAMILIES["opioid"],
    *DRUG_FAMILIES["tramadol"],
]
CONSTIPATION = ["constipation", "constipated", "opioid-induced constipation", "hard stools", "straining"]
HOMEBOUND = [
    "homebound",
    "home bound",
    "bedbound",
    "bed bound",
    "unable to leave the home",
    "confined to home",
]
HOME_MEDICAL_CARE = ["wound care", "dressing changes", "iv antibiotics", "skilled nursing", "home therapy"]
CANNOT_SELF_TRANSPORT = [
    "unable to drive",
    "cannot drive",
    "can't drive",
    "not able to drive",
    "not driving",
    "no transportation",
    "non-weight bearing",
    "non weight bearing",
]
SEIZURE_OR_DETERIORATION = [
    "seizure",
    "seizures",
    "loss of consciousness",
    "syncope",
    "deterioration",
    "worsening cognition",
    "altered mental status",
]
ESWT_INDICATION = ["calcific", "calcifying", "calcific tendinitis", "plantar fasciitis"]
SUPPLY_NEED = ["wound", "incontinence", "incontinent", "catheter", "ostomy", "dressing", "skin breakdown"]
OPIOID_MONITORING = ["urine drug", "cures", "opioid agreement", "pain agreement", "consistent"]
# A urine drug test and its result: "UDS on 12/20/2016 was negative for hydrocodone" is a test that was done
# whose result is inconsistent with the prescription (a finding), not an absent test.
UDS_TEST = ["urine drug", "uds", "udt", "drug screen", "urine toxicology", "tox screen"]
UDS_INCONSISTENT = (
    r"\binconsistent\b|\baberrant\b|"
    r"negative for (?:the |his |her )?(?:prescribed |expected )?(?:opioids?|opiates?|hydrocodone|oxycodone|"
    r"tramadol|morphine|hydromorphone|oxymorphone|tapentadol|methadone|fentanyl|buprenorphine|codeine)|"
    r"positive for (?:non-?prescribed |illicit )?(?:cocaine|marijuana|thc|cannabis|methamphetamine|"
    r"amphetamines?|heroin|benzodiazepines?|alcohol|ethanol)"
)
UDS_CONSISTENT = (
    r"(?<!in)consistent with (?:the |his |her )?(?:prescribed|prescription|current)|\bconsistent\b"
)
# Imaging findings a surgery can correct.
SURGICAL_LESION = ["tear", "herniation", "stenosis", "fracture", "instability", "impingement", "compression"]
# A consultation is indicated when the diagnosis is uncertain or complex, or surgery is considered.
COMPLEXITY = [*SURGERY, "uncertain", "complex", "persistent", "worsening"]

# Item descriptions of a service tied to a surgery requested in the same case.
ASSOCIATED_WITH_SURGERY = (
    r"associated surgical|post-?op|postoperative|pre-?op|preoperative|medical clearance|"
    r"labs to include|\bekg\b|\becg\b|chest x-?ray|assistant surgeon|surgical assistant|\bsling\b"
)
# Item descriptions that say the claims administrator already certified part of the request.
PARTLY_CERTIFIED = (
    r"authorized by the claims administrator|was authorized|certified by the claims administrator"
)


# --- Treatment categories, as the DWC's annual IMR reports group services (issue 15: what to cover first,
# and the administrators' suggestion-usage page). Family -> category; a family not listed is "Other". ---
TREATMENT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Pharmaceuticals": (*DRUG_FAMILIES, "other_drug", "topical_compound"),
    "Physical medicine": (
        "physical_therapy",
        "postop_pt",
        "massage",
        "work_conditioning",
        "gym",
        "rehab_facility",
        "tens",
        "hwave",
        "ics",
        "nmes",
        "heat_cold",
        "cryotherapy",
        "ultrasound_therapy",
        "traction",
        "shockwave",
    ),
    "Chiropractic and acupuncture": ("chiropractic", "acupuncture"),
    "Injections": ("esi", "facet", "rfa", "neurolysis", "tpi", "joint_injection", "hyaluronic", "prp"),
    "Imaging and electrodiagnostics": (
        "mri",
        "ct",
        "xray",
        "bone_scan",
        "emg_ncv",
        "discography",
        "eeg",
        "tpii",
    ),
    "Surgery and associated services": ("surgery", "assistant_surgeon", "lab", "scs"),
    "Laboratory tests": ("uds", "genetic_test"),
    "DME and supplies": ("dme", "lumbar_support", "medical_supplies"),
    "Home health": ("home_health",),
    "Transportation": ("transportation",),
    "Office visits and referrals": ("consult", "fce", "rom_test"),
    "Psychology and functional restoration": ("psych_eval", "psych_treatment", "biofeedback", "frp"),
}
# Which family decides the category of a description that names several: these first, in this order, then
# every other family in TREATMENT_CATEGORIES order. Explicit pre-operative and assisting services before the
# surgery they serve and before imaging ("Labs to include: Chest X-ray"); imaging and electrodiagnostics
# before a consultation or surgery they inform; chiropractic and acupuncture before the physiotherapy words
# they use ("Chirophysio therapy"); heat and cold therapy before the wrap or pad that delivers it; supplies
# before the surgery they follow ("Associated surgical service: Shoulder sling"); a programme before the
# evaluation it starts with. On the development corpus's item descriptions this gives the category of the
# engine's own parse (``parse.parse_item``) for all but a few that name two treatments.
CATEGORY_DECIDES_FIRST: tuple[str, ...] = (
    "assistant_surgeon",
    "lab",
    *TREATMENT_CATEGORIES["Imaging and electrodiagnostics"],
    "chiropractic",
    "acupuncture",
    "heat_cold",
    "cryotherapy",
    *TREATMENT_CATEGORIES["DME and supplies"],
    *TREATMENT_CATEGORIES["Psychology and functional restoration"],
)


def _either_case(text: str) -> str:
    """``text`` as a pattern matching it in any case ("mg" -> "[mM][gG]"), other characters escaped."""
    return "".join(
        f"[{c.lower()}{c.upper()}]"
        if c.isascii() and c.isalpha()
        else c
        if c.isdigit() or c == " "
        else "\\" + c
        for c in text
    )


# The category patterns are written in the part of regular-expression syntax that Python's ``re`` and
# PostgreSQL's (``~``) read alike on any text: case spelled out ("[mM][gG]") instead of a case-insensitive
# flag (which folds the Kelvin sign to "k" in Python only), explicit character classes instead of \d, \s,
# \w (Unicode in Python, the locale's in PostgreSQL), \Z for the end, never \b (a backspace to PostgreSQL).
_SPACE = r"[ \t\n\r\f\v]"
_LETTER_OR_DIGIT = "[a-zA-Z0-9]"
# A drug the vocabulary does not name ("Viagra 50mg", "#30"): a strength in mg or a count at the end.
UNNAMED_DRUG = (
    rf"[0-9]{_SPACE}*(?:{_either_case('mg/ml')}|{_either_case('mcg')}|{_either_case('mg')})(?![a-zA-Z0-9_])"
    rf"|#{_SPACE}*[0-9]+{_SPACE}*\Z"
)


def phrase_pattern(phrases: list[str]) -> str:
    """A pattern finding any of ``phrases`` in any case on word boundaries (as ``parse.find_phrases`` does in
    lower-cased text)."""
    literals = sorted((_either_case(p) for p in phrases), key=len, reverse=True)
    return rf"(?<!{_LETTER_OR_DIGIT})(?:" + "|".join(literals) + rf")(?!{_LETTER_OR_DIGIT})"


def _category_rules() -> tuple[tuple[str, str], ...]:
    phrases = dict(DRUG_FAMILIES)
    phrases.update({family: names for family, (_, names) in TREATMENT_FAMILIES.items()})
    order = [*CATEGORY_DECIDES_FIRST]
    order += [f for families in TREATMENT_CATEGORIES.values() for f in families if f not in order]
    rules: list[tuple[str, list[str]]] = []
    for family in order:
        if family not in phrases:
            continue  # "other_drug" (UNNAMED_DRUG, last) and "topical_compound" (a kind of topical)
        category = _CATEGORY_OF[family]
        if rules and rules[-1][0] == category:
            rules[-1][1].extend(phrases[family])  # one pattern for consecutive families of one category
        else:
            rules.append((category, list(phrases[family])))
    return (*((c, phrase_pattern(p)) for c, p in rules), ("Pharmaceuticals", UNNAMED_DRUG))


_CATEGORY_OF = {
    family: category for category, families in TREATMENT_CATEGORIES.items() for family in families
}
# (category, pattern) in order of precedence: a description's category is that of the first pattern it
# matches, else "Other". The one rule: ``treatment_category`` runs it in Python and
# ``guidelines.services.treatment_category_sql`` in the database (the reports count in one query).
CATEGORY_RULES: tuple[tuple[str, str], ...] = _category_rules()
OTHER_CATEGORY = "Other"
_COMPILED_RULES = [(category, re.compile(pattern)) for category, pattern in CATEGORY_RULES]


def treatment_category(description: str) -> str:
    """The DWC-style treatment category of an item description (``CATEGORY_RULES``; "Other" if none)."""
    text = description or ""
    return next((category for category, pattern in _COMPILED_RULES if pattern.search(text)), OTHER_CATEGORY)
