"""The committed model is exactly what tools/gen_model.py makes from the pinned wheels."""

from __future__ import annotations

from tests.model.generators import ROOT, generator_and_wheels

DATA = ROOT / "stripecli" / "model" / "data"


def test_regenerating_the_model_changes_nothing(tmp_path):
    gen_model, wheels = generator_and_wheels("gen_model")
    out = tmp_path / "data"
    gen_model.write(gen_model.build(wheels), out)
    committed = sorted(str(p.relative_to(DATA)) for p in DATA.rglob("*.json"))
    fresh = sorted(str(p.relative_to(out)) for p in out.rglob("*.json"))
    assert fresh == committed
    stale = [name for name in fresh if (out / name).read_bytes() != (DATA / name).read_bytes()]
    assert stale == [], f"stale generated files (run python tools/gen_model.py): {stale}"

