"""The demo data `manage.py seed_demo` loads: directorates, one user per role, customers.

Everything here is fictional. Telephone numbers are in Ofcom's drama ranges (01632 960xxx
and 07700 900xxx), email addresses are @example.com (customers) or @council.example
(staff), and the people are invented. Dates are written as days before the day the seed
runs, so the data always looks recent; `{ago:N}` in any text becomes that date.

Each customer carries a `script`: the steps the seed takes, in order, acting as the named
demo user through `cases.services`, so chronology and history show real actors.
"""

from __future__ import annotations

from accounts.roles import ADMINISTRATOR_PERMISSIONS, Role

# Changing the seed changes every generated contact; keep it fixed so the demo is the same
# for everyone.
RANDOM_SEED = 20260401
REFERENCE_SEED = 2026


def demo_password(username: str) -> str:
    return f"demo-{username}-2026"


DIRECTORATES = [
    {
        "key": "adults",
        "name": "Adults, Health and Care",
        "short_name": "adults-health-care",
        "assistant_director_name": "Karen Dixon",
        "assistant_director_email": "karen.dixon@council.example",
        "service_manager_name": "David Nicholson",
        "service_manager_email": "david.nicholson@council.example",
    },
    {
        "key": "children",
        "name": "Children and Families",
        "short_name": "children-families",
        "assistant_director_name": "Fiona Irving",
        "assistant_director_email": "fiona.irving@council.example",
        "service_manager_name": "Mark Stephenson",
        "service_manager_email": "mark.stephenson@council.example",
    },
    {
        "key": "economy",
        "name": "Economy and Infrastructure",
        "short_name": "economy-infrastructure",
        "assistant_director_name": "Andrew Harrison",
        "assistant_director_email": "andrew.harrison@council.example",
        "service_manager_name": "Lisa Wilson",
        "service_manager_email": "lisa.wilson@council.example",
    },
]

USERS = [
    {
        "username": "officer",
        "first_name": "Jenny",
        "last_name": "Armstrong",
        "role": Role.OFFICER,
        "job_title": "Customer Contact Officer, Adult Social Care",
        "directorates": ["adults"],
    },
    {
        "username": "manager",
        "first_name": "David",
        "last_name": "Nicholson",
        "role": Role.SERVICE_MANAGER,
        "job_title": "Service Manager, Adult Social Care",
        "directorates": ["adults"],
    },
    {
        "username": "senior",
        "first_name": "Helen",
        "last_name": "Robinson",
        "role": Role.SENIOR_MANAGER,
        "job_title": "Head of Safeguarding and Quality Assurance",
        "directorates": ["adults", "children"],
    },
    {
        "username": "reviewer",
        "first_name": "Michael",
        "last_name": "Atkinson",
        # A senior manager of another directorate, appointed to review challenges: he sees
        # an Adults case only once a challenge to it is given to him.
        "role": Role.INDEPENDENT_REVIEWER,
        "extra_roles": [Role.SENIOR_MANAGER],
        "job_title": "Head of Legal and Democratic Services",
        "directorates": ["economy"],
    },
    {
        "username": "lead",
        "first_name": "Claire",
        "last_name": "Bell",
        "role": Role.DIRECTORATE_LEAD,
        "job_title": "Policy and Performance Lead, Adults, Health and Care",
        "directorates": ["adults"],
    },
    {
        # Sees every directorate's report side by side; like every lead, numbers only.
        "username": "lead-all",
        "first_name": "Susan",
        "last_name": "Hetherington",
        "role": Role.DIRECTORATE_LEAD,
        "job_title": "Head of Policy and Performance",
        "directorates": [],
        "council_wide": True,
    },
    {
        "username": "admin",
        "first_name": "Raj",
        "last_name": "Mistry",
        "role": Role.ADMINISTRATOR,
        "job_title": "Systems Administrator",
        "directorates": [],
        "council_wide": True,
        "is_staff": True,
    },
    {
        # The data protection officer: who could see what (access changes), council-wide;
        # no casework, no customer record.
        "username": "ig",
        "first_name": "Anita",
        "last_name": "Pearson",
        "role": Role.INFORMATION_GOVERNANCE,
        "job_title": "Data Protection Officer",
        "directorates": [],
        "council_wide": True,
    },
    {
        "username": "officer2",
        "first_name": "Tom",
        "last_name": "Graham",
        "role": Role.OFFICER,
        "job_title": "Family Support Officer",
        "directorates": ["children"],
    },
]

for _user in USERS:
    _user["email"] = f"{_user['first_name']}.{_user['last_name']}@council.example".lower()

# What the admin user may do in /admin/: the one list every administrator gets.
ADMIN_PERMISSIONS = ADMINISTRATOR_PERMISSIONS


# --- script steps -------------------------------------------------------------------------
# Small constructors so the customers below read like a case history.


def burst(
    days: tuple[int, int],
    n: int,
    *,
    by: tuple[str, ...] = ("officer",),
    dir: str = "adults",  # noqa: A002
    channels: dict[str, int] | None = None,
    indicators: tuple[str, ...] = (),
    difficult: float = 0.0,
    outbound: float = 0.2,
    matter: str | None = None,
) -> dict:
    """`n` contacts between `days[0]` and `days[1]` days ago, generated from templates.

    `difficult` is the chance that an inbound contact shows one or two of `indicators`.
    """
    return {
        "op": "burst",
        "days": days,
        "n": n,
        "by": by,
        "dir": dir,
        "channels": channels or {"phone": 5, "email": 4, "letter": 1},
        "indicators": indicators,
        "difficult": difficult,
        "outbound": outbound,
        "matter": matter,
    }


def contact(
    days_ago: int,
    channel: str,
    summary: str,
    *,
    at: str = "10:20",
    by: str = "officer",
    dir: str = "adults",  # noqa: A002
    direction: str = "inbound",
    minutes: int | None = None,
    indicators: tuple[str, ...] = (),
    matter: str | None = None,
    recipients: int = 1,
) -> dict:
    return {"op": "contact", **locals()}


def informal_warning(
    days_ago: int, by: str, method: str, behaviours: tuple[str, ...], summary: str,
    *, dir: str = "adults",  # noqa: A002
) -> dict:
    return {"op": "informal_warning", **locals()}


def refer(
    by: str, reason: str, indicators: tuple[str, ...], *, evidence: int = 6,
    dir: str = "adults",  # noqa: A002
) -> dict:
    return {"op": "refer", **locals()}


def formal_warning(
    by: str, days_ago: int, method: str, behaviours: tuple[str, ...], summary: str
) -> dict:
    return {"op": "formal_warning", **locals()}


def skip_warning(by: str, kind: str, reason: str) -> dict:
    return {"op": "skip_warning", **locals()}


def continued(by: str, note: str) -> dict:
    return {"op": "continued", **locals()}


def stopped(by: str, note: str) -> dict:
    return {"op": "stopped", **locals()}


def close_referral(by: str, note: str) -> dict:
    return {"op": "close_referral", **locals()}


def close_precondition_failed(by: str, note: str) -> dict:
    return {"op": "close_precondition_failed", **locals()}


def preconditions(
    by: str, *, days_ago: int = 3, only: tuple[str, ...] | None = None,
    notes: dict[str, str] | None = None, not_met: tuple[str, ...] = (),
) -> dict:
    """Record the five preconditions (or `only` some), with the default notes below
    unless `notes` says otherwise; those in `not_met` are recorded as not met."""
    return {"op": "preconditions", **locals()}


def alternatives(by: str, *, only: tuple[str, ...] | None = None, **outcomes) -> dict:
    """Record the four alternatives (or `only` some). Keyword: alternative code ->
    (outcome, reason); the others get the defaults below."""
    return {"op": "alternatives", "by": by, "only": only, "outcomes": outcomes}


def coordination(by: str, involved: tuple[str, ...], key_officer: str | None) -> dict:
    return {"op": "coordination", **locals()}


def submit(by: str, note: str = "") -> dict:
    return {"op": "submit", **locals()}


def designate(
    by: str, reasons: str, indicators: tuple[str, ...], sanctions: tuple[dict, ...]
) -> dict:
    """The senior manager's decision with its sanctions (see `sanction`)."""
    return {"op": "designate", **locals()}


def sanction(kind: str, reasons: str, **params) -> dict:
    """One sanction chosen with a designation: `kind` is a sanctions.models.SanctionKind
    value and `params` its typed parameters as model fields (`named_officer` is a demo
    username). It covers the case's lead directorate from the day of the decision to the
    six-month review."""
    return {"kind": kind, "reasons": reasons, **params}


