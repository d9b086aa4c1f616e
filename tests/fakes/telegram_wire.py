"""The fake Bot API's wire format: what PTB sends (form fields, multipart uploads, JSON),
error answers, and the image checks of a photo upload."""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl, urlsplit

JSON_FIELDS = frozenset({"reply_markup", "entities", "caption_entities", "media", "commands",
                         "allowed_updates", "link_preview_options", "reply_parameters",
                         "scope"})

class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": …, "description": …}``."""

    def __init__(self, code: int, description: str,
                 parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": False, "error_code": self.code,
                               "description": self.description}
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def bad_request(what: str) -> ApiError:
    return ApiError(400, f"Bad Request: {what}")


@dataclass
class Request:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)


def image_size(data: bytes) -> tuple[int, int]:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:3] == b"\xff\xd8\xff":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                break
            marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[i + 5:i + 9])
                return int(width), int(height)
            i += 2 + length
    raise bad_request("IMAGE_PROCESS_FAILED")


def chat_key(value: Any) -> int | str:
    text = str(value)
    return int(text) if text.lstrip("-").isdigit() else text



def parse_request(method: str, content_type: str, body: bytes, path: str) -> Request:
    """The call's parameters (JSON-encoded values decoded) and uploaded files."""
    params: dict[str, Any] = dict(parse_qsl(urlsplit(path).query))
    files: dict[str, bytes] = {}
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if not isinstance(name, str) or not isinstance(payload, bytes):
                continue
            if part.get_filename() is not None:
                files[name] = payload
            else:
                params[name] = payload.decode()
    elif content_type.startswith("application/json") and body:
        params.update(json.loads(body))
    elif body:
        params.update(parse_qsl(body.decode(), keep_blank_values=True))
    for key in JSON_FIELDS & params.keys():
        if isinstance(params[key], str):
            try:
                params[key] = json.loads(params[key])
            except json.JSONDecodeError:
                raise bad_request(f"can't parse {key} JSON object") from None
    return Request(method, params, files)
