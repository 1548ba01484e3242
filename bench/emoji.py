"""Benchmark the emoji plugin; every figure is a ratio against a baseline from the same run.

(a) Exporting a 30-sticker pack for all six platforms through ``build_export`` (the code the
    download job runs) against the floor: Pillow decoding the same stored files (every frame
    of the animated ones). The pack is made with Pillow and passed through the intake
    (``clean_image``), so the exports read exactly what an instance stores: a realistic mix
    of large photos, small icons, non-square banners, transparent cut-outs and a few
    animations. Prints seconds per sticker per platform and overall, and each ratio to the
    floor (the median of ``--repeat`` rounds each).
(b) Frame rendering for a 12-megapixel JPEG over HTTP against the production server, p50/p95
    and the ratio to a bare route; (c) the peak memory of (b). Both live in
    ``bench/_emoji_frames.py`` (its ``main(argv)``), run from here.

Run: ``python bench/emoji.py [--only a|b|c ...] [--repeat N]``; arguments this script does
not know are passed on to parts (b) and (c). Not part of the test run.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import _path  # noqa: F401  (before the plugins load: bench/ goes to the end of sys.path)

BENCH = Path(__file__).resolve().parent

from PIL import Image, ImageDraw, ImageFilter, ImageSequence  # noqa: E402

from campaignkit.plugins.emoji.exports import PLATFORMS, ArtImage, PackInfo, build_export  # noqa: E402
from campaignkit.plugins.emoji.intake import clean_image  # noqa: E402

PACK = PackInfo("bench-pack", "Benchmark pack", "Northtown Greens", "CC BY-SA 4.0", "Volunteers")
MAX_UPLOAD = 5 * 1024 * 1024  # the default max_upload_mb
EMOJI = ["🌹", "✊", "🎉", "🗳️", "🌍", "💚", "📣", "🙌"]
#: What the 30 pieces are: (kind, how many).
MIX = [("large", 8), ("small", 6), ("non-square", 6), ("transparent", 6), ("animated", 4)]


# ---- the pack ------------------------------------------------------------------------------


def _painting(size: tuple[int, int], rng: random.Random, mode: str = "RGB") -> Image.Image:
    """A picture with shapes, lettering and grain, so it compresses like real artwork."""
    background = (0, 0, 0, 0) if mode == "RGBA" else tuple(rng.randrange(256) for _ in range(3))
    image = Image.new(mode, size, background)
    draw = ImageDraw.Draw(image)
    width, height = size
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        radius = rng.randrange(max(2, min(size) // 10), max(3, min(size) // 2))
        colour = tuple(rng.randrange(256) for _ in range(3)) + ((255,) if mode == "RGBA" else ())
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    draw.text(
        (width // 10, height // 2), "VOTE", fill=(255, 255, 255) + ((255,) * (mode == "RGBA"))
    )
    grain = Image.effect_noise(size, 24).convert("L")
    if mode == "RGB":
        image = Image.blend(image, Image.merge("RGB", [grain] * 3), 0.15)
    return image.filter(ImageFilter.SMOOTH)


def _encoded(image: Image.Image, fmt: str, **options) -> bytes:  # noqa: ANN003
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _upload(kind: str, number: int, rng: random.Random) -> bytes:
    """One uploaded file of a kind, as a volunteer's phone or drawing app would send it."""
    if kind == "large":  # camera photos and big drawings
        size = rng.choice([(2400, 1800), (1600, 1600), (3000, 2000), (1200, 1500)])
        return _encoded(_painting(size, rng), "JPEG", quality=88)
    if kind == "small":  # icons drawn at emoji size
        side = rng.choice([24, 32, 48, 64, 96])
        return _encoded(_painting((side, side), rng, "RGBA"), "PNG")
    if kind == "non-square":  # banners and tall figures
        size = rng.choice([(900, 300), (300, 900), (1200, 400), (500, 800)])
        return _encoded(_painting(size, rng), "PNG")
    if kind == "transparent":  # cut-outs on a clear background
        side = rng.choice([400, 600, 800])
        return _encoded(_painting((side, side), rng, "RGBA"), "PNG", optimize=True)
    frames = [_painting((320, 320), rng, "RGBA") for _ in range(rng.choice([12, 20, 30]))]
    if number % 2:
        return _encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:],
                        duration=80, loop=0, quality=80)  # fmt: skip
    return _encoded(frames[0], "GIF", save_all=True, append_images=frames[1:],
                    duration=80, loop=0, disposal=2)  # fmt: skip


