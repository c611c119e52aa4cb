"""The energy report follows the paper's formula (appendix A, Table 5)."""

from __future__ import annotations

import pytest

from curation.config import validate
from curation.errors import ConfigError
from curation.training.energy import EnergyConfig, EnergyMeter, energy_report, energy_table


def test_the_papers_base_run_gives_its_table_5_footprint():
    # ModernCamemBERT-bio Base: 4 h on 4 x H100 = 16 GPU-h -> 16 x 0.7 kW x 1.2 = 13.44 kWh -> 0.457 kg
    report = energy_report(wall_seconds=4 * 3600, tokens=11_000_000_000, devices=4, device_type="cuda")
    assert report.device_hours == pytest.approx(16.0)
    assert report.energy_kwh == pytest.approx(13.44)
    assert report.co2_kg == pytest.approx(0.45696)
    assert round(report.co2_kg, 2) == 0.46
    assert report.tokens_per_second == pytest.approx(11e9 / 14400)


def test_the_config_is_strict_and_changes_the_figures():
    config = validate(EnergyConfig, {"tdp_watts": 100, "pue": 1.0, "carbon_g_per_kwh": 500}, "energy")
    report = energy_report(3600, 10, devices=2, config=config)
    assert report.energy_kwh == pytest.approx(0.2) and report.co2_kg == pytest.approx(0.1)
    with pytest.raises(ConfigError, match="tdp_watt: unknown field — did you mean 'tdp_watts'"):
        validate(EnergyConfig, {"tdp_watt": 100}, "energy")


def test_the_meter_counts_tokens_and_pauses():
    meter = EnergyMeter(devices=1).start()
    meter.add_tokens(1000)
    meter.pause()
    frozen = meter.elapsed
    assert meter.elapsed == frozen, "a paused meter does not count time"
    report = meter.report()
    assert report.tokens == 1000 and report.wall_seconds == frozen
    assert energy_table(report).row_count == 7
