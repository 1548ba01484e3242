"""Talking to Telegram's Bot API: the sticker set's name, one method call, InputSticker.

`BotApi.call` posts one method as multipart/form-data (InputSticker files are uploaded as
parts named by `attach://`, Bot API 7.2 and later). A 429 answer is retried after its
`parameters.retry_after`; any other error raises `TelegramError` with Telegram's description.
Stdlib HTTP only: no client library needed. What is sent is decided in `telegram_sync`.
"""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.error
import urllib.request
import uuid

from campaignkit.plugins.emoji.exports import ArtImage, split_emojis

MAX_WAIT_SECONDS = 60  # a longer flood wait fails now rather than holding a worker
TIMEOUT_SECONDS = 60


class TelegramError(RuntimeError):
    """The Bot API refused a request (or could not be reached); the message says why."""


def sticker_set_name(slug: str, bot_username: str) -> str:
    """The set's short name: letters, digits and single underscores, ending `_by_<bot>`."""
    bot = bot_username.lstrip("@")
    if not re.fullmatch(r"[A-Za-z0-9_]{1,32}", bot):
        raise TelegramError(f"{bot_username!r} is not a Telegram bot username.")
    stem = re.sub(r"[^A-Za-z0-9]+", "_", slug).strip("_") or "pack"
    stem = stem if stem[0].isalpha() else f"pack_{stem}"
    suffix = f"_by_{bot}"
    return re.sub(r"_+", "_", stem[: 64 - len(suffix)].rstrip("_")) + suffix


def _multipart(fields: dict[str, str], files: dict[str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, data in files.items():
        head = (
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{name}"; filename="{name}.png"\r\nContent-Type: image/png\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class BotApi:
    """One bot's connection to a Bot API server."""

    def __init__(
        self, token: str, base_url: str = "https://api.telegram.org", max_retries: int = 3
    ) -> None:
        if not token or not token.strip():
            raise TelegramError("No Telegram bot token: set it in the environment first.")
        self.token, self.base_url = token.strip(), base_url.rstrip("/")
        self.max_retries = max_retries

    def call(self, method: str, fields: dict, files: dict[str, bytes] | None = None):  # noqa: ANN201
        """POST one method; return its result, wait out a 429, raise TelegramError otherwise.

        A field that is not a string (a list, an InputSticker) is sent as JSON.
        """
        body, content_type = _multipart(
            {
                key: value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                for key, value in fields.items()
            },
            files or {},
        )
        for _attempt in range(self.max_retries + 1):
            answer = self._post(method, body, content_type)
            if answer.get("ok"):
                return answer.get("result")
            retry_after = (answer.get("parameters") or {}).get("retry_after")
            if answer.get("error_code") != 429 or retry_after is None:
                break
            if retry_after > MAX_WAIT_SECONDS:
                raise TelegramError(f"{method}: Telegram asks to wait {retry_after} s; try later.")
            time.sleep(retry_after)
        raise _error(method, answer)

    def _post(self, method: str, body: bytes, content_type: str) -> dict:
        request = urllib.request.Request(  # noqa: S310 - base_url is http(s) from settings
            f"{self.base_url}/bot{self.token}/{method}",
            data=body,
            headers={"Content-Type": content_type},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as error:  # Telegram answers errors with JSON too
            raw = error.read()
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            # The URL holds the token, so name only the method and the reason.
            reason = getattr(error, "reason", error)
            raise TelegramError(f"{method}: cannot reach Telegram ({reason}).") from None
        try:
            answer = json.loads(raw)
        except ValueError:
            raise TelegramError(f"{method}: Telegram sent an answer that is not JSON.") from None
        if not isinstance(answer, dict):
            raise TelegramError(f"{method}: Telegram sent an unexpected answer.")
        return answer


def _error(method: str, answer: dict) -> TelegramError:
    code = answer.get("error_code", "?")
    description = answer.get("description") or "no description"
    return TelegramError(f"Telegram refused {method} (error {code}): {description}")


def input_sticker(emoji_list: list[str], keyword: str, attach: str) -> dict:
    """An InputSticker object for a static sticker uploaded as the multipart part ``attach``."""
    return {
        "sticker": f"attach://{attach}",
        "format": "static",
        "emoji_list": emoji_list,
        "keywords": [keyword[:64]],
    }


def sticker_emoji_list(art: ArtImage) -> list[str]:
    """The 1-20 emoji Telegram is given for a piece of art (a smile when it has none)."""
    return split_emojis(art.emojis)[:20] or ["🙂"]
