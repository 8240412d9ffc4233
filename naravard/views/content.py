"""Swedish text content taken from the source documents (not figures).

Kept here, with its source key, so pages do not carry long prose and a reviewer can
check the wording against the deck in one place. Presented neutrally: the app shows
the options and the numbers that bear on them, never a recommendation.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Option:
    title: str
    points: tuple[str, ...]
    bearing: str  # which scenario figures bear on it
    source: str = "HSU-2023"


STRATEGIC_QUESTION = (
    "Vilket strategiskt val möter behoven av läkare hos de äldre bäst utifrån de demografiska "
    "utmaningar vi står inför?"
)

VAGVAL: tuple[Option, ...] = (
    Option(
        "1. Förstärka nuvarande organisation",
        (
            "Gemensamt ansvar för kommunal hälso- och sjukvård från vårdcentral, palliativt konsultteam, "
            "Läkarmedverkan i hemsjukvården, allmänmedicinsk beredskapsjour och specialistvården.",
            "Patienten är listad på valfri vårdcentral.",
            "Mer tid och tydligare uppdrag för vårdcentralerna (ökad finansiering).",
            "Ökad finansiering av Läkarmedverkan i hemsjukvården och eventuellt ytterligare uppdrag för särskilt boende och LSS.",
        ),
        "Inskrivna i ordinärt boende och korttidsplatser: Läkarmedverkan i hemsjukvården gör akuta hembesök "
        "i ordinärt boende och har det medicinska ansvaret på korttidsboende.",
    ),
    Option(
        "2. En egen organisation med läkare för kommunal hälso- och sjukvård",
        (
            "En ny organisation tar hand om alla patienter i den kommunala hälso- och sjukvården "
            "(SäBo, korttidsboende, LSS, ordinärt boende) och tar över det medicinska ansvaret.",
            "Patienten är i grunden fortfarande listad på valfri vårdcentral.",
            "Kan organiseras t.ex. som en vårdcentral per kommun med ett särskilt uppdrag, eller en organisation för hela Halland.",
        ),
        "Alla inskrivna i kommunal hälso- och sjukvård (ordinärt boende och SäBo) per kommun.",
    ),
    Option(
        "3. Ändra gränssnittet för ansvaret för hemsjukvården i eget boende",
        (
            "Kommunen har fortsatt ansvar för SäBo och korttidsboende; regionen får ansvar för hemsjukvård "
            "i ordinärt boende (avser inte läkare utan övrig legitimerad personal).",
            "Frågor att beakta: skatteväxling har skett för delar av hemsjukvården; olika tolkningar av vilket "
            "ansvar som övergår; kräver noggrann konsekvensutredning.",
        ),
        "Inskrivna i kommunal hälso- och sjukvård i ordinärt boende per kommun.",
    ),
)

KOMPLEMENT: tuple[str, ...] = (
    "”Slutenvårdsplatser i hemmet”: uppföljning i hemmet under begränsad tid efter utskrivning.",
    "”Mobila team”: läkare och legitimerad personal från region och kommun; patienten skrivs in i teamet.",
    "”Eftervårdsplatser” i regional regi kopplade till sjukhuset, som komplement till kommunala korttidsplatser.",
)

LMH_2023 = (
    "Läget 2023 enligt dialogunderlaget: Läkarmedverkan i hemsjukvården signalerar att läkarresurserna är "
    "otillräckliga, allt mer tid går till korttidsplatserna, och de som skrivs in där är allt svårare sjuka."
)

CLOSING_QUESTION = "Vad är bäst för hallänningen?"