def make_pack(seed: int = 12) -> list[ArtImage]:
    """The 30 pieces, each through the intake as an upload would be; what is stored."""
    rng = random.Random(seed)
    arts = []
    for kind, count in MIX:
        for number in range(count):
            stored = clean_image(_upload(kind, number, rng), MAX_UPLOAD)
            name = f"{kind.replace('-', '_')}_{number}"
            arts.append(ArtImage(name, rng.choice(EMOJI), stored.data, stored.animated))
    return arts


# ---- part (a) ------------------------------------------------------------------------------


def decode_all(arts: list[ArtImage]) -> None:
    """The floor: Pillow decoding every stored file, every frame."""
    for art in arts:
        with Image.open(io.BytesIO(art.data)) as image:
            for frame in ImageSequence.Iterator(image):
                frame.load()


def _median_seconds(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The median wall time and CPU time of ``repeat`` runs of action."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def bench_exports(repeat: int) -> None:
    """(a): seconds per sticker for each platform's export, and the ratio to decoding.

    Wall and CPU time both: on a shared machine the CPU figures move less.
    """
    started = time.perf_counter()
    arts = make_pack()
    count = len(arts)
    mix = ", ".join(f"{n} {k}" for k, n in MIX)
    made = time.perf_counter() - started
    print(f"(a) exports: {count} stickers ({mix}), made in {made:.1f} s; "
          f"median of {repeat} round(s)")  # fmt: skip
    floor, floor_cpu = (
        t / count for t in _median_seconds(lambda: decode_all(arts), max(repeat, 5))
    )
    print(f"    floor, Pillow decoding the stored files: {floor * 1000:.2f} ms per sticker "
          f"(CPU {floor_cpu * 1000:.2f} ms)")  # fmt: skip
    print(f"    {'platform':<10} {'s/sticker':>10} {'x floor':>8} {'CPU s/st':>9} {'x floor':>8}"
          f" {'archive':>10}")  # fmt: skip
    total = total_cpu = 0.0
    for platform in PLATFORMS:
        sizes: list[int] = []
        wall, cpu = (t / count for t in _median_seconds(
            lambda p=platform, out=sizes: out.append(len(build_export(p, PACK, arts))), repeat
        ))  # fmt: skip
        total, total_cpu = total + wall, total_cpu + cpu
        print(f"    {platform:<10} {wall:>10.4f} {wall / floor:>7.1f}x {cpu:>9.4f} "
              f"{cpu / floor_cpu:>7.1f}x {sizes[-1] / 1024:>6.0f} KiB")  # fmt: skip
    print(f"    {'all six':<10} {total:>10.4f} {total / floor:>7.1f}x {total_cpu:>9.4f} "
          f"{total_cpu / floor_cpu:>7.1f}x")  # fmt: skip
    print(f"    the whole pack for every app: {total * count:.1f} s")


# ---- parts (b) and (c) ---------------------------------------------------------------------


def bench_frames(argv: list[str]) -> None:
    """(b) and (c): frame rendering over HTTP and its peak memory, from ``_emoji_frames``."""
    spec = importlib.util.spec_from_file_location("_emoji_frames", BENCH / "_emoji_frames.py")
    frames = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(frames)
    frames.main(argv)


def main(argv: list[str] | None = None) -> None:
    """Run the chosen parts (default all) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=["a", "b", "c"],
                        help="run only this part (may be given more than once)")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=3, help="(a): rounds per figure")
    args, rest = parser.parse_known_args(argv)
    parts = args.only or ["a", "b", "c"]
    if "a" in parts:
        bench_exports(args.repeat)
    if "b" in parts or "c" in parts:  # one run measures both
        bench_frames(rest)


if __name__ == "__main__":
    main(sys.argv[1:])
