"""Episodes: producers plan, start and end them; supervisors read them."""
from __future__ import annotations

from flask_login import current_user

from ..api import api_blueprint
from ..permissions import allow
from ..realtime import publish
from . import service
from .changes import get_episode
from .schemas import EpisodeIn, EpisodeOut, EpisodePatch, EpisodeQuery

blp = api_blueprint("episodes_api", __name__, "/episodes", description="Broadcasts")


@blp.route("", methods=["POST"])
@allow("producer")
@blp.arguments(EpisodeIn)
@blp.response(201, EpisodeOut)
def create_episode(data: dict):
    return service.create_episode(**data)


@blp.route("", methods=["GET"])
@allow("producer", "supervisor")
@blp.arguments(EpisodeQuery, location="query")
@blp.response(200, EpisodeOut(many=True), description="newest first, as a plain JSON array")
def list_episodes(query: dict):
    return service.list_episodes(query.get("status"))


@blp.route("/<int:episode_id>", methods=["GET"])
@allow("producer", "supervisor")
@blp.response(200, EpisodeOut)
def get_episode_view(episode_id: int):
    return get_episode(episode_id)


@blp.route("/<int:episode_id>", methods=["PATCH"])
@allow("producer")
@blp.arguments(EpisodePatch)
@blp.response(200, EpisodeOut)
def update_episode(changes: dict, episode_id: int):
    episode, change = service.update_episode(get_episode(episode_id), changes, current_user)
    publish(change)
    return episode


@blp.route("/<int:episode_id>/start", methods=["POST"])
@allow("producer")
@blp.response(200, EpisodeOut, description="the episode, now live")
def start_episode(episode_id: int):
    change = service.start_episode(episode_id, current_user)
    publish(change)
    return get_episode(episode_id)


@blp.route("/<int:episode_id>/end", methods=["POST"])
@allow("producer")
@blp.response(200, EpisodeOut, description="the episode, now ended")
def end_episode(episode_id: int):
    change = service.end_episode(episode_id, current_user)
    publish(change)
    return get_episode(episode_id)
