"""Crisis lines a clinic keeps itself (added, corrected and verified on /staff/crisis/).

The bundled file ``core/data/crisis_resources.json`` stays the starting list; a clinic
entry for the same region and name (``replaces``) takes its place, so verifying a
bundled entry means adopting it here with a date and a name. No entry ever claims a
check that was not recorded: :attr:`CrisisLine.verified_on` is empty until a clinic
admin verifies it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

__all__ = ["REGION_CODE_RE", "CrisisLine"]

#: A country code (ISO 3166-1 alpha-2) or ``EU`` for the EU-wide 112.
REGION_CODE_RE = r"^[A-Z]{2}$"
#: Digits and spaces, as people dial them ("13 11 14").
NUMBER_RE = r"^[0-9][0-9 ]*$"

_number = RegexValidator(NUMBER_RE, "Use digits and spaces only, e.g. 13 11 14.")
_region = RegexValidator(REGION_CODE_RE, "Use a two-letter country code such as NZ, or EU.")


class CrisisLine(models.Model):
    """One crisis line or emergency number for one region, kept by this clinic."""

    class Kind(models.TextChoices):
        CRISIS_LINE = "crisis_line", "Crisis line (to talk to someone)"
        EMERGENCY = "emergency", "Emergency services"

    region = models.CharField(max_length=2, validators=[_region])
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CRISIS_LINE)
    phone = models.CharField(max_length=24, blank=True, validators=[_number])
    text = models.CharField(max_length=24, blank=True, validators=[_number])
    hours = models.CharField(max_length=80, blank=True, default="24/7")
    url = models.URLField(max_length=300)
    replaces = models.CharField(
        max_length=140,
        blank=True,
        default="",
        help_text="The bundled entry this one takes the place of (region:name), if any.",
    )
    verified_on = models.DateField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_by_name = models.CharField(max_length=150, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(phone="") & models.Q(text="")),
                name="crisisline_phone_or_text",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["crisis_line", "emergency"]),
                name="crisisline_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region}: {self.name}"
