"""Cases API (filled in by the case-pool work)."""
from ..api import api_blueprint

blp = api_blueprint("cases_api", __name__, "/cases", description="The case pool")
