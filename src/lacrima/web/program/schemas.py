"""Input and output schemas of the program API (separate from the tables).

Inputs carry their ranges, so a SUDS of 140 or a negative time is a 422 with the field
named, before any code runs; the state machine refuses anything else (400).
"""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field, field_validator, model_validator

Suds = Field(ge=0, le=100, description="Subjective Units of Distress, 0 (calm) to 100")


class ItemOut(Schema):
    """One scene of the hierarchy."""

    id: str
    position: int
    text: str
    suds: int
    status: Literal["passed", "current", "ahead"]


class RulesSchema(Schema):
    """The trial rules (see docs/program.md and docs/decisions/0006-desensitization-defaults.md)."""

    pass_threshold_suds: int = Field(10, ge=0, le=100)
    stop_threshold_suds: int = Field(30, ge=0, le=100)
    consecutive_passes: int = Field(3, ge=1, le=10)
    scene_s: float = Field(20.0, ge=5, le=120)
    relax_s: float = Field(30.0, ge=0, le=600)
    max_step_suds: int = Field(10, ge=1, le=100)
    step_hint_after: int = Field(3, ge=1, le=20)
    review_last_passed: bool = True
    criterion: Literal["peak", "end"] = "peak"

    @model_validator(mode="after")
    def _stop_not_below_pass(self) -> RulesSchema:
        if self.stop_threshold_suds < self.pass_threshold_suds:
            raise ValueError("stop_threshold_suds must be at least pass_threshold_suds")
        return self


class ProgramOut(Schema):
    """A client's program: rules, where they stand, the scenes and gentle hints."""

    client: str
    phase: Literal["idle", "relaxing", "imagining"]
    session_no: int
    passed_count: int
    total: int
    complete: bool
    current_item_id: str | None
    scene_item_id: str | None
    scene_kind: Literal["review", "exposure"] | None
    calm_run: int
    suggest_intermediate_step: bool
    rules: RulesSchema
    items: list[ItemOut]
    hints: list[str]
    #: After a scene is written: the text holds risk language, show crisis resources.
    show_crisis_resources: bool = False
    crisis_url: str = ""


class ItemIn(Schema):
    """A new scene; ``position`` is 1-based (default: last)."""

    text: str = Field(min_length=1, max_length=300)
    suds: int = Suds
    position: int | None = Field(None, ge=1, le=30)


class ItemPatch(Schema):
    """New words and/or a new rating for a scene."""

    text: str | None = Field(None, min_length=1, max_length=300)
    suds: int | None = Field(None, ge=0, le=100)


class OrderIn(Schema):
    """Every scene id exactly once, easiest first."""

    order: list[str] = Field(min_length=1, max_length=30)

    @field_validator("order")
    @classmethod
    def _no_duplicates(cls, order: list[str]) -> list[str]:
        repeated = sorted({i for i in order if order.count(i) > 1})
        if repeated:
            raise ValueError(f"each step can have only one place; repeated: {', '.join(repeated)}")
        return order


class ExpectancyIn(Schema):
    """Before a scene: how likely the feared outcome feels, 0-100 %."""

    expectancy_pct: int = Field(ge=0, le=100)


class RatingIn(Schema):
    """After a scene: highest and final SUDS and the scene's length."""

    peak_suds: int = Suds
    end_suds: int = Suds
    duration_s: float = Field(ge=0, le=3600, allow_inf_nan=False)

    @model_validator(mode="after")
    def _end_not_above_peak(self) -> RatingIn:
        if self.end_suds > self.peak_suds:
            raise ValueError("end_suds cannot be higher than peak_suds")
        return self


class TrialOut(Schema):
    """One logged presentation."""

    session_no: int
    item_id: str | None
    item_text: str
    item_suds: int
    kind: str
    expectancy_pct: int
    peak_suds: int
    end_suds: int
    duration_s: float
    outcome: str
    created_at: str


class StepOut(Schema):
    """The program after a practice step, and what the last rating led to."""

    program: ProgramOut
    outcome: str | None = None
    message: str | None = None


class RelaxationIn(Schema):
    """One relaxation exercise with ratings before and after (0-10)."""

    kind: Literal["pmr7", "pmr4", "breathing"]
    before: int = Field(ge=0, le=10)
    after: int = Field(ge=0, le=10)
    duration_s: float = Field(0.0, ge=0, le=7200, allow_inf_nan=False)
    breaths_per_min: float | None = Field(None, ge=3, le=12)


class RelaxationOut(RelaxationIn):
    """A stored relaxation exercise."""

    created_at: str


class ItemProgressOut(Schema):
    """SUDS of one scene over its presentations."""

    item_id: str
    text: str
    suds: int
    status: str
    peak_suds: list[int]
    end_suds: list[int]
    expectancy_pct: list[int]


class ProgressOut(Schema):
    """Progress through the hierarchy and relaxation ratings."""

    passed_count: int
    total_count: int
    items: list[ItemProgressOut]
    relaxation: list[dict[str, int | str]]
