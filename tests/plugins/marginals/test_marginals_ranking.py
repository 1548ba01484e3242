"""The vectorised ranking agrees with the benchmark's plain loop, on real kit seats."""

from __future__ import annotations

import importlib.util
import math
import random
from pathlib import Path

import numpy as np
import pytest

import campaignkit
from campaignkit.plugins.marginals.data import load_tables
from campaignkit.plugins.marginals.ranking import EARTH_RADIUS_KM, Target, build_arrays, rank

KIT_DATA = Path(campaignkit.__file__).parent / "kits" / "uk" / "data"
RANKING_LOOP = Path(__file__).resolve().parents[3] / "bench" / "_ranking_loop.py"


def _load_rank_loop():  # noqa: ANN202 - the benchmark's baseline function
    spec = importlib.util.spec_from_file_location("_ranking_loop", RANKING_LOOP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.rank_loop


rank_loop = _load_rank_loop()


@pytest.fixture(scope="module")
def arrays():
    seats = load_tables(KIT_DATA.resolve()).seats
    assert len(seats) == 650
    rng = random.Random(7)
    positions = {code: seat.centroid for code, seat in seats.items()}
    pcts = {code: rng.uniform(0, 40) for code in seats}
    targets = {
        code: Target(rng.choice(["target", "defend", "ignore"]), rng.randint(1, 5))
        for code in rng.sample(sorted(seats), 200)
    }
    footfall = {
        code: (rng.randint(0, 3), rng.randint(0, 40)) for code in rng.sample(sorted(seats), 80)
    }
    return build_arrays(positions, pcts, targets, footfall)


@pytest.mark.parametrize("mode", ["nearest", "need"])
def test_numpy_and_loop_agree(arrays, mode):
    rng = random.Random(11)
    for _ in range(20):
        lat, lon = rng.uniform(50.1, 58.5), rng.uniform(-5.5, 1.5)
        own = rng.choice(arrays.codes)
        fast = rank(arrays, lat, lon, mode, 10, own)
        slow = rank_loop(arrays, lat, lon, mode, 10, own)
        assert [row[0] for row in fast] == [row[0] for row in slow]
        assert [row[1] for row in fast] == pytest.approx([row[1] for row in slow])


def test_own_target_seat_comes_first_and_ignored_seats_never_appear(arrays):
    chosen = [c for i, c in enumerate(arrays.codes) if arrays.priority[i] > 0]
    far = chosen[-1]
    assert rank(arrays, 50.1, -5.5, "nearest", 3, far)[0][0] == far
    listed = {row[0] for row in rank(arrays, 52, -1, "nearest", 650)}
    assert listed == set(chosen)


@pytest.mark.parametrize("mode", ["nearest", "need"])
def test_distances_stay_exact_at_a_seat_and_defined_at_its_antipode(arrays, mode):
    chosen = [i for i, c in enumerate(arrays.codes) if arrays.priority[i] > 0][0]
    lat, lon = np.degrees(arrays.lat[chosen]), np.degrees(arrays.lon[chosen])
    code, distance, score = rank(arrays, lat, lon, mode, 1, arrays.codes[chosen])[0]
    assert code == arrays.codes[chosen]
    assert distance == pytest.approx(0, abs=1e-9)
    assert score == rank_loop(arrays, lat, lon, mode, 1, code)[0][2]
    nudged = rank(arrays, lat + 1e-5, lon, mode, 1, code)[0][1]  # 1.1 m north
    assert nudged == pytest.approx(rank_loop(arrays, lat + 1e-5, lon, mode, 1, code)[0][1])
    far = rank(arrays, -lat, lon + 180, mode, 650)
    assert all(0 < km <= math.pi * EARTH_RADIUS_KM + 1e-6 for _code, km, _score in far)
    assert not any(math.isnan(score) for _code, _km, score in far)
