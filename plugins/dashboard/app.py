"""Mount the dashboard on NoneBot's own FastAPI app: routes, static files, error pages."""

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from plugins.dashboard import (
    routes_auth,
    routes_cadres,
    routes_overview,
    routes_problems,
    routes_roster,
)
from plugins.dashboard.limits import BodyLimit
from plugins.dashboard.web import PageError, page_error

STATIC = Path(__file__).resolve().parent / "static"
PREFIX = "/dashboard"


PARTS = (routes_auth, routes_overview, routes_cadres, routes_problems, routes_roster)


def mount(app: FastAPI) -> None:
    router = APIRouter()
    for part in PARTS:
        router.include_router(part.router)
    app.include_router(router, prefix=PREFIX)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="dashboard-static")
    app.add_exception_handler(PageError, page_error)
    app.add_middleware(BodyLimit)


def route_table() -> set[tuple[str, str]]:
    """(method, path) of every dashboard route (tests check each one against the subtree rule)."""
    return {
        (method, PREFIX + route.path)
        for part in PARTS
        for route in part.router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