def notify(by: str, staff: tuple[str, ...]) -> dict:
    """Steps 9 and 10: the designation letter is issued and the council informed, so the
    designation is in force (the other demo designation is left for the browser)."""
    return {"op": "notify", **locals()}


def challenge(by: str, channel: str, grounds: str, *, days_ago: int = 0) -> dict:
    """The customer's written request for a review, recorded by `by`."""
    return {"op": "challenge", **locals()}


def assign_reviewer(by: str, reviewer: str) -> dict:
    return {"op": "assign_reviewer", **locals()}


def decline(by: str, reasons: str) -> dict:
    return {"op": "decline", **locals()}


def return_for_more_work(by: str, note: str) -> dict:
    return {"op": "return_for_more_work", **locals()}


PRECONDITION_NOTES = {
    "discussed": "Discussed with {handler} and the team handling the matter; they agree the "
    "contact history on file is complete and accurate.",
    "dealt_with": "Checked the file: {matter} was handled under the right procedure, within "
    "the timescales, and every point raised was answered in writing.",
    "decision_right": "Reviewed the decision against the evidence and the relevant policy. "
    "The decision is the right one and is not being reopened.",
    "communication": "Read our letters and emails to {name}: plain English, they answer the "
    "points raised and explain the next step; sent in the format {name} asked for.",
    "no_new_info": "Read every contact since the last response. They repeat earlier points; "
    "nothing significant and new has been raised.",
}

ALTERNATIVE_DEFAULTS = {
    "meeting": ("offered", "Offered {name} a meeting with the service manager to go through "
                "the decision; not taken up."),
    "cross_directorate": ("not_applicable", "Only {directorate} deals with {name} about "
                          "this matter, so no cross-directorate meeting or key officer is "
                          "needed."),
    "advocate": ("not_applicable", "No special needs identified that an advocate would help "
                 "with. Our letters give details of local advocacy services."),
    "adjustments": ("not_applicable", "No disability or other need for adjustments "
                    "disclosed; we asked in our last letter and {name} did not raise any."),
}


# --- contact templates --------------------------------------------------------------------
# {name} is how we address the customer ("Mr Fletcher"), {topic} the matter in a few words.

# Each template with the indicators it shows; a burst picks templates that fit its
# indicators, so the indicators ticked on a contact match what its summary says.
DIFFICULT: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "phone": [
        ("Rang about {topic}. Went over the same points as in the last few calls and would "
         "not accept the written response. Explained the position again; call ended when "
         "{name} said they would keep ringing until someone agreed.",
         ("repeat-similar", "refuses-decision", "rejects-evidence", "unreasonable-officer-time")),
        ("Phoned asking for a manager about {topic}. Said the response already sent was "
         "'not an answer'. Told a manager would reply in writing; {name} rang back twice "
         "within the hour.",
         ("high-volume", "no-response-claimed", "unreasonable-demands", "who-should-deal")),
        ("Called about {topic} and asked for a different officer to deal with it. Repeated "
         "points already answered in writing.",
         ("complaints-about-staff", "who-should-deal", "repeat-similar")),
        ("Telephoned about {topic}. Raised several new questions about minor details of the "
         "earlier response and insisted each be answered in writing by Friday.",
         ("trivial-information", "unreasonable-demands", "trivial-new-complaints")),
        ("Rang about {topic}, shouting and swearing at the officer. Warned that the call "
         "would end if it continued; it did, and the call was ended.",
         ("abusive-threatening", "bullying-harassment")),
        ("Rang about {topic} for the third time today, each time with a different issue. "
         "Took up most of the morning.",
         ("high-volume", "many-in-succession", "unreasonable-officer-time")),
        ("Rang about {topic}, now saying the complaint was about something else and denying "
         "what was said on the last call.",
         ("changing-basis",)),
        ("Rang to complain about {topic} but would not say what the complaint is, despite "
         "offers of help to put it in writing.",
         ("refuses-grounds", "unwilling-procedures")),
        ("Rang about {topic}, insisting the council overturn a decision it has no power "
         "over, despite being told who decides it.",
         ("outside-remit", "refuses-decision")),
        ("Insisted that {topic} be dealt with by the Chief Executive personally and outside "
         "the complaints procedure.",
         ("incompatible-handling", "who-should-deal", "unwilling-procedures")),
        ("Rang about {topic} and said afterwards that the call had been recorded, without "
         "telling the officer.",
         ("covert-recording",)),
    ],
    "email": [
        ("Email about {topic}, sent to {recipients} officers and the Chief Executive's "
         "office. Restates the points in earlier emails and demands a full reply within 24 "
         "hours.",
         ("high-volume", "unreasonable-demands", "repeat-similar")),
        ("Email about {topic} saying no response has been received, although our letter "
         "answered the same points. Copied to {recipients} people.",
         ("no-response-claimed", "high-volume")),
        ("Email raising a 'new' complaint about {topic} that repeats one already answered, "
         "with minor changes to the wording.",
         ("repeat-minor-variations", "trivial-new-complaints", "repeat-similar")),
        ("Long email about {topic} with 19 numbered questions, most already answered.",
         ("trivial-information", "unreasonable-demands")),
        ("Email about {topic} disputing the records we sent and saying they must have been "
         "altered.",
         ("rejects-evidence", "refuses-decision")),
        ("Email about {topic} complaining about the officer dealing with it and asking for "
         "them to be replaced.",
         ("complaints-about-staff", "who-should-deal")),
        ("Email about {topic} with insulting remarks about the officer dealing with it.",
         ("abusive-threatening", "bullying-harassment")),
        ("Third email today: one about {topic} and two new complaints about unrelated "
         "services.",
         ("many-in-succession", "trivial-new-complaints", "high-volume")),
        ("Email about {topic} refusing to fill in the form and saying the council should "
         "find the information itself.",
         ("unwilling-procedures", "incompatible-handling", "refuses-grounds")),
        ("Email about {topic} saying the same complaint has gone to the MP, a councillor "
         "and the Ombudsman.",
         ("scattergun",)),
        ("Email about {topic} changing what the complaint is about and denying what earlier "
         "emails said.",
         ("changing-basis",)),
        ("Email about {topic} demanding the council act on something outside its powers, "
         "after the scope of the procedure was explained.",
         ("outside-remit",)),
    ],
    "letter": [
        ("Letter about {topic} disputing the evidence sent with our last response and "
         "asking for the decision to be made again by someone else.",
         ("rejects-evidence", "refuses-decision", "who-should-deal")),
        ("Letter about {topic}: says the council has not replied, encloses copies of "
         "earlier letters and sets a 7-day deadline.",
         ("no-response-claimed", "unreasonable-demands")),
        ("Letter about {topic}, the fourth this week, repeating the previous three.",
         ("high-volume", "repeat-similar")),
        ("Letter about {topic} making, with minor changes, the complaint that has already "
         "completed the procedure.",
         ("repeat-minor-variations", "refuses-decision")),
    ],
    "in_person": [
        ("Came to reception without an appointment about {topic}. Raised voice at the "
         "receptionist when told the officer dealing was not available. Left after being "
         "asked to by the duty manager.",
         ("abusive-threatening", "unreasonable-demands")),
        ("Came to the office about {topic} and would not leave until given a copy of every "
         "email about it. Offered an appointment instead.",
         ("unreasonable-demands", "incompatible-handling")),
        ("Came to the office about {topic}; was seen filming the officer on a phone "
         "without asking.",
         ("covert-recording",)),
        ("Came to the office about {topic} and shouted at staff in front of other "
         "visitors; security called.",
         ("abusive-threatening", "bullying-harassment")),
    ],
    "web_form": [
        ("Web complaint form about {topic}: a new complaint that repeats one already "
         "closed.",
         ("repeat-minor-variations", "trivial-new-complaints", "repeat-similar")),
        ("Web form about {topic}; asks for the same information sent last month.",
         ("repeat-similar", "no-response-claimed")),
        ("Web form: the third new complaint this month, this one about {topic}.",
         ("many-in-succession", "trivial-new-complaints")),
    ],
    "social_media": [
        ("Public post tagging the council's account about {topic}, naming the officer "
         "dealing with it and calling them incompetent.",
         ("complaints-about-staff", "bullying-harassment")),
        ("Public post about {topic} with a recording of a phone call made without the "
         "officer's knowledge.",
         ("covert-recording",)),
    ],
    "via_mp": [
        ("Email from the local MP's constituency office on {name}'s behalf about {topic}. "
         "{name} had contacted the council on the same point the same week.",
         ("scattergun",)),
    ],
    "via_councillor": [
        ("Ward councillor forwarded {name}'s email about {topic} and asked for a briefing. "
         "Same points as {name}'s own emails this week.",
         ("scattergun",)),
    ],
    "via_solicitor": [
        ("Letter from solicitors acting for {name} about {topic}, asking for copies of all "
         "records and threatening judicial review.",
         ("scattergun",)),
    ],
    "via_police": [
        ("Police rang: {name} had reported the officer dealing with {topic} for "
         "'misconduct in public office'. No offence identified; police closed the report.",
         ("scattergun",)),
    ],
    "via_ombudsman": [
        ("The Ombudsman's assessment team asked whether {topic} had completed the "
         "council's complaints procedure. Confirmed stage 2 is complete and sent the "
         "response.",
         ("scattergun",)),
    ],
}

