"""What modules contribute, discovered through their AppConfig (ARCHITECTURE §3).

An app contributes by defining, on its AppConfig:
- ``menu_entries(user) -> list[MenuEntry]``: navigation entries for this user;
- ``load_demo(out)``: its part of the demo data (run in INSTALLED_APPS order);
- ``screen_figures(scope)``: figures of its own for the big screen (大屏) of a territory.
"""

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url: str
    order: int = 100


def menu_for(user) -> list[MenuEntry]:
    entries: list[MenuEntry] = []
    for config in apps.get_app_configs():
        contribute = getattr(config, "menu_entries", None)
        if contribute is not None:
            entries.extend(contribute(user))
    return sorted(entries, key=lambda e: (e.order, str(e.label)))


def demo_loaders():
    return [config for config in apps.get_app_configs() if hasattr(config, "load_demo")]


def periodic_tasks() -> list:
    """The sweeps apps run on a schedule: ``periodic_tasks()`` on an AppConfig returns Django
    Tasks to enqueue every ``GRIDGOV_SWEEP_SECONDS``."""
    found = []
    for config in apps.get_app_configs():
        contribute = getattr(config, "periodic_tasks", None)
        if contribute is not None:
            found.extend(contribute())
    return found


@dataclass(frozen=True)
class ScreenFigure:
    """One figure a module shows on the big screen: a label, a number and its unit."""

    label: str
    value: int | float
    unit: str = ""


def screen_figures(scope: str) -> list[ScreenFigure]:
    """What the modules contribute to the big screen of the territory at ``scope``."""
    found: list[ScreenFigure] = []
    for config in apps.get_app_configs():
        contribute = getattr(config, "screen_figures", None)
        if contribute is not None:
            found.extend(contribute(scope))
    return found
