"""Pure ASGI middleware adding `X-Server-Time` (ISO 8601, server clock) to every response."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_backend.clock import ServerClock


class ServerTimeMiddleware:
    def __init__(self, app: ASGIApp, clock: ServerClock) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_time(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    h for h in message.get("headers", []) if h[0].lower() != b"x-server-time"
                ]
                headers.append((b"x-server-time", self.clock.iso().encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_time)
