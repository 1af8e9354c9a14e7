"""Users API (filled in by the admin work)."""
from ..api import api_blueprint

blp = api_blueprint("users_api", __name__, "/users", description="Accounts, roles and API tokens")
