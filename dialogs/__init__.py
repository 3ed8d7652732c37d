"""The conversations: aiogram routers built by factories, so every Dispatcher gets fresh ones."""

from aiogram import Router


def get_routers() -> list[Router]:
    from dialogs import commands, fallback, login, nmec_link, recovery, registration, staff

    # Commands first so that they work in every state, staff commands next (for staff mid-form
    # too; for anyone else they fall through like any unknown text); the fallback last.
    return [
        commands.get_router(),
        staff.get_router(),
        registration.get_router(),
        recovery.get_router(),
        login.get_router(),
        nmec_link.get_router(),
        fallback.get_router(),
    ]
