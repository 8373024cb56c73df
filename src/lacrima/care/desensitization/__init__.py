"""Systematic desensitization: hierarchy, rules, the exposure-trial state machine,
the relaxation trainer's scripts and progress summaries. No web or database code.

References
----------
Wolpe, J. (1958). *Psychotherapy by Reciprocal Inhibition*. Stanford University Press.
Wolpe, J. (1969). *The Practice of Behavior Therapy*. Pergamon (SUDS).
Bernstein, D. A., & Borkovec, T. D. (1973). *Progressive Relaxation Training*.
Craske, M. G., et al. (2014). Maximizing exposure therapy: an inhibitory learning
approach. *Behav Res Ther*, 58, 10-23.
"""

from __future__ import annotations

from .errors import HierarchyError, ProgramError, RulesError, StepError
from .hierarchy import SUDS_MAX, SUDS_MIN, Hierarchy, Item, StepGap
from .machine import Program
from .progress import (
    ItemProgress,
    ItemStatus,
    ProgressSummary,
    RelaxationRating,
    summarize_progress,
)
from .relaxation import (
    BreathPattern,
    ScriptStep,
    StepKind,
    build_breath_pattern,
    build_pmr_script,
    check_relaxation_rating,
)
from .rules import Rules
from .state import Outcome, Phase, ProgramState, SceneKind, Trial
from .template import fear_of_crying_template

__all__ = [
    "SUDS_MAX",
    "SUDS_MIN",
    "BreathPattern",
    "Hierarchy",
    "HierarchyError",
    "Item",
    "ItemProgress",
    "ItemStatus",
    "Outcome",
    "Phase",
    "Program",
    "ProgramError",
    "ProgramState",
    "ProgressSummary",
    "RelaxationRating",
    "Rules",
    "RulesError",
    "SceneKind",
    "ScriptStep",
    "StepError",
    "StepGap",
    "StepKind",
    "Trial",
    "build_breath_pattern",
    "build_pmr_script",
    "check_relaxation_rating",
    "fear_of_crying_template",
    "summarize_progress",
]
