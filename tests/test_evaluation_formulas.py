"""The formulas on small examples computed by hand (default weights)."""

from typing import Any

import pytest

from plugins.evaluation.config import Config
from plugins.evaluation.formulas import Inputs, measure

C = Config()


def example(**changes) -> Inputs:
    base: dict[str, Any] = dict(
        confirmed=60, target=100, spot_yes=8, spot_answered=10,
        topics_answered=3, exchanges=12, check_ins=3, requests_received=4, requests_on_time=3,
        activity_held=True, face_to_face_held=False, ratings=6, rating_sum=27,
    )
    return Inputs(**(base | changes))


def test_all_three_measures_and_the_composite() -> None:
    m = measure(example(), C)
    # 实现度 = min(1, 60/100) × 8/10 = 0.48
    assert m.realization == pytest.approx(0.48)
    # 活跃度 = 0.2×3/6 + 0.3×(12+3)/30 + 0.2×3/4 + 0.15×1 + 0.15×0 = 0.1 + 0.15 + 0.15 + 0.15 = 0.55
    assert m.parts == pytest.approx({"topics": 0.5, "exchanges": 0.5, "requests": 0.75, "activity": 1.0, "face_to_face": 0.0})
    assert m.activeness == pytest.approx(0.55)
    # 满意度 = (27/6 − 1)/4 = (4.5 − 1)/4 = 0.875
    assert m.satisfaction == pytest.approx(0.875)
    # 综合 = 0.4×0.48 + 0.3×0.55 + 0.3×0.875 = 0.192 + 0.165 + 0.2625 = 0.6195
    assert m.composite == pytest.approx(0.6195)


def test_too_few_ratings_is_not_a_score() -> None:
    m = measure(example(ratings=4, rating_sum=20), C)
    assert m.satisfaction is None
    # 综合 = (0.4×0.48 + 0.3×0.55) / 0.7 = 0.357 / 0.7 = 0.51
    assert m.composite == pytest.approx(0.51)


def test_spot_check_counts_only_from_five_answers() -> None:
    assert measure(example(spot_yes=1, spot_answered=4), C).realization == pytest.approx(0.6)
    assert measure(example(spot_yes=1, spot_answered=5), C).realization == pytest.approx(0.12)  # 0.6 × 1/5


def test_realization_is_capped_and_parts_are_capped() -> None:
    m = measure(example(confirmed=15, target=10, spot_answered=0, topics_answered=20, exchanges=100), C)
    assert m.realization == 1.0
    assert m.parts["topics"] == 1.0 and m.parts["exchanges"] == 1.0


def test_no_request_received_leaves_nothing_unanswered() -> None:
    assert measure(example(requests_received=0, requests_on_time=0), C).parts["requests"] == 1.0


def test_message_volume_is_not_an_input() -> None:
    """Only two-way exchange counts: there is no field for messages sent or time online."""
    assert not {"messages", "online", "spoke_days"} & set(vars(example()))
