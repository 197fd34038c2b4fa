"""The OneBot v11 simulator used by end-to-end tests and benchmarks."""

from tests.simulator.onebot import ApiCall, OneBotSimulator, message_text

__all__ = ["ApiCall", "OneBotSimulator", "message_text"]
