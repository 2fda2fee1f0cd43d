"""HTTP surfaces: the citizen API and web chat, the agent console API, WhatsApp, admin and metrics."""