ROUTINE = {
    "phone": [
        "Rang for an update on {topic}. Given an update and told when to expect a reply.",
        "Phoned with a question about {topic}. Answered on the call.",
        "Called to check a letter about {topic} had arrived. Confirmed it had.",
    ],
    "email": [
        "Email asking for an update on {topic}.",
        "Email sending further information about {topic}, as asked.",
    ],
    "letter": ["Letter about {topic}, setting out {name}'s concerns."],
    "in_person": ["Came to the office to hand in documents about {topic}."],
    "web_form": ["Web form enquiry about {topic}."],
    "social_media": ["Direct message asking who to contact about {topic}."],
}

OUTBOUND = {
    "phone": [
        "Returned {name}'s call about {topic}; explained the decision and the next steps.",
        "Rang {name} back about {topic} and went through the position again.",
    ],
    "email": [
        "Emailed {name} about {topic}, answering the points raised.",
        "Emailed {name} an update on {topic} and the date of the next response.",
    ],
    "letter": [
        "Wrote to {name} about {topic}, answering the points raised and explaining the "
        "complaints procedure.",
    ],
    "in_person": ["Home visit to discuss {topic}."],
}

# --- customers ----------------------------------------------------------------------------
# key: stable name used by the script; `salutation` is how letters address them.

