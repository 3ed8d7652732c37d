"""The conversations: aiogram routers built by factories, so every Dispatcher gets fresh ones."""

from aiogram import Router


def get_routers() -> list[Router]:
    from dialogs import (
        commands,
        degree,
        degree_applications,
        fallback,
        forms,
        gd_application,
        gd_offers,
        helpline,
        login,
        nmec_link,
        nmec_materials,
        profile_fields,
        recovery,
        registration,
        reminders,
        review,
        settings,
        staff,
        tj_flow,
        tj_identity,
        tj_profile,
        uploads,
    )

    # The help-line staff group first: everything said there stops there. Then the e-mails' deep
    # links before /start; commands next so that they work in every state; staff commands next (for
    # staff mid-form too; for anyone else they fall through like any unknown text); the help line's
    # /human and /close next (in every state too); the fallback last (free text that no step took
    # is a question for the FAQ).
    return [
        helpline.get_group_router(),
        degree.get_links_router(),
        commands.get_router(),
        settings.get_router(),
        reminders.get_router(),
        staff.get_router(),
        helpline.get_router(),
        review.get_router(),
        registration.get_router(),
        recovery.get_router(),
        login.get_router(),
        nmec_link.get_router(),
        nmec_materials.get_router(),
        degree.get_router(),
        profile_fields.get_router(),
        degree_applications.get_router(),
        gd_application.get_router(),
        gd_offers.get_router(),
        tj_profile.get_router(),
        tj_flow.get_router(),
        tj_identity.get_router(),
        uploads.get_router(),
        forms.get_router(),
        fallback.get_router(),
    ]
