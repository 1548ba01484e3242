"""Keep a pack's Telegram sticker set in step with the pack's approved art.

`sync_sticker_set` reads the set (`getStickerSet`) and compares it with the approved art and
with what was recorded as published (`telegram_records`). It creates a missing set
(`createNewStickerSet`, with the first 50), sets the title when the pack's changed
(`setStickerSetTitle`), removes the stickers of art that is no longer approved
(`deleteStickerFromSet`), replaces those whose picture changed (`replaceStickerInSet`, Bot
API 7.3: the sticker keeps its place), sets the emoji of those whose emoji changed
(`setStickerEmojiList`) and adds new art (`addStickerToSet`). Stickers the bot did not put
there are left alone and counted. Each change is recorded as soon as Telegram confirms it,
and a change whose answer was lost is found in the set by the next run, so running again
after an error finishes the job without adding any sticker twice.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

from PIL import Image

from campaignkit.plugins.emoji.exports import ArtImage, render_telegram_sticker
from campaignkit.plugins.emoji.telegram import (
    BotApi,
    TelegramError,
    input_sticker,
    sticker_emoji_list,
)
from campaignkit.plugins.emoji.telegram_records import (
    PackLedger,
    Record,
    plain_emoji,
    reconcile,
    stickers_by_id,
)

INITIAL_STICKERS = 50  # createNewStickerSet takes 1-50; the rest go one by one
_UNCHANGED = "STICKERSET_NOT_MODIFIED"  # Telegram's answer when a setting is already so


@dataclass
class SyncReport:
    """What one sync did, art by art, and the set's link."""

    link: str
    created: bool = False
    title_changed: bool = False
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    emoji_changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: Stickers in the set that this pack did not put there (added by hand): left alone.
    not_ours: int = 0

    def summary(self) -> str:
        """One line of counts, plus a line about stickers left alone."""
        counts = (
            f"{'Created the set: ' if self.created else ''}added {len(self.added)}, "
            f"replaced {len(self.replaced)}, emoji changed {len(self.emoji_changed)}, "
            f"removed {len(self.removed)}, unchanged {len(self.unchanged)}"
            f"{'; title updated' if self.title_changed else ''}."
        )
        if self.not_ours:
            counts += (
                f"\nLeft alone {self.not_ours} sticker(s) in the set that were not "
                "published from this pack."
            )
        return counts[0].upper() + counts[1:]


@dataclass(frozen=True)
class _Wanted:
    art: ArtImage
    data: bytes
    emoji_list: list[str]
    image_sha256: str
    emoji_sha256: str
    size: tuple[int, int]


def _wanted(art: ArtImage) -> _Wanted:
    data = render_telegram_sticker(art)
    emoji_list = sticker_emoji_list(art)
    with Image.open(io.BytesIO(data)) as image:
        size = image.size
    emoji_hash = hashlib.sha256("\n".join(emoji_list).encode()).hexdigest()
    return _Wanted(art, data, emoji_list, hashlib.sha256(data).hexdigest(), emoji_hash, size)


def _call_detail(wanted: _Wanted, sticker_set: dict | None) -> dict:
    """What a pending call sends, and the stickers the set holds just before it."""
    return {
        "image": wanted.image_sha256, "emoji": wanted.emoji_sha256,
        "width": wanted.size[0], "height": wanted.size[1],
        "first_emoji": plain_emoji(wanted.emoji_list[0]),
        "before": sorted(stickers_by_id(sticker_set)),
    }  # fmt: skip


def read_set(api: BotApi, name: str) -> dict | None:
    """The StickerSet called name, or None when Telegram has no such set."""
    try:
        found = api.call("getStickerSet", {"name": name})
    except TelegramError as error:
        if "STICKERSET_INVALID" in str(error):
            return None
        raise
    if not isinstance(found, dict) or not isinstance(found.get("stickers"), list):
        raise TelegramError("getStickerSet: Telegram sent an unexpected answer.")
    return found


