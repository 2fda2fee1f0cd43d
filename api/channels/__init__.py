"""Messaging channels other than the web chat. Today: the WhatsApp Cloud API (``api.channels.whatsapp``)."""

from api.channels.whatsapp import router as whatsapp_router
from api.channels.whatsapp import send_agent_reply
from api.channels.whatsapp_client import WhatsAppClient, WhatsAppSendError

__all__ = ["WhatsAppClient", "WhatsAppSendError", "send_agent_reply", "whatsapp_router"]
