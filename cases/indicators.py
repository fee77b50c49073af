"""Section 2.1 of the policy, item by item: the seed for the Indicator table."""

PERSISTENCE = [
    ("no-serious-purpose", "Clearly do not have any serious purpose or value"),
    ("vexatious", "Are obviously vexatious in nature"),
    ("disruption", "Are designed solely to cause disruption or annoyance"),
    (
        "harassing-obsessive",
        "Have the effect of harassing the Council or its staff or can otherwise fairly be "
        "characterised as obsessive or unreasonable",
    ),
    (
        "unreasonable-officer-time",
        "Take up an unreasonable amount of officer time and hinder the other work of the Council",
    ),
]

BEHAVIOUR = [
    ("abusive-threatening", "Abusive, offensive or threatening behaviour"),
    ("bullying-harassment", "Behaviour which amounts to bullying or harassment"),
]

ACTIONS = [
    ("unwilling-procedures", "Unwillingness to comply with council procedures"),
    (
        "incompatible-handling",
        "Insisting on issues or requests being dealt with in ways which are incompatible "
        "with Council procedures or with good practice",
    ),
    (
        "unreasonable-demands",
        "Making unreasonable demands of officers and/or members or setting unreasonable "
        "timescales for responses",
    ),
    (
        "who-should-deal",
        "Making unreasonable requests in relation to who should deal with their complaint, "
        "enquiry or request, or how it should be dealt with",
    ),
    ("rejects-evidence", "Repeatedly being unwilling to accept documented evidence"),
    (
        "no-response-claimed",
        "Insisting that no response has been received or that the response is unacceptable",
    ),
    (
        "high-volume",
        "Sending a high volume of letters, emails and/or phone calls (sometimes to multiple "
        "recipients)",
    ),
    (
        "trivial-new-complaints",
        "Continuing to add new, or making trivial, complaints, requests or enquiries",
    ),
    (
        "repeat-similar",
        "Repeatedly complaining or making repeat requests about similar issues after they "
        "have already been dealt with",
    ),
    (
        "many-in-succession",
        "Making many complaints, requests or enquiries about different issues in succession",
    ),
    (
        "refuses-grounds",
        "Refusing to specify the grounds of a complaint, despite offers of assistance with "
        "this from the Council's staff",
    ),
    (
        "complaints-about-staff",
        "Making groundless complaints about the staff dealing with the complaint or request, "
        "and seeking to have the staff replaced",
    ),
    (
        "outside-remit",
        "Refusing to accept that issues or requests are not within the remit of a procedure "
        "despite having been provided with information about the procedure's scope",
    ),
    (
        "changing-basis",
        "Changing the basis of a complaint or request as it proceeds and/or denying "
        "statements made at an earlier stage",
    ),
    (
        "trivial-information",
        "Introducing trivial or irrelevant new information which the customer expects to be "
        "taken into account, or raising large numbers of detailed but unimportant questions "
        "and insisting they are all fully answered",
    ),
    (
        "covert-recording",
        "Electronically recording meetings and conversations without the prior knowledge and "
        "consent of the other persons involved",
    ),
    (
        "scattergun",
        "Adopting a 'scattergun' approach: pursuing complaints or requests with the "
        "authority and, at the same time, with an MP, a councillor, legal services, the "
        "local police, solicitors or the Ombudsman",
    ),
    (
        "repeat-minor-variations",
        "Submitting repeat complaints or requests, with minor variations, after the "
        "processes have been completed",
    ),
    ("refuses-decision", "Refusing to accept a decision"),
]

SEED = {"persistence": PERSISTENCE, "behaviour": BEHAVIOUR, "action": ACTIONS}
