"""The project's top-level package names must stay ours alone."""

import importlib.metadata
from pathlib import Path

from tests.conftest import REPO_ROOT

OURS = {"encore", "schema", "resolvers", "models", "jobs", "clients"}


def _top_level_names(dist: importlib.metadata.Distribution) -> set[str]:
    names = set((dist.read_text("top_level.txt") or "").split())
    for file in dist.files or ():
        first = Path(str(file)).parts[0]
        if first.endswith(".py"):
            names.add(first.removesuffix(".py"))
        elif not first.endswith((".dist-info", ".data", ".pth")) and first != "..":
            names.add(first)
    return names


def test_no_installed_distribution_provides_our_top_level_packages() -> None:
    clashes = {
        dist.metadata["Name"]: sorted(_top_level_names(dist) & OURS)
        for dist in importlib.metadata.distributions()
        if dist.metadata["Name"] != "encore"
    }
    assert {name: hit for name, hit in clashes.items() if hit} == {}


def test_our_packages_import_from_this_checkout() -> None:
    import clients
    import jobs
    import models

    for module in (clients, jobs, models):
        assert Path(module.__file__ or "").resolve().is_relative_to(REPO_ROOT)
