"""Evaluation weights and thresholds (printed by /评估 说明 and in the README)."""

from datetime import time

from pydantic import BaseModel

from plugins.core.settings import Settings


class Config(BaseModel):
    evaluation_weight_realization: float = 0.4
    evaluation_weight_activeness: float = 0.3
    evaluation_weight_satisfaction: float = 0.3
    evaluation_spot_min_answers: int = 5
    """A spot-check rate counts once this many answers are in (last 12 months)."""
    evaluation_satisfaction_min: int = 5
    """满意度 is shown from this many ratings (last 12 months) on."""
    evaluation_activeness_days: int = 90
    evaluation_topics_full: int = 6
    """Topics with youth replies in the window for full marks on that part."""
    evaluation_exchanges_full: int = 30
    """Youth messages answered plus check-ins in the window for full marks on that part."""
    evaluation_part_topics: float = 0.2
    evaluation_part_exchanges: float = 0.3
    evaluation_part_requests: float = 0.2
    evaluation_part_activity: float = 0.15
    evaluation_part_face_to_face: float = 0.15
    evaluation_request_hours: int = 48
    """A request counts as answered in time within this many hours (waiting time excluded)."""
    evaluation_spot_sample: int = 10
    evaluation_survey_sample: int = 5
    evaluation_survey_days: int = 14
    """A survey runs (and its questions can be answered) this many days."""
    evaluation_question_days: int = 14
    """A spot-check question can be answered this many days."""
    evaluation_summary_max_age_minutes: int = 60
    """Rankings and the dashboard read per-cadre figures recomputed at most this many minutes ago."""
    evaluation_summary_time: time = time(3, 40)
    """Nightly recomputation of the per-cadre figures, local time."""


settings = Settings(Config)
