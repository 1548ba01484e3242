"""A local fake of Telegram's Bot API sticker methods, speaking the real wire format.

Requests go to /bot<token>/<method> as multipart/form-data (or urlencoded/JSON); answers are
`{"ok": true, "result": ...}` or `{"ok": false, "error_code", "description", "parameters"}`.
It keeps sticker sets the way Telegram does (each sticker has a stable ``file_unique_id``,
and every getStickerSet hands out fresh ``file_id`` strings that later calls must send
back), checks what Telegram checks for these methods (token, set name ending in _by_<bot>,
1-50 InputSticker objects whose attach:// files were uploaded, static stickers with one side
of 512 px, at most 512 KB) and records every call so tests can look at what arrived.
Methods: getStickerSet, createNewStickerSet, addStickerToSet, replaceStickerInSet (7.3),
deleteStickerFromSet, setStickerEmojiList, setStickerSetTitle.
"""

from __future__ import annotations

import io
import json
import re
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler

from PIL import Image

from campaignkit.testing import local_http_server


class ApiError(Exception):
    """An error answer: HTTP status, Telegram description and optional retry_after."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


@dataclass
class Call:
    """One request as the server understood it."""

    token: str
    method: str
    fields: dict[str, str]
    files: dict[str, bytes]


@dataclass
class FakeTelegram:
    """State of the fake: the valid token, the bot, sticker sets, calls and queued failures."""

    token: str = "123456:TEST-token"
    bot_username: str = "CampaignBot"
    sets: dict[str, dict] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    failures: list[tuple[str, ApiError]] = field(default_factory=list)
    #: Methods to carry out and then hang up on without answering (a lost answer).
    lost_answers: list[str] = field(default_factory=list)
    #: file_id handed out -> file_unique_id of the sticker it names.
    file_ids: dict[str, str] = field(default_factory=dict)
    issued: int = 0
    url: str = ""

    def fail_next(self, method: str, code: int, description: str, retry_after: int | None = None):
        """Answer the next call of method with this error instead of handling it."""
        self.failures.append((method, ApiError(code, description, retry_after)))

    def lose_answer(self, method: str) -> None:
        """Carry out the next call of method, then drop the connection without an answer."""
        self.lost_answers.append(method)

    def methods(self) -> list[str]:
        """The methods called so far, in order."""
        return [call.method for call in self.calls]

    def changes(self) -> list[str]:
        """The methods called so far that change something (all but getStickerSet)."""
        return [method for method in self.methods() if method != "getStickerSet"]

    def add_by_hand(self, name: str, emoji: str = "🐱") -> str:
        """Put a sticker in a set the way someone in the Telegram app would; its unique id."""
        sticker = {"emoji_list": [emoji], "width": 512, "height": 512, "data": b"", "keywords": []}
        self.sets[name]["stickers"].append(self._stamp(sticker))
        return sticker["file_unique_id"]

    def _stamp(self, sticker: dict) -> dict:
        self.issued += 1
        sticker["file_unique_id"] = f"AgADuQ{self.issued:05d}"
        return sticker

    def _find(self, call: Call, parameter: str = "sticker") -> tuple[dict, int]:
        """The set and position of the sticker a file_id names (as Telegram looks it up)."""
        unique = self.file_ids.get(_required(call, parameter))
        for sticker_set in self.sets.values():
            for index, sticker in enumerate(sticker_set["stickers"]):
                if sticker["file_unique_id"] == unique:
                    return sticker_set, index
        raise ApiError(400, "Bad Request: STICKER_INVALID")

    # ---- methods ----

    def handle(self, call: Call):
        if call.token != self.token:
            raise ApiError(401, "Unauthorized")
        for index, (method, error) in enumerate(self.failures):
            if method == call.method:
                del self.failures[index]
                raise error
        handler = getattr(self, f"do_{call.method}", None)
        if handler is None:
            raise ApiError(404, "Not Found")
        return handler(call)

    def do_getStickerSet(self, call: Call):  # noqa: N802 - Bot API method name
        sticker_set = self.sets.get(_required(call, "name"))
        if sticker_set is None:
            raise ApiError(400, "Bad Request: STICKERSET_INVALID")
        stickers = []
        for s in sticker_set["stickers"]:
            file_id = f"CAACAgIAAxUAAW{s['file_unique_id']}x{len(self.file_ids):06d}"
            self.file_ids[file_id] = s["file_unique_id"]
            stickers.append({
                "file_id": file_id,
                "file_unique_id": s["file_unique_id"],
                "type": "regular",
                "width": s["width"],
                "height": s["height"],
                "is_animated": False,
                "is_video": False,
                "emoji": s["emoji_list"][0],
                "set_name": sticker_set["name"],
                "file_size": len(s["data"]),
            })  # fmt: skip
        return {
            "name": sticker_set["name"],
            "title": sticker_set["title"],
            "sticker_type": "regular",
            "stickers": stickers,
        }

    def do_createNewStickerSet(self, call: Call):  # noqa: N802 - Bot API method name
        _user_id(call)
        name = _required(call, "name")
        if not re.fullmatch(
            r"[A-Za-z](?!.*__)[A-Za-z0-9_]{0,63}", name
        ) or not name.lower().endswith(f"_by_{self.bot_username.lower()}"):
            raise ApiError(400, "Bad Request: invalid sticker set name is specified")
        if name in self.sets:
            raise ApiError(400, "Bad Request: sticker set name is already occupied")
        title = _title(call)
        stickers = _json(call, "stickers")
        if not isinstance(stickers, list) or not 1 <= len(stickers) <= 50:
            raise ApiError(400, "Bad Request: stickers must be a list of 1-50 InputSticker")
        checked = [self._stamp(_input_sticker(call, sticker)) for sticker in stickers]
        self.sets[name] = {"name": name, "title": title, "stickers": checked}
        return True

    def do_addStickerToSet(self, call: Call):  # noqa: N802 - Bot API method name
        _user_id(call)
        sticker_set = self.sets.get(_required(call, "name"))
        if sticker_set is None:
            raise ApiError(400, "Bad Request: STICKERSET_INVALID")
        if len(sticker_set["stickers"]) >= 120:
            raise ApiError(400, "Bad Request: STICKERS_TOO_MUCH")
        sticker = _input_sticker(call, _json(call, "sticker"))
        sticker_set["stickers"].append(self._stamp(sticker))
        return True

    def do_replaceStickerInSet(self, call: Call):  # noqa: N802 - Bot API method name
        _user_id(call)
        sticker_set, index = self._find(call, "old_sticker")
        if sticker_set["name"] != _required(call, "name"):
            raise ApiError(400, "Bad Request: STICKERSET_INVALID")
        sticker = _input_sticker(call, _json(call, "sticker"))
        if sticker["data"] != sticker_set["stickers"][index]["data"]:  # the same: unchanged
            sticker_set["stickers"][index] = self._stamp(sticker)
        return True

    def do_deleteStickerFromSet(self, call: Call):  # noqa: N802 - Bot API method name
        sticker_set, index = self._find(call)
        del sticker_set["stickers"][index]
        return True

    def do_setStickerEmojiList(self, call: Call):  # noqa: N802 - Bot API method name
        sticker_set, index = self._find(call)
        emoji_list = _json(call, "emoji_list")
        if not isinstance(emoji_list, list) or not 1 <= len(emoji_list) <= 20:
            raise ApiError(400, "Bad Request: invalid emoji_list")
        sticker_set["stickers"][index]["emoji_list"] = emoji_list
        return True

    def do_setStickerSetTitle(self, call: Call):  # noqa: N802 - Bot API method name
        sticker_set = self.sets.get(_required(call, "name"))
        if sticker_set is None:
            raise ApiError(400, "Bad Request: STICKERSET_INVALID")
        title = _title(call)
        if title == sticker_set["title"]:
            raise ApiError(400, "Bad Request: STICKERSET_NOT_MODIFIED")
        sticker_set["title"] = title
        return True


def _title(call: Call) -> str:
    title = _required(call, "title")
    if not 1 <= len(title) <= 64:
        raise ApiError(400, "Bad Request: invalid sticker set title")
    return title


def _required(call: Call, name: str) -> str:
    value = call.fields.get(name)
    if not value:
        raise ApiError(400, f'Bad Request: parameter "{name}" is required')
    return value


def _json(call: Call, name: str):
    try:
        return json.loads(_required(call, name))
    except ValueError:
        raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None


def _user_id(call: Call) -> int:
    try:
        return int(_required(call, "user_id"))
    except ValueError:
        raise ApiError(400, "Bad Request: invalid user_id specified") from None


def _input_sticker(call: Call, sticker) -> dict:
    if not isinstance(sticker, dict) or sticker.get("format") != "static":
        raise ApiError(400, "Bad Request: sticker format must be static here")
    emoji_list = sticker.get("emoji_list")
    if not isinstance(emoji_list, list) or not 1 <= len(emoji_list) <= 20:
        raise ApiError(400, "Bad Request: invalid emoji_list")
    reference = str(sticker.get("sticker", ""))
    attach = reference.removeprefix("attach://")
    if reference == attach or attach not in call.files:
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
    data = call.files[attach]
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Exception:  # noqa: BLE001 - any undecodable upload is refused
        raise ApiError(400, "Bad Request: STICKER_PNG_NOPNG") from None
    if image.format not in ("PNG", "WEBP") or len(data) > 512_000:
        raise ApiError(400, "Bad Request: STICKER_PNG_NOPNG")
    if max(image.size) != 512 or min(image.size) > 512:
        raise ApiError(400, "Bad Request: STICKER_PNG_DIMENSIONS")
    return {
        "emoji_list": emoji_list,
        "width": image.width,
        "height": image.height,
        "data": data,
        "keywords": sticker.get("keywords", []),
    }


def _parse(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename():
                files[name] = payload
            else:
                fields[name] = payload.decode()
    elif content_type.startswith("application/json"):
        fields = {
            k: v if isinstance(v, str) else json.dumps(v) for k, v in json.loads(body).items()
        }
    else:
        fields = dict(urllib.parse.parse_qsl(body.decode()))
    return fields, files


def _handler(fake: FakeTelegram) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            match = re.fullmatch(r"/bot([^/]+)/(\w+)", urllib.parse.urlsplit(self.path).path)
            try:
                if match is None:
                    raise ApiError(404, "Not Found")
                fields, files = _parse(self.headers.get("Content-Type", ""), body)
                call = Call(match[1], match[2], fields, files)
                fake.calls.append(call)
                answer, status = {"ok": True, "result": fake.handle(call)}, 200
                if call.method in fake.lost_answers:
                    fake.lost_answers.remove(call.method)
                    self.close_connection = True  # done, but the answer never arrives
                    return
            except ApiError as error:
                answer = {"ok": False, "error_code": error.code, "description": error.description}
                if error.retry_after is not None:
                    answer["parameters"] = {"retry_after": error.retry_after}
                status = error.code
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST  # noqa: N815 - the Bot API accepts both

        def log_message(self, *args) -> None:  # quiet test output
            pass

    return Handler


@contextmanager
def serve(**options) -> Iterator[FakeTelegram]:
    """Run a FakeTelegram on a free localhost port for the length of a with block."""
    fake = FakeTelegram(**options)
    with local_http_server(_handler(fake)) as url:
        fake.url = url
        yield fake
