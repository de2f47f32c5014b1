"""Every table, imported once so that Alembic and tests see the whole schema."""
from azukari.booking import models as booking_models
from azukari.conversations import models as conversation_models
from azukari.db import Base
from azukari.erasure import models as erasure_models
from azukari.households import models as household_models
from azukari.households import pairs as household_pairs
from azukari.identity import models as identity_models
from azukari.messaging import models as messaging_models
from azukari.oversight import models as oversight_models
from azukari.staff import models as staff_models
from azukari.web import models as web_models

__all__ = [
           "Base",
           "booking_models",
           "conversation_models",
           "erasure_models",
           "household_models",
           "household_pairs",
           "identity_models",
           "messaging_models",
           "oversight_models",
           "staff_models",
           "web_models",
]
metadata = Base.metadata
