"""Accounts, therapist links, consent, invitations and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from lacrima.web.crypto import EncryptedTextField

CATEGORIES = ("diary", "checkins", "worksheets", "program", "screening", "sessions")
CATEGORY_LABELS = {
    "diary": "Crying and mood diary",
    "checkins": "Body check-ins",
    "worksheets": "Reflection worksheets",
    "program": "Desensitization program",
    "screening": "Questionnaires",
    "sessions": "Session recordings",
}


class Role(models.TextChoices):
    """What a person does in Lacrima; decides which pages they see."""

    CLIENT = "client", "Client"
    THERAPIST = "therapist", "Therapist"
    ADMIN = "admin", "Administrator"


class User(AbstractUser):
    """A person with a login. ``role`` is fixed at creation by an admin or an invitation."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CLIENT)

    @property
    def is_client(self) -> bool:
        """True for a person in therapy."""
        return self.role == Role.CLIENT

    @property
    def is_therapist(self) -> bool:
        """True for a therapist or counsellor."""
        return self.role == Role.THERAPIST

    @property
    def is_admin_role(self) -> bool:
        """True for a clinic administrator (no access to client data)."""
        return self.role == Role.ADMIN

    @property
    def display_name(self) -> str:
        """The full name if given, else the user name."""
        return self.get_full_name() or self.username


class ClientProfile(models.Model):
    """What a client chooses to tell every linked therapist about themself."""

    NOTE_MAX_CHARS = 2000

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    note = EncryptedTextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)


class TherapistLinkQuerySet(models.QuerySet["TherapistLink"]):
    """Links between clients and therapists; :meth:`active` is the only "is linked" rule."""

    def active(self) -> TherapistLinkQuerySet:
        """Links in force (not ended by either side)."""
        return self.filter(active=True)

    def between(self, client: User, therapist: User) -> TherapistLinkQuerySet:
        """The active link of this client with this therapist (zero or one row)."""
        return self.active().filter(client=client, therapist=therapist)

    def of_client(self, client: User) -> TherapistLinkQuerySet:
        """The client's active links, therapists and consents loaded, oldest first."""
        return (
            self.active()
            .filter(client=client)
            .select_related("therapist")
            .prefetch_related("consents")
            .order_by("pk")
        )

    def of_therapist(self, therapist: User) -> TherapistLinkQuerySet:
        """The therapist's active links, clients and consents loaded, oldest first."""
        return (
            self.active()
            .filter(therapist=therapist)
            .select_related("client")
            .prefetch_related("consents")
            .order_by("pk")
        )

    def clients_sharing(self, therapist: User, category: str) -> models.QuerySet[User]:
        """The clients sharing ``category`` with ``therapist`` over an active link."""
        links = Consent.objects.in_force().filter(link__therapist=therapist, category=category)
        return User.objects.filter(
            role=Role.CLIENT, pk__in=links.values("link__client_id")
        ).distinct()


class ConsentQuerySet(models.QuerySet["Consent"]):
    """Consent rows; :meth:`in_force` is the only "is shared" rule."""

    def in_force(self) -> ConsentQuerySet:
        """Granted consents over an active link (an ended link shares nothing)."""
        return self.filter(granted=True, link__active=True)

    def shared(self, client: User, therapist: User | int | None, category: str) -> bool:
        """True while ``client`` shares ``category`` with ``therapist`` (a user or an id).

        ``None`` (no therapist) shares nothing.
        """
        therapist_id = therapist.pk if isinstance(therapist, User) else therapist
        if therapist_id is None:
            return False
        return (
            self.in_force()
            .filter(link__client=client, link__therapist_id=therapist_id, category=category)
            .exists()
        )

    def therapist_ids(self, client: User, category: str) -> set[int]:
        """The therapists ``client`` shares ``category`` with now."""
        rows = self.in_force().filter(link__client=client, category=category)
        return set(rows.values_list("link__therapist_id", flat=True))

    def shares_of_therapist(self, therapist: User) -> dict[int, set[str]]:
        """``{client_id: categories}`` each linked client shares with ``therapist`` now."""
        found: dict[int, set[str]] = {}
        rows = self.in_force().filter(link__therapist=therapist)
        for client_id, category in rows.values_list("link__client_id", "category"):
            found.setdefault(client_id, set()).add(category)
        return found


class TherapistLink(models.Model):
    """A client working with a therapist. A client may have several."""

    client = models.ForeignKey(User, on_delete=models.CASCADE, related_name="therapist_links")
    therapist = models.ForeignKey(User, on_delete=models.CASCADE, related_name="client_links")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = TherapistLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "therapist"], name="unique_client_therapist")
        ]

    def __str__(self) -> str:
        return f"{self.client.username} ↔ {self.therapist.username}"

    def shared_categories(self) -> list[str]:
        """The categories this client currently shares with this therapist."""
        granted = {c.category for c in self.consents.all() if c.granted}
        return [c for c in CATEGORIES if c in granted]


class Consent(models.Model):
    """Whether a client shares one category with one linked therapist. No row = not shared."""

    link = models.ForeignKey(TherapistLink, on_delete=models.CASCADE, related_name="consents")
    category = models.CharField(
        max_length=16, choices=[(c, CATEGORY_LABELS[c]) for c in CATEGORIES]
    )
    granted = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "category"], name="unique_link_category")
        ]


class Invitation(models.Model):
    """A single-use, expiring way to create a therapist link.

    ``kind="link"``: a therapist invites a client with a URL. ``kind="code"``: a client
    gives a therapist a short code. Only a hash of the secret is stored.
    """

    class Kind(models.TextChoices):
        LINK = "link", "Therapist invites a client"
        CODE = "code", "Client invites a therapist"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    @property
    def is_open(self) -> bool:
        """Not used yet and not expired."""
        return self.used_at is None and self.expires_at > timezone.now()


class ApiToken(models.Model):
    """A personal API token. The token is shown once; only its SHA-256 is stored.

    It works until ``expires_at`` or until revoked (``revoked_at``).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="token")
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    @property
    def is_usable(self) -> bool:
        """Neither revoked nor expired."""
        return self.revoked_at is None and self.expires_at > timezone.now()
