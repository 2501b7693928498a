"""Core API: the router (``router``), staff authentication (``auth``) and token issuing (``tokens``)."""
