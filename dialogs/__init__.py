"""The conversations: aiogram routers built by factories, so every Dispatcher gets fresh ones."""

from aiogram import Router


def get_routers() -> list[Router]:
    from dialogs import commands, fallback, recovery, registration

    # Commands first so that they work in every state; the fallback last.
    return [commands.get_router(), registration.get_router(), recovery.get_router(), fallback.get_router()]