CUSTOMERS = [
    {
        "key": "fletcher",
        "salutation": "Mr Fletcher",
        "fields": {
            "full_name": "Gordon Fletcher",
            "address": "14 Wordsworth Street\nPenrith",
            "postcode": "CA11 7QZ",
            "phone": "01632 960112",
            "email": "gordon.fletcher@example.com",
            "preferred_contact_method": "email",
        },
        "matters": [
            {
                "key": "charges",
                "kind": "complaint",
                "topic": "the care charges for his late mother",
                "summary": "Charges for his late mother's residential care at Eden Court",
                "details": "Mr Fletcher disputes the assessed contribution of £4,212 towards "
                "his late mother's residential care and says the financial assessment "
                "ignored money she gave away before moving into care. Stage 1 and stage 2 "
                "responses upheld the charge.",
                "received": 340, "status": "decided", "decided": 250,
                "outcome": "Charge upheld at stage 2: the financial assessment was correct. "
                "Mr Fletcher was told he may ask the Ombudsman to look at it.",
            }
        ],
        "script": [
            burst((338, 252), 5, by=("officer", "manager"), matter="charges"),
            burst((245, 122), 10, by=("officer",), matter="charges", difficult=0.8,
                  indicators=("high-volume", "repeat-similar", "rejects-evidence",
                              "no-response-claimed")),
            contact(118, "via_mp", "", matter="charges", at="11:05",
                    indicators=("scattergun", "repeat-similar")),
            informal_warning(110, "officer", "phone", ("high-volume", "repeat-similar"),
                             "Told Mr Fletcher on the phone that calling several times a "
                             "day about a complaint that has been decided takes officers "
                             "away from other people, and that the council may limit his "
                             "contact if it carries on."),
            burst((105, 62), 8, by=("officer",), matter="charges", difficult=0.9,
                  indicators=("high-volume", "repeat-similar", "unreasonable-officer-time",
                              "no-response-claimed")),
            refer("officer", "Since the stage 2 decision on {ago:250} Mr Fletcher has "
                  "contacted us about 20 times about the same charge, often several "
                  "times a day and copied to many officers. The informal warning on "
                  "{ago:110} made no difference.",
                  ("high-volume", "repeat-similar", "rejects-evidence",
                   "unreasonable-officer-time"), evidence=8),
            formal_warning("manager", 55, "letter",
                           ("high-volume", "repeat-similar", "unreasonable-officer-time"),
                           "Letter explaining that Mr Fletcher's repeated contact about the "
                           "care charges is unreasonably persistent; that the complaint has "
                           "completed our procedure and he may go to the Ombudsman; and that "
                           "if it continues a senior manager may restrict his contact under "
                           "the policy (copy enclosed)."),
            burst((50, 6), 9, by=("officer",), matter="charges", difficult=0.9,
                  indicators=("high-volume", "repeat-similar", "refuses-decision")),
            continued("manager", "Nine further contacts since the warning letter of "
                      "{ago:55}, all about the same charge, several copied to the Chief "
                      "Executive."),
            preconditions("manager", days_ago=4),
            alternatives("manager", meeting=(
                "declined", "Offered Mr Fletcher a meeting with the service manager on "
                "{ago:40}; he said he would only meet the Chief Executive.")),
            submit("manager", "All preconditions confirmed and alternatives recorded. I "
                   "recommend a single named contact and one telephone call a week."),
        ],
    },
    {
        "key": "harker",
        "salutation": "Mrs Harker",
        "fields": {
            "full_name": "Denise Harker",
            "address": "Flat 2, 37 Warwick Road\nCarlisle",
            "postcode": "CA1 1DR",
            "phone": "07700 900231",
            "email": "denise.harker@example.com",
            "preferred_contact_method": "email",
        },
        "matters": [
            {
                "key": "assessment",
                "kind": "complaint",
                "topic": "the delay in her care needs assessment",
                "summary": "Delay in her own care needs assessment",
                "details": "Mrs Harker complains that her care needs assessment took 14 "
                "weeks. The complaint was upheld in part at stage 1 and an apology and "
                "£150 for time and trouble were offered.",
                "received": 300, "status": "closed", "decided": 230, "closed": 200,
                "outcome": "Upheld in part: apology and £150 time-and-trouble payment.",
            },
            {
                "key": "records",
                "kind": "request",
                "topic": "copies of her records",
                "summary": "Copies of all records held about her",
                "details": "Subject access request for every record about Mrs Harker held "
                "by Adult Social Care. Records sent within a month; she says some are "
                "missing.",
                "received": 160, "status": "decided", "decided": 130,
                "outcome": "All records sent; search confirmed complete.",
            },
            {
                "key": "transport", "dir": "children", "by": "officer2",
                "kind": "complaint",
                "topic": "her son's school transport",
                "summary": "Home-to-school transport for her son",
                "details": "Mrs Harker wants her son's taxi to collect him 20 minutes later "
                "and says the escort is rude. The route was reviewed and the escort spoken "
                "to; the pick-up time cannot change without making other children late.",
                "received": 280, "status": "decided", "decided": 210,
                "outcome": "Not upheld. Route reviewed; pick-up time stays.",
            },
        ],
        "script": [
            burst((298, 150), 8, matter="assessment", difficult=0.5,
                  indicators=("many-in-succession", "trivial-new-complaints",
                              "changing-basis")),
            burst((278, 140), 6, by=("officer2",), dir="children", matter="transport",
                  difficult=0.6, indicators=("many-in-succession", "complaints-about-staff")),
            contact(135, "via_councillor", "", matter="assessment", at="09:40",
                    indicators=("scattergun",)),
            contact(128, "via_mp", "", matter="records", at="14:10",
                    indicators=("scattergun", "repeat-similar")),
            contact(96, "via_solicitor", "", matter="records", at="12:00",
                    indicators=("scattergun",)),
            burst((125, 30), 10, matter="records", difficult=0.8,
                  channels={"email": 6, "phone": 3, "social_media": 1, "web_form": 2},
                  indicators=("complaints-about-staff", "trivial-information",
                              "many-in-succession", "no-response-claimed")),
            burst((120, 25), 6, by=("officer2",), dir="children", matter="transport",
                  difficult=0.8, channels={"email": 4, "phone": 2},
                  indicators=("complaints-about-staff", "repeat-similar")),
            contact(60, "via_ombudsman", "", matter="assessment", at="15:30",
                    indicators=("scattergun",)),
            contact(47, "social_media", "Public post tagging the council's account about "
                    "her records, naming Jenny Armstrong and calling her 'useless'. "
                    "Screenshot saved to the file.", at="21:14", matter="records",
                    indicators=("complaints-about-staff", "bullying-harassment")),
            refer("officer", "Mrs Harker raises a new complaint most weeks, each time about "
                  "a different part of her care or her records, and pursues each through "
                  "her MP, a councillor and solicitors at the same time. She has asked "
                  "three times for the officer dealing to be replaced.",
                  ("many-in-succession", "scattergun", "complaints-about-staff",
                   "trivial-information"), evidence=8),
            refer("officer2", "Further referral from Children and Families: the same "
                  "pattern over her son's school transport, including repeated complaints "
                  "about the escort.",
                  ("many-in-succession", "complaints-about-staff"), evidence=4,
                  dir="children"),
            skip_warning("senior", "ineffective",
                         "The Director of Adult Social Care wrote to Mrs Harker on {ago:150} "
                         "and the Head of Education Services on {ago:95}, both asking her to "
                         "use one route for her complaints. Each letter was followed by more "
                         "contact, and she posted the second on social media with the "
                         "officer's name. A further warning would obviously have no effect."),
            coordination("manager", ("children", "economy"), "officer"),
            preconditions("manager", days_ago=2, notes={
                "discussed": "Discussed with Jenny Armstrong (Adults), Tom Graham (Children "
                "and Families) and Highways at the cross-directorate meeting.",
            }),
            alternatives(
                "manager",
                meeting=("done", "Met Mrs Harker at the Civic Centre on {ago:21} with the "
                         "service manager; agreed actions confirmed in writing."),
                cross_directorate=("done", "Cross-directorate meeting on {ago:14} with "
                                   "Children and Families and Economy and Infrastructure. "
                                   "Jenny Armstrong named key officer; one combined "
                                   "response letter agreed."),
                advocate=("offered", "Told Mrs Harker about the independent advocacy "
                          "service on {ago:21}; she said she did not need one."),
            ),
            submit("manager", "Cross-directorate case. Key officer named. I recommend that "
                   "all contact goes through the key officer, by email only."),
        ],
    },
    {
        "key": "tinkler",
        "salutation": "Mr Tinkler",
        "fields": {
            "full_name": "Raymond Tinkler",
            "address": "22 Greta Grove\nKeswick",
            "postcode": "CA12 5HQ",
            "phone": "01632 960348",
            "email": "ray.tinkler@example.com",
            "preferred_contact_method": "phone",
        },
        "matters": [
            {
                "key": "grant",
                "kind": "request",
                "topic": "his disabled facilities grant",
                "summary": "Disabled facilities grant for a level-access shower",
                "details": "Mr Tinkler applied for a grant for a level-access shower. The "
                "occupational therapist recommended a shower over the bath; Mr Tinkler "
                "wants a full wet room, which the grant does not cover.",
                "received": 330, "status": "decided", "decided": 270,
                "outcome": "Grant approved for the recommended adaptation only.",
            },
            {
                "key": "ot", "kind": "complaint",
                "topic": "the occupational therapist's assessment",
                "summary": "Complaint about the occupational therapist's assessment",
                "details": "Says the occupational therapist did not listen and wants a new "
                "assessment by someone else.",
                "received": 250, "status": "closed", "decided": 200, "closed": 180,
                "outcome": "Not upheld at stage 2.",
            },
        ],
        "script": [
            burst((328, 250), 6, by=("officer", "manager"), matter="grant", difficult=0.3,
                  indicators=("unreasonable-demands",)),
            burst((245, 160), 9, matter="ot", difficult=0.8,
                  indicators=("abusive-threatening", "complaints-about-staff",
                              "high-volume", "who-should-deal")),
            informal_warning(170, "officer", "phone", ("abusive-threatening",),
                             "Told Mr Tinkler that swearing at staff is not acceptable and "
                             "that the call would end if it happened again; it did, and the "
                             "call was ended."),
            burst((165, 130), 6, matter="ot", difficult=0.9,
                  indicators=("abusive-threatening", "high-volume", "repeat-similar")),
            refer("officer", "Abusive phone calls to the adaptations team, often several a "
                  "day, about the occupational therapist, despite an informal warning on "
                  "{ago:170}.", ("abusive-threatening", "high-volume",
                                 "complaints-about-staff")),
            formal_warning("manager", 125, "letter",
                           ("abusive-threatening", "high-volume"),
                           "Letter telling Mr Tinkler that his abusive language to staff "
                           "and the number of calls are unacceptable, and that a senior "
                           "manager may restrict his contact if they continue."),
            burst((120, 70), 9, matter="ot", difficult=0.9,
                  indicators=("abusive-threatening", "high-volume", "bullying-harassment")),
            continued("manager", "Abusive calls continued after the warning letter of "
                      "{ago:125}, including one where he threatened to 'sort out' the "
                      "occupational therapist."),
            preconditions("manager", days_ago=60),
            alternatives("manager", meeting=(
                "done", "Met Mr Tinkler at home with the team manager on {ago:65}; the "
                "meeting ended early when he became abusive.")),
            submit("manager", "Recommend a time limit on calls and one named officer."),
            designate("senior", "Mr Tinkler's abusive calls to the adaptations team "
                      "continued after an informal and a formal warning. The grant and the "
                      "complaint were dealt with properly. Contact will be limited to one "
                      "named officer and calls to 15 minutes, for six months.",
                      ("abusive-threatening", "high-volume", "complaints-about-staff"),
                      sanctions=(
                          sanction("call_limit", "Several abusive calls a day to the "
                                   "adaptations team. One call a week, at a set time, lets "
                                   "him raise anything new while protecting staff.",
                                   calls_per_week=1, call_weekdays="1",
                                   call_period="morning"),
                          sanction("time_limit", "Calls ran to 40 minutes or more and "
                                   "turned abusive as they went on.", max_minutes=15),
                          sanction("named_officer", "He asked repeatedly for other staff "
                                   "to deal with him; one named officer gives him a "
                                   "consistent point of contact.", named_officer="officer"),
                      )),
            notify("senior", staff=("officer", "manager")),
            challenge("officer", "letter",
                      "Mr Tinkler writes that one call a week is not enough while his "
                      "adaptations are being fitted, and that he only became angry because "
                      "nobody called him back. He asks for the restrictions to be reviewed."),
            assign_reviewer("senior", "reviewer"),
        ],
    },
    {
        "key": "pattinson",
        "salutation": "Ms Pattinson",
        "fields": {
            "full_name": "Susan Pattinson",
            "address": "9 Harrington Road\nWorkington",
            "postcode": "CA14 3EX",
            "phone": "07700 900415",
            "email": "sue.pattinson@example.com",
            "preferred_contact_method": "in_person",
        },
        "matters": [
            {
                "key": "daycentre",
                "kind": "complaint",
                "topic": "her mother's day-centre place",
                "summary": "Reduction of her mother's day-centre days",
                "details": "Ms Pattinson complains that her mother's day-centre place was cut "
                "from three days to two after a review. The review followed the eligibility "
                "criteria; an extra day was offered through a direct payment.",
                "received": 210, "status": "decided", "decided": 160,
                "outcome": "Not upheld. Direct payment offered for a third day.",
            }
        ],
        "script": [
            burst((208, 120), 8, by=("officer", "manager"), matter="daycentre",
                  difficult=0.4, channels={"phone": 4, "in_person": 4, "letter": 1},
                  indicators=("refuses-decision", "unreasonable-demands")),
            contact(95, "in_person", "Came to the Workington office about her mother's "
                    "day-centre place. Shouted at the receptionist, swore at the duty "
                    "officer and said she 'knew where he lived'. Was recording on her phone "
                    "without asking. Left when security was called.",
                    at="14:35", minutes=25, indicators=("abusive-threatening",
                                                        "covert-recording")),
            contact(94, "via_police", "", matter="daycentre", at="10:00",
                    indicators=("scattergun",)),
            burst((90, 40), 6, matter="daycentre", difficult=0.9,
                  channels={"phone": 3, "in_person": 2, "social_media": 1},
                  indicators=("abusive-threatening", "bullying-harassment",
                              "covert-recording")),
            refer("officer", "Threat to the duty officer at Workington on {ago:95}, "
                  "reported to the police, and further aggressive visits since.",
                  ("abusive-threatening", "bullying-harassment", "covert-recording")),
            skip_warning("manager", "safety",
                         "Ms Pattinson threatened the duty officer at the Workington office "
                         "on {ago:95} ('I know where you live'); the police were told. "
                         "Staff safety comes first, so the case goes straight to a "
                         "senior manager's decision."),
            preconditions("manager", days_ago=30),
            alternatives(
                "manager",
                meeting=("not_applicable", "A face-to-face meeting is not safe for staff "
                         "after the threat of {ago:95}; a written route was offered."),
            ),
            submit("manager", "Safety case: recommend written contact only and no visits to "
                   "council offices without an appointment and a witness."),
            designate("senior", "Threats to staff and repeated aggressive visits. Contact "
                      "will be in writing only; any meeting by appointment with two "
                      "officers present. Review in six months.",
                      ("abusive-threatening", "bullying-harassment"),
                      sanctions=(
                          sanction("police_or_legal", "Ms Pattinson threatened the duty "
                                   "officer at the Workington office; the threat was "
                                   "reported to Cumbria Police.",
                                   reference="Cumbria Police incident 0412 of {ago:95}"),
                          sanction("office_access", "Repeated aggressive visits to council "
                                   "offices, one ending with security called. Meetings only "
                                   "by appointment.", all_offices=True),
                          sanction("single_medium", "Written contact only keeps staff safe "
                                   "and gives her a clear route to raise her concerns.",
                                   allowed_channel="letter"),
                      )),
        ],
    },
    # Two designations made months ago (the script runs as of that day): one whose
    # six-month review is coming up, one whose review date passed with no decision, so the
    # deadline dashboard, the reminders and a recorded, escalated lapse can be seen.
    {
        "key": "routledge",
        "salutation": "Mrs Routledge",
        "as_of_days_ago": 170,
        "fields": {
            "full_name": "Angela Routledge",
            "address": "5 Lonsdale Street\nCarlisle",
            "postcode": "CA1 1BJ",
            "phone": "07700 900562",
            "email": "angela.routledge@example.com",
            "preferred_contact_method": "email",
        },
        "matters": [
            {
                "key": "respite", "kind": "complaint",
                "topic": "her father's respite care",
                "summary": "Complaint about the cost of her father's respite care",
                "details": "Mrs Routledge says her father should not pay towards respite "
                "care. The financial assessment followed the charging policy.",
                "received": 150, "status": "closed", "decided": 110, "closed": 90,
                "outcome": "Not upheld at stage 2.",
            },
        ],
        "script": [
            burst((148, 60), 14, matter="respite", difficult=0.8,
                  channels={"email": 8, "phone": 3, "web_form": 2},
                  indicators=("high-volume", "repeat-similar", "no-response-claimed",
                              "unreasonable-demands")),
            refer("officer", "Up to a dozen emails a day about respite charges, copied to "
                  "many officers, repeating points answered at stage 2.",
                  ("high-volume", "repeat-similar", "no-response-claimed")),
            formal_warning("manager", 55, "email", ("high-volume", "repeat-similar"),
                           "Email telling Mrs Routledge that the number of emails is "
                           "unreasonable and that her contact may be limited."),
            burst((50, 20), 8, matter="respite", difficult=0.9,
                  channels={"email": 8}, indicators=("high-volume", "repeat-similar")),
            continued("manager", "The emails went on after the warning of {ago:55}."),
            preconditions("manager", days_ago=15),
            alternatives("manager"),
            submit("manager", "Recommend email to one named officer only."),
            designate("senior", "Mrs Routledge's emails about respite charges continued "
                      "after a formal warning. Her complaint completed the procedure. She "
                      "will write by email to one named officer, for six months.",
                      ("high-volume", "repeat-similar", "no-response-claimed"),
                      sanctions=(
                          sanction("single_medium", "Many emails and calls to many officers; "
                                   "one medium keeps her able to raise anything new.",
                                   allowed_channel="email"),
                          sanction("named_officer", "One officer answering gives a single, "
                                   "consistent reply.", named_officer="officer"),
                      )),
            notify("senior", staff=("officer", "manager")),
        ],
    },
    {
        "key": "hodgson",
        "salutation": "Mr Hodgson",
        "as_of_days_ago": 200,
        "fields": {
            "full_name": "Gary Hodgson",
            "address": "41 Wigton Road\nCarlisle",
            "postcode": "CA2 7BB",
            "phone": "07700 900877",
            "email": "gary.hodgson@example.com",
            "preferred_contact_method": "phone",
        },
        "matters": [
            {
                "key": "parking", "kind": "complaint",
                "topic": "his blue badge renewal",
                "summary": "Blue badge renewal refused",
                "details": "Mr Hodgson's blue badge was not renewed after an assessment. He "
                "appealed; the decision was confirmed.",
                "received": 140, "status": "closed", "decided": 100, "closed": 80,
                "outcome": "Not upheld; the assessment was confirmed on appeal.",
            },
        ],
        "script": [
            burst((138, 40), 12, matter="parking", difficult=0.8,
                  channels={"phone": 6, "in_person": 3, "email": 2},
                  indicators=("abusive-threatening", "refuses-decision", "high-volume")),
            refer("officer", "Aggressive calls and visits about the blue badge decision, "
                  "which has been confirmed on appeal.",
                  ("abusive-threatening", "refuses-decision")),
            formal_warning("manager", 35, "letter", ("abusive-threatening",),
                           "Letter telling Mr Hodgson that shouting at staff is "
                           "unacceptable and that his contact may be restricted."),
            burst((30, 10), 5, matter="parking", difficult=0.9,
                  channels={"phone": 4, "in_person": 1},
                  indicators=("abusive-threatening", "high-volume")),
            continued("manager", "Two more aggressive calls after the letter of {ago:35}."),
            preconditions("manager", days_ago=8),
            alternatives("manager"),
            submit("manager", "Recommend a time limit on calls."),
            designate("senior", "Mr Hodgson's aggressive calls continued after a formal "
                      "warning. The blue badge decision was confirmed on appeal. Calls will "
                      "be limited to 10 minutes, for six months.",
                      ("abusive-threatening", "refuses-decision"),
                      sanctions=(
                          sanction("time_limit", "Calls turned aggressive after the first "
                                   "few minutes.", max_minutes=10),
                      )),
            notify("senior", staff=("officer", "manager")),
        ],
    },
    {
        "key": "brough",
        "salutation": "Mr Brough",
        "fields": {
            "full_name": "Keith Brough",
            "address": "41 Lowther Street\nWhitehaven",
            "postcode": "CA28 7DG",
            "phone": "01632 960527",
            "email": "",
            "preferred_contact_method": "phone",
            "communication_needs": "Partially sighted. Cannot read standard print; prefers "
            "the telephone.",
            "large_print": True,
            "reasonable_adjustments": "Letters in 18-point Arial on yellow paper. Calls "
            "returned rather than asking him to write.",
        },
        "matters": [
            {
                "key": "homecare",
                "kind": "request",
                "topic": "his home care hours",
                "summary": "More home care hours",
                "details": "Mr Brough asked for his home care to go from 7 to 14 hours a "
                "week. Reassessment found 9 hours meets his eligible needs.",
                "received": 260, "status": "decided", "decided": 200,
                "outcome": "Increased to 9 hours a week.",
            }
        ],
        "script": [
            burst((258, 190), 6, by=("officer", "manager"), matter="homecare",
                  channels={"phone": 5, "letter": 1}),
            burst((185, 80), 10, matter="homecare", difficult=0.8,
                  channels={"phone": 8, "in_person": 1, "letter": 1},
                  indicators=("high-volume", "repeat-similar", "refuses-decision",
                              "unreasonable-officer-time")),
            refer("officer", "Daily calls about his care hours since the decision on "
                  "{ago:200}, sometimes five a day, each lasting up to an hour.",
                  ("high-volume", "repeat-similar", "unreasonable-officer-time")),
            formal_warning("manager", 70, "letter",
                           ("high-volume", "repeat-similar"),
                           "Large-print letter, also read to Mr Brough on the phone, "
                           "explaining that the number and length of his calls is "
                           "unreasonable and what may happen if they continue."),
            burst((65, 8), 8, matter="homecare", difficult=0.9,
                  channels={"phone": 1},
                  indicators=("high-volume", "repeat-similar", "unreasonable-officer-time")),
            continued("manager", "Calls continued at the same rate after the warning."),
            preconditions("manager", days_ago=2, notes={
                "communication": "Every letter sent in 18-point print on yellow paper and "
                "read to Mr Brough on the phone; he confirmed he understood them.",
            }),
            alternatives(
                "manager",
                meeting=("done", "Home visit with the social worker on {ago:30} to go "
                         "through the assessment."),
                advocate=("offered", "Offered a referral to the sight-loss advocacy "
                          "service; Mr Brough is thinking about it."),
                adjustments=("done", "Large-print letters on yellow paper, read out by "
                             "phone; calls returned by the same officer."),
            ),
        ],
    },
    {
        "key": "routledge",
        "salutation": "Mr Routledge",
        "fields": {
            "full_name": "Alan Routledge",
            "address": "6 Senhouse Street\nMaryport",
            "postcode": "CA15 6BH",
            "phone": "01632 960219",
            "email": "alan.routledge@example.com",
            "preferred_contact_method": "email",
        },
        "matters": [
            {
                "key": "meals",
                "kind": "complaint",
                "topic": "meals-at-home charges",
                "summary": "Charges for the meals-at-home service",
                "details": "Says he was charged for meals on days he was in hospital. "
                "Refund made for 6 days; he says it should be 11.",
                "received": 220, "status": "decided", "decided": 170,
                "outcome": "Refund of 6 days' charges; other days were delivered.",
            }
        ],
        "script": [
            burst((218, 100), 9, matter="meals", difficult=0.7,
                  channels={"email": 7, "phone": 3, "web_form": 2},
                  indicators=("rejects-evidence", "trivial-information",
                              "repeat-minor-variations")),
            refer("officer", "Repeat complaints about the same five days' meals, each "
                  "slightly reworded, after delivery records were sent twice.",
                  ("rejects-evidence", "repeat-minor-variations")),
            formal_warning("manager", 80, "email", ("repeat-minor-variations",),
                           "Email explaining that the complaint has been answered, the "
                           "delivery records are the council's evidence, and that further "
                           "repeat complaints about the same days may be restricted."),
            burst((75, 10), 7, matter="meals", difficult=0.8,
                  channels={"email": 5, "web_form": 2},
                  indicators=("repeat-minor-variations", "rejects-evidence")),
            continued("manager", "Seven more emails and web forms about the same days."),
            preconditions("manager", days_ago=5, only=("discussed", "dealt_with")),
            alternatives("manager", only=("meeting",), meeting=(
                "offered", "Offered a meeting on {ago:6} to go through the delivery "
                "records; waiting for a reply.")),
        ],
    },
    {
        "key": "nixon",
        "salutation": "Ms Nixon",
        "fields": {
            "full_name": "Brenda Nixon",
            "address": "3 Challoner Street\nCockermouth",
            "postcode": "CA13 9QS",
            "phone": "07700 900388",
            "email": "",
            "preferred_contact_method": "phone",
            "communication_needs": "Learning disability: easy-read letters, short calls, "
            "time to take information in.",
            "reasonable_adjustments": "Easy-read letters, copied to her sister with "
            "consent. Meetings with her sister present.",
            "representative_name": "Carol Nixon",
            "representative_details": "Sister and unpaid carer. 07700 900417, "
            "carol.nixon@example.com",
            "representative_consent": True,
            "representative_consent_on": 400,  # days ago, turned into a date
        },
        "matters": [
            {
                "key": "support",
                "kind": "concern",
                "topic": "changes to her support workers",
                "summary": "Changes to her support workers in supported living",
                "details": "Ms Nixon is upset that her regular support worker left and "
                "that new staff keep changing. The provider has been asked to keep a "
                "small consistent team.",
                "received": 190, "status": "in_progress",
            }
        ],
        "script": [
            burst((188, 60), 12, matter="support", difficult=0.7,
                  channels={"phone": 12, "in_person": 2, "letter": 1},
                  indicators=("high-volume", "repeat-similar", "who-should-deal")),
            refer("officer", "Up to ten calls a day asking for her old support worker to "
                  "come back.", ("high-volume", "repeat-similar")),
            formal_warning("manager", 55, "letter", ("high-volume",),
                           "Easy-read letter, copied to her sister, explaining how many "
                           "calls are too many and who she can call instead."),
            burst((50, 12), 6, matter="support", difficult=0.8, channels={"phone": 1},
                  indicators=("high-volume", "repeat-similar")),
            continued("manager", "Calls continued after the easy-read letter."),
            preconditions("manager", days_ago=10),
            alternatives(
                "manager",
                meeting=("done", "Met Ms Nixon and her sister on {ago:20}."),
                adjustments=("done", "Easy-read letters, copied to her sister; meetings "
                             "with her sister present."),
            ),
            submit("manager"),
            return_for_more_work("senior", "Ms Nixon has a learning disability: the "
                                 "advocate alternative cannot be 'not applicable'. Offer an "
                                 "independent advocate and record the outcome before this "
                                 "comes back to me."),
            alternatives("manager", only=("advocate",), advocate=(
                "offered", "Referral to the learning-disability advocacy service offered "
                "in an easy-read letter; her sister is discussing it with her.")),
        ],
    },
    {
        "key": "irving",
        "salutation": "Mr Irving",
        "fields": {
            "full_name": "Colin Irving",
            "address": "112 Currock Road\nCarlisle",
            "postcode": "CA2 4BS",
            "phone": "01632 960634",
            "email": "colin.irving@example.com",
            "preferred_contact_method": "email",
        },
        "matters": [
            {
                "key": "eligibility", "kind": "enquiry",
                "topic": "help with his care costs",
                "summary": "Eligibility for help with care costs",
                "details": "Asked whether he qualifies for help with the cost of a carer. "
                "Financial assessment sent twice; not returned.",
                "received": 200, "status": "in_progress",
            }
        ],
        "script": [
            burst((198, 40), 10, matter="eligibility", difficult=0.6,
                  channels={"email": 8, "phone": 4, "letter": 2},
                  indicators=("trivial-information", "unreasonable-demands",
                              "refuses-grounds")),
            informal_warning(60, "officer", "email", ("unreasonable-demands",),
                             "Told Mr Irving by email that we cannot answer 30 questions "
                             "before he returns the financial assessment form."),
            burst((55, 20), 5, matter="eligibility", difficult=0.8, channels={"email": 1},
                  indicators=("trivial-information", "unreasonable-demands")),
            refer("officer", "Keeps sending long lists of questions and deadlines instead "
                  "of the form, after an informal warning.",
                  ("trivial-information", "unreasonable-demands")),
            formal_warning("manager", 10, "email",
                           ("trivial-information", "unreasonable-demands"),
                           "Email explaining what we need from him and that more lists of "
                           "questions will not be answered individually."),
        ],
    },
    {
        "key": "moffat",
        "salutation": "Mrs Moffat",
        "fields": {
            "full_name": "Janet Moffat",
            "address": "5 West Street\nWigton",
            "postcode": "CA7 9NJ",
            "phone": "01632 960771",
            "email": "janet.moffat@example.com",
            "preferred_contact_method": "phone",
        },
        "matters": [
            {
                "key": "visits", "kind": "complaint",
                "topic": "missed home care visits",
                "summary": "Missed home care visits",
                "details": "Complains that carers missed or were late for visits to her "
                "husband. Upheld; the provider was given an improvement notice.",
                "received": 150, "status": "decided", "decided": 110,
                "outcome": "Upheld. Apology; provider given an improvement notice.",
            }
        ],
        "script": [
            burst((148, 30), 9, by=("officer", "manager"), matter="visits", difficult=0.6,
                  indicators=("refuses-decision", "unreasonable-demands", "high-volume")),
            refer("officer", "Rings the team most days demanding that the care provider is "
                  "sacked, although her complaint was upheld.",
                  ("unreasonable-demands", "high-volume")),
            formal_warning("manager", 21, "letter", ("unreasonable-demands", "high-volume"),
                           "Letter explaining what the council has done about the "
                           "provider, what it cannot do, and that daily calls are "
                           "unreasonable."),
            burst((18, 3), 3, matter="visits", difficult=0.5, channels={"phone": 1},
                  indicators=("high-volume",)),
        ],
    },
    {
        "key": "hodgson",
        "salutation": "Mr Hodgson",
        "fields": {
            "full_name": "Stephen Hodgson",
            "address": "Lane End Cottage\nHallbankgate\nBrampton",
            "postcode": "CA8 2PE",
            "phone": "07700 900562",
            "email": "steve.hodgson@example.com",
            "preferred_contact_method": "email",
        },
        "matters": [
            {
                "key": "safeguarding", "kind": "complaint",
                "topic": "his father's safeguarding enquiry",
                "summary": "Handling of a safeguarding enquiry about his father",
                "details": "Mr Hodgson says the safeguarding enquiry into his father's care "
                "home was closed too quickly. A stage 1 response is due.",
                "received": 75, "status": "in_progress",
            }
        ],
        "script": [
            burst((73, 2), 12, matter="safeguarding", difficult=0.7,
                  channels={"email": 8, "phone": 5, "social_media": 1, "letter": 1},
                  indicators=("high-volume", "unreasonable-demands", "complaints-about-staff")),
            informal_warning(20, "officer", "phone", ("unreasonable-demands",),
                             "Told Mr Hodgson the stage 1 response is due on the date we "
                             "gave and daily calls will not bring it forward."),
            refer("officer", "Twelve contacts in ten weeks, demanding replies within a day "
                  "and asking for the social worker to be removed.",
                  ("high-volume", "unreasonable-demands", "complaints-about-staff")),
        ],
    },
    {
        "key": "bowman",
        "salutation": "Mrs Bowman",
        "fields": {
            "full_name": "Lorraine Bowman",
            "address": "27 Kingstown Road\nCarlisle",
            "postcode": "CA3 0AB",
            "phone": "01632 960905",
            "email": "lorraine.bowman@example.com",
            "preferred_contact_method": "email",
        },
        "matters": [
            {
                "key": "respite", "kind": "request",
                "topic": "respite care for her husband",
                "summary": "Respite care for her husband",
                "details": "Asked for two weeks' respite for her husband in August. Offered "
                "a place at Eden Court; she wants a different home with no vacancy.",
                "received": 90, "status": "in_progress",
            }
        ],
        "script": [
            burst((88, 5), 9, matter="respite", difficult=0.6,
                  channels={"email": 6, "phone": 3},
                  indicators=("incompatible-handling", "unreasonable-demands")),
            contact(40, "via_councillor", "", matter="respite", at="16:05",
                    indicators=("scattergun",)),
            contact(33, "via_mp", "", matter="respite", at="09:15",
                    indicators=("scattergun",)),
            refer("officer", "Pursuing the respite request through a councillor and the MP "
                  "at the same time as with us, and insisting on a home with no vacancy.",
                  ("scattergun", "incompatible-handling")),
        ],
    },
    {
        "key": "wilkinson",
        "salutation": "Mr Wilkinson",
        "fields": {
            "full_name": "Derek Wilkinson",
            "address": "18 Brunswick Road\nPenrith",
            "postcode": "CA11 7LU",
            "phone": "01632 960440",
            "email": "derek.wilkinson@example.com",
            "preferred_contact_method": "phone",
        },
        "matters": [
            {
                "key": "blue", "kind": "complaint",
                "topic": "his wife's direct payment",
                "summary": "Late direct payments for his wife's care",
                "details": "Direct payments were paid late three months running, so he "
                "could not pay the personal assistant.",
                "received": 180, "status": "closed", "decided": 120, "closed": 100,
                "outcome": "Upheld. Payments moved to a fixed date; apology sent.",
            }
        ],
        "script": [
            burst((178, 120), 10, matter="blue", difficult=0.5,
                  indicators=("high-volume", "unreasonable-demands")),
            refer("officer", "Ten contacts in two months about late payments, some of them "
                  "angry.", ("high-volume",)),
            close_referral("manager", "Looked at the calls: they followed our own mistakes "
                           "with the payments, and stopped once the payments were fixed. "
                           "Not unreasonable; apology sent."),
        ],
    },
    {
        "key": "kirkbride",
        "salutation": "Mrs Kirkbride",
        "fields": {
            "full_name": "Ann Kirkbride",
            "address": "2 Queen Street\nAspatria",
            "postcode": "CA7 3AZ",
            "phone": "01632 960183",
            "email": "ann.kirkbride@example.com",
            "preferred_contact_method": "letter",
        },
        "matters": [
            {
                "key": "parking", "kind": "complaint",
                "topic": "the closure of the Aspatria day centre",
                "summary": "Closure of the Aspatria day centre",
                "details": "Objects to the closure and to how it was consulted on.",
                "received": 310, "status": "closed", "decided": 260, "closed": 240,
                "outcome": "Not upheld: consultation followed the council's procedure.",
            }
        ],
        "script": [
            burst((305, 180), 10, matter="parking", difficult=0.7,
                  channels={"letter": 5, "email": 5, "phone": 3, "in_person": 1},
                  indicators=("repeat-similar", "refuses-decision", "high-volume")),
            informal_warning(190, "officer", "letter", ("repeat-similar",),
                             "Letter explaining the decision is final and that repeated "
                             "letters on the same point will be filed."),
            refer("officer", "Letters and emails several times a week about the closure "
                  "after the complaint was closed.", ("repeat-similar", "refuses-decision")),
            formal_warning("manager", 170, "letter", ("repeat-similar", "refuses-decision"),
                           "Formal letter: the complaint has completed the procedure; the "
                           "Ombudsman is the next step; further repeat contact may be "
                           "restricted."),
            burst((160, 130), 2, matter="parking", channels={"letter": 1}),
            stopped("manager", "Mrs Kirkbride has not contacted us about the closure since "
                    "two letters in the month after the warning; she has taken it to the "
                    "Ombudsman, which is her right."),
        ],
    },
    {
        "key": "dalton",
        "salutation": "Mr Dalton",
        "fields": {
            "full_name": "Philip Dalton",
            "address": "61 Main Street\nEgremont",
            "postcode": "CA22 2DB",
            "phone": "07700 900674",
            "email": "phil.dalton@example.com",
            "preferred_contact_method": "email",
        },
        "matters": [
            {
                "key": "invoice", "kind": "complaint",
                "topic": "an invoice for his late aunt's care",
                "summary": "Invoice for his late aunt's home care",
                "details": "Disputes an invoice sent to him as executor. Stage 1 answered; "
                "he asked for stage 2.",
                "received": 160, "status": "in_progress",
            }
        ],
        "script": [
            burst((158, 40), 10, matter="invoice", difficult=0.8,
                  channels={"email": 8, "phone": 4, "letter": 1},
                  indicators=("no-response-claimed", "high-volume", "rejects-evidence")),
            refer("officer", "Emails every few days saying he has had no answer.",
                  ("no-response-claimed", "high-volume")),
            formal_warning("manager", 45, "email", ("no-response-claimed",),
                           "Email warning that repeated contact may be restricted."),
            burst((40, 20), 4, matter="invoice", difficult=0.8, channels={"email": 1},
                  indicators=("no-response-claimed",)),
            continued("manager", "Four more emails saying he has had no reply."),
            preconditions("manager", days_ago=15, only=("discussed", "dealt_with"),
                          not_met=("dealt_with",), notes={
                "dealt_with": "Mr Dalton asked for stage 2 on {ago:100} and we never "
                "replied: he is right that he has had no answer. The complaint has not "
                "been dealt with properly.",
            }),
            close_precondition_failed("manager", "The stage 2 request was never answered. "
                                      "A stage 2 response is being written, with an "
                                      "apology for the delay; no designation."),
        ],
    },
    {
        "key": "telford",
        "salutation": "Mrs Telford",
        "fields": {
            "full_name": "Maureen Telford",
            "address": "47 Warwick Square\nCarlisle",
            "postcode": "CA1 1LB",
            "phone": "01632 960956",
            "email": "maureen.telford@example.com",
            "preferred_contact_method": "phone",
        },
        "matters": [
            {
                "key": "alarm", "kind": "complaint",
                "topic": "her community alarm",
                "summary": "Community alarm not answered",
                "details": "Says her community alarm was not answered when she fell. Call "
                "logs show it was answered in 40 seconds.",
                "received": 240, "status": "decided", "decided": 190,
                "outcome": "Not upheld: the call log shows the alarm was answered.",
            }
        ],
        "script": [
            burst((238, 60), 10, matter="alarm", difficult=0.7,
                  channels={"phone": 10, "letter": 2, "email": 2},
                  indicators=("rejects-evidence", "repeat-similar", "high-volume")),
            refer("officer", "Calls most days disputing the call log.",
                  ("rejects-evidence", "repeat-similar")),
            formal_warning("manager", 55, "letter", ("repeat-similar",),
                           "Letter explaining the call log and that repeated calls about "
                           "it may be restricted."),
            burst((50, 30), 3, matter="alarm", difficult=0.7, channels={"phone": 1},
                  indicators=("repeat-similar",)),
            continued("manager", "Three more calls disputing the log."),
            preconditions("manager", days_ago=25),
            alternatives("manager", meeting=("done", "Visited with the alarm team leader "
                                             "on {ago:28} and played her the call.")),
            submit("manager"),
            decline("senior", "Mrs Telford's calls are fewer since the visit, she is 84 and "
                    "lives alone, and she is anxious about the alarm rather than "
                    "unreasonable. A designation would not be proportionate. The alarm team "
                    "will ring her monthly to test it with her."),
        ],
    },
    {
        "key": "carruthers",
        "salutation": "Mr Carruthers",
        "fields": {
            "full_name": "Lee Carruthers",
            "address": "88 Arnside Road\nHarraby\nCarlisle",
            "postcode": "CA1 3QA",
            "phone": "07700 900729",
            "email": "lee.carruthers@example.com",
            "preferred_contact_method": "phone",
        },
        "matters": [
            {
                "key": "send", "dir": "children", "by": "officer2", "kind": "request",
                "topic": "his daughter's EHC needs assessment",
                "summary": "Education, health and care needs assessment for his daughter",
                "details": "Asked for an EHC needs assessment for his daughter. Assessment "
                "agreed; the 20-week timescale has not yet run out.",
                "received": 110, "status": "in_progress",
            }
        ],
        "script": [
            burst((108, 3), 10, by=("officer2",), dir="children", matter="send",
                  difficult=0.7, channels={"phone": 7, "email": 5, "in_person": 1},
                  indicators=("abusive-threatening", "unreasonable-demands",
                              "high-volume")),
            informal_warning(30, "officer2", "phone", ("abusive-threatening",),
                             "Told Mr Carruthers that shouting and swearing at staff is not "
                             "acceptable and the call would end if it continued.",
                             dir="children"),
            refer("officer2", "Abusive calls to the SEND team demanding the assessment is "
                  "finished early, after an informal warning.",
                  ("abusive-threatening", "unreasonable-demands"), dir="children"),
        ],
    },
    {
        "key": "stoddart",
        "salutation": "Ms Stoddart",
        "fields": {
            "full_name": "Kelly Stoddart",
            "address": "15 Salterbeck Drive\nWorkington",
            "postcode": "CA14 5JR",
            "phone": "07700 900846",
            "email": "kelly.stoddart@example.com",
            "preferred_contact_method": "email",
        },
        "matters": [
            {
                "key": "admission", "dir": "children", "by": "officer2", "kind": "enquiry",
                "topic": "her son's school admission appeal",
                "summary": "School admission appeal",
                "details": "Asked how to appeal against the school place offered.",
                "received": 140, "status": "closed", "decided": 120, "closed": 90,
                "outcome": "Appeal heard; not upheld by the independent panel.",
            }
        ],
        "script": [
            burst((138, 40), 6, by=("officer2",), dir="children", matter="admission",
                  difficult=0.4, channels={"email": 5, "phone": 3},
                  indicators=("outside-remit", "refuses-decision")),
            informal_warning(45, "officer2", "email", ("outside-remit",),
                             "Explained again that the council cannot overturn the "
                             "independent appeal panel's decision.", dir="children"),
        ],
    },
    {
        "key": "sewell",
        "salutation": "Mr Sewell",
        "fields": {
            "full_name": "Ian Sewell",
            "address": "7 Penrith Road\nKeswick",
            "postcode": "CA12 4HF",
            "phone": "01632 960302",
            "email": "ian.sewell@example.com",
            "preferred_contact_method": "email",
        },
        "matters": [
            {
                "key": "alarmcharge", "kind": "complaint",
                "topic": "the community alarm charge",
                "summary": "Charge for the community alarm service",
                "details": "Objects to the weekly charge going up by 60p.",
                "received": 120, "status": "closed", "decided": 100, "closed": 80,
                "outcome": "Not upheld: the charge was set by the Cabinet.",
            }
        ],
        "script": [
            burst((118, 20), 8, matter="alarmcharge", difficult=0.4,
                  channels={"email": 5, "phone": 3},
                  indicators=("refuses-decision", "repeat-similar")),
            informal_warning(50, "officer", "email", ("repeat-similar",),
                             "Email saying that further emails about the charge will be "
                             "read but not answered unless they raise something new."),
        ],
    },
    {
        "key": "lancaster",
        "salutation": "Mrs Lancaster",
        "fields": {
            "full_name": "Dorothy Lancaster",
            "address": "31 Blackwell Road\nCarlisle",
            "postcode": "CA2 4AG",
            "phone": "07700 900133",
            "email": "dorothy.lancaster@example.com",
            "preferred_contact_method": "email",
            "communication_needs": "Deaf; British Sign Language user. Book a BSL "
            "interpreter for meetings; text relay for calls.",
            "reasonable_adjustments": "BSL interpreter at every meeting; email rather than "
            "telephone.",
            "representative_name": "Sarah Lancaster",
            "representative_details": "Daughter. 07700 900134, sarah.lancaster@example.com",
            "representative_consent": True,
            "representative_consent_on": 150,
        },
        "matters": [
            {
                "key": "carer", "kind": "enquiry",
                "topic": "a carer's assessment",
                "summary": "Carer's assessment for looking after her husband",
                "details": "Asked about a carer's assessment; booked with a BSL "
                "interpreter.",
                "received": 150, "status": "decided", "decided": 110,
                "outcome": "Carer's assessment done; carer's break funded.",
            }
        ],
        "script": [
            burst((148, 100), 5, matter="carer", channels={"email": 4, "in_person": 1},
                  outbound=0.4),
        ],
    },
    {
        "key": "dobson",
        "salutation": "Ms Dobson",
        "fields": {
            "full_name": "Rachel Dobson",
            "address": "10 Beacon Edge\nPenrith",
            "postcode": "CA11 8BN",
            "phone": "01632 960587",
            "email": "rachel.dobson@example.com",
            "preferred_contact_method": "phone",
        },
        "matters": [
            {
                "key": "equipment", "kind": "request",
                "topic": "bathing equipment",
                "summary": "Bath lift for her mother",
                "details": "Asked for a bath lift for her mother, who lives with her.",
                "received": 45, "status": "open",
            }
        ],
        "script": [
            burst((44, 4), 4, matter="equipment", channels={"phone": 3, "email": 1},
                  outbound=0.5),
        ],
    },
]