@dataclass
class _Sync:
    api: BotApi
    user_id: int
    name: str
    ledger: PackLedger
    report: SyncReport
    sticker_set: dict | None = None
    records: dict[str, Record] = field(default_factory=dict)

    def refresh(self) -> None:
        """Read the set again and reconcile the records with it."""
        self.sticker_set = read_set(self.api, self.name)
        if self.sticker_set is None:
            raise TelegramError(f"The sticker set {self.name} has disappeared; run again.")
        self.records = reconcile(self.ledger, self.sticker_set)

    def adopt_earlier(self, wanted: dict[str, _Wanted]) -> None:
        """Record the stickers an earlier version published, before records were kept.

        Only for a set with nothing recorded: a sticker of an approved piece's size and first
        emoji is taken as that piece's, with no picture hash, so it is replaced in place once
        rather than added again beside itself.
        """
        free = list(stickers_by_id(self.sticker_set).values())
        for want in wanted.values():
            first = plain_emoji(want.emoji_list[0])
            found = next(
                (s for s in free if (s.get("width"), s.get("height")) == want.size
                 and plain_emoji(s.get("emoji")) == first),
                None,
            )  # fmt: skip
            if found is not None:
                free.remove(found)
                self.ledger.save(Record(want.art.name, found["file_unique_id"], "", ""))
        self.records = self.ledger.load()

    def file_id(self, record: Record) -> str:
        """The file_id Telegram gave the recorded sticker in the latest read of the set."""
        return stickers_by_id(self.sticker_set)[record.file_unique_id]["file_id"]

    def create(self, title: str, first: list[_Wanted]) -> None:
        """Make the set with its first stickers."""
        for wanted in first:
            detail = _call_detail(wanted, None)
            self.ledger.save(Record(wanted.art.name, None, "", "", "add", detail))
        self.api.call(
            "createNewStickerSet",
            {
                "user_id": str(self.user_id), "name": self.name, "title": title,
                "stickers": [input_sticker(w.emoji_list, w.art.name, f"sticker{i}")
                             for i, w in enumerate(first)],
            },
            {f"sticker{i}": w.data for i, w in enumerate(first)},
        )  # fmt: skip
        self.refresh()
        self.report.created = True
        self._check([w.art.name for w in first], self.report.added)

    def add(self, wanted: _Wanted) -> None:
        """Append one sticker to the set."""
        detail = _call_detail(wanted, self.sticker_set)
        self.ledger.save(Record(wanted.art.name, None, "", "", "add", detail))
        sticker = input_sticker(wanted.emoji_list, wanted.art.name, "sticker")
        fields = {"user_id": str(self.user_id), "name": self.name, "sticker": sticker}
        self.api.call("addStickerToSet", fields, {"sticker": wanted.data})
        self.refresh()
        self._check([wanted.art.name], self.report.added)

    def replace(self, wanted: _Wanted, record: Record) -> None:
        """Put a new picture (and emoji) in place of a recorded sticker."""
        old = self.file_id(record)
        detail = _call_detail(wanted, self.sticker_set)
        self.ledger.save(record.but(pending="replace", pending_call=detail))
        sticker = input_sticker(wanted.emoji_list, wanted.art.name, "sticker")
        fields = {"user_id": str(self.user_id), "name": self.name, "old_sticker": old,
                  "sticker": sticker}  # fmt: skip
        self.api.call("replaceStickerInSet", fields, {"sticker": wanted.data})
        self.refresh()
        kept = self.records.get(wanted.art.name)
        if kept is not None and kept.pending == "replace":  # Telegram had this very sticker
            kept = Record(kept.art_name, kept.file_unique_id, detail["image"], detail["emoji"])
            self.ledger.save(kept)
            self.records[kept.art_name] = kept
        self._check([wanted.art.name], self.report.replaced)

    def set_emoji(self, wanted: _Wanted, record: Record) -> None:
        """Give a recorded sticker the art's emoji."""
        fields = {"sticker": self.file_id(record), "emoji_list": wanted.emoji_list}
        self.call_unless_unchanged("setStickerEmojiList", fields)
        self.ledger.save(record.but(emoji_sha256=wanted.emoji_sha256))
        self.report.emoji_changed.append(wanted.art.name)

    def remove(self, record: Record) -> None:
        """Take a recorded sticker out of the set."""
        self.api.call("deleteStickerFromSet", {"sticker": self.file_id(record)})
        self.ledger.forget(record.art_name)
        del self.records[record.art_name]
        self.sticker_set["stickers"] = [
            s for s in self.sticker_set["stickers"] if s["file_unique_id"] != record.file_unique_id
        ]
        self.report.removed.append(record.art_name)

    def call_unless_unchanged(self, method: str, fields: dict) -> None:
        """Call a setter; Telegram's "not modified" means it is already so."""
        try:
            self.api.call(method, fields)
        except TelegramError as error:
            if _UNCHANGED not in str(error):
                raise

    def _check(self, names: list[str], done: list[str]) -> None:
        missing = [n for n in names if n not in self.records]
        if missing:
            raise TelegramError(
                f"Telegram accepted {', '.join(missing)} but the set does not show it yet; "
                "run the command again."
            )
        done.extend(names)


def sync_sticker_set(
    api: BotApi, user_id: int, name: str, title: str, arts: list[ArtImage], ledger: PackLedger
) -> SyncReport:
    """Make the sticker set called name hold exactly the pack's approved art; say what changed.

    Raises TelegramError for an API error (what was done so far is recorded; running again
    carries on) or when there is no set yet and no approved art to make it with.
    """
    report = SyncReport(link=f"https://t.me/addstickers/{name}")
    wanted = {art.name: _wanted(art) for art in arts}
    title = title.strip()[:64] or name
    sync = _Sync(api, user_id, name, ledger, report, sticker_set=read_set(api, name))
    if sync.sticker_set is None:
        if not arts:
            raise TelegramError("The pack has no approved art to publish.")
        ledger.forget()  # the set is gone: nothing recorded for it is there any more
        sync.create(title, list(wanted.values())[:INITIAL_STICKERS])
    else:
        sync.records = reconcile(ledger, sync.sticker_set)
        if not sync.records:
            sync.adopt_earlier(wanted)
        if sync.sticker_set.get("title") != title:
            sync.call_unless_unchanged("setStickerSetTitle", {"name": name, "title": title})
            report.title_changed = True
    for record in list(sync.records.values()):
        if record.art_name not in wanted:
            sync.remove(record)
    for art_name, want in wanted.items():
        record = sync.records.get(art_name)
        if art_name in report.added:
            continue
        if record is None:
            sync.add(want)
        elif record.pending == "replace" or record.image_sha256 != want.image_sha256:
            sync.replace(want, record)
        elif record.emoji_sha256 != want.emoji_sha256:
            sync.set_emoji(want, record)
        else:
            report.unchanged.append(art_name)
    ours = {r.file_unique_id for r in sync.records.values()}
    report.not_ours = len(set(stickers_by_id(sync.sticker_set)) - ours)
    return report


def describe(report: SyncReport) -> str:
    """The report as the command prints it: the counts, then the link."""
    return f"{report.summary()}\n{report.link}"
