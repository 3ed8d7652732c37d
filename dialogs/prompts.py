"""Asking a question: one message, with the step's progress line, sent to the state's chat.

Every question of every flow is asked through ``ask`` so that /start can ask the current one again
after a pause or a restart (``Prompt`` functions take only the stored form data).
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import InlineKeyboardMarkup

from dialogs import render


@dataclass(frozen=True)
class Question:
    text: str
    keyboard: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class Step:
    state: State
    number: int
    total: int
    question: Callable[[dict[str, Any]], Question]
    flow_title: str  # a message id: what /status calls the conversation
    # Where the step stands when that depends on the answers (a form skips fields that do not apply).
    position: Callable[[dict[str, Any]], tuple[int, int]] | None = None

    def where(self, data: dict[str, Any]) -> tuple[int, int]:
        return self.position(data) if self.position else (self.number, self.total)


class Flow:
    """The ordered questions of one conversation, so that any of them can be asked again."""

    def __init__(self, title: str) -> None:
        self.title = title
        self._steps: dict[str, Step] = {}

    def add(
        self, state: State, number: int, total: int
    ) -> Callable[[Callable[[dict[str, Any]], Question]], Callable[[dict[str, Any]], Question]]:
        def register(question: Callable[[dict[str, Any]], Question]) -> Callable[[dict[str, Any]], Question]:
            self._steps[str(state.state)] = Step(state, number, total, question, self.title)
            return question

        return register

    def step(self, state_name: str | None) -> Step | None:
        return self._steps.get(state_name or "")

    async def ask(self, bot: Bot, state: FSMContext, target: State, note: str | None = None) -> None:
        step = self.step(target.state)
        if step is None:
            raise LookupError(f"{target.state} is not a step of this flow")
        await ask(bot, state, step, note)


async def ask(bot: Bot, state: FSMContext, step: Step, note: str | None = None) -> None:
    """Move to ``step`` and ask its question; ``note`` (a refusal or a confirmation) goes first."""
    await state.set_state(step.state)
    data = await state.get_data()
    question = step.question(data)
    text = f"{render.progress(*step.where(data))} · {question.text}"
    if note:
        text = f"{note}\n\n{text}"
    await bot.send_message(state.key.chat_id, text, reply_markup=question.keyboard)


def aside(state: FSMContext, name: str) -> FSMContext:
    """Chat memory kept apart from the conversation (another FSM destiny), so that a flow that
    clears or replaces its data cannot reset it: spent buttons, wrong log-ins."""
    return FSMContext(storage=state.storage, key=replace(state.key, destiny=name))