# What the `ig` user (Information Governance) finds on each of its pages: an open subject
# access request with an extension, a correction and a dispute statement, a legal hold, and a
# customer past retention whom the seed's sweep proposes for disposal (`demo.seeder`).
GOVERNANCE = {
    "subject_access": {
        "customer": "Keith Brough",
        "received": 20,  # days ago
        "how_received": "Letter to the Customer Services Centre",
        "identity_checked": 15,
        "identity_how": "Photo driving licence and a council tax bill seen at the "
        "customer service centre.",
        "extension_months": 1,
        "extension_reason": "The request covers three directorates' records and their "
        "correspondence; the customer was told on the day the request was extended.",
    },
    "correction": {
        "customer": "Janet Moffat",
        "by": "manager",
        "direction": "outbound",
        "reason": "It was our call back to Mrs Moffat, not hers to us: the call log shows "
        "the team rang her.",
    },
    "dispute": {
        "customer": "Janet Moffat",
        "by": "manager",
        "received": 5,
        "statement": "I did not demand that the provider be sacked. I asked the council "
        "to make sure my husband's visits happen on time.",
    },
    "legal_hold": {
        "customer": "Gary Hodgson",
        "reason": "ombudsman",
        "note": "The Local Government and Social Care Ombudsman is investigating his "
        "complaint about the parking permit decision (ref. 25 004 117).",
    },
    # Last heard from seven years ago and never referred: past the six-year retention.
    "past_retention": {
        "fields": {
            "full_name": "Norman Pearson",
            "address": "2 Mill Lane\nAppleby",
            "postcode": "CA16 6AB",
            "preferred_contact_method": "letter",
        },
        "years_ago": 7,
        "summary": "Asked when the bin collection round would change; told the new days.",
    },
}
