"""Who may use the shared app, as whom, and how much.

    ui.access.login    Access: who must sign in (by host), the Caller behind an event, session expiry,
                       security headers, the opt-in query log
    ui.access.users    the accounts file (argon2 hashes) and `rag users add|list|remove`
    ui.access.limits   per-user questions per minute and waiting overviews; query and upload size caps

The names the rest of the app uses are here: Access, Caller, LOCAL, Limits, UserStore.
"""

from .limits import Limits
from .login import LOCAL, Access, Caller
from .users import UserStore

__all__ = ["Access", "Caller", "LOCAL", "Limits", "UserStore"]
