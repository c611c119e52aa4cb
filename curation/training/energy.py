"""Energy and carbon of a training or evaluation run (ModernCamemBERT-bio appendix A, Lacoste et al. 2019).

    energy (kWh) = device-hours x TDP (kW) x PUE
    footprint (kg CO2eq) = energy x carbon intensity (g/kWh) / 1000

A device is one accelerator (one process per device under ``accelerate launch``/``torchrun``); on a
CPU-only machine each process counts as one device at the configured TDP, so set ``tdp_watts`` to the
CPU's when it matters (the report says which device type was measured). Defaults are the paper's:
H100 SXM5 (700 W), PUE 1.2 (Jean Zay), 34 g CO2eq/kWh (France, December 2025, Electricity Maps).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from curation.config import StrictModel

__all__ = ["EnergyConfig", "EnergyMeter", "EnergyReport", "energy_report", "energy_table"]


class EnergyConfig(StrictModel):
    """How a run's energy and carbon are estimated."""

    tdp_watts: float = 700.0
    """Thermal design power of one device in watts (H100 SXM5: 700)."""
    pue: float = 1.2
    """Power usage effectiveness of the data centre (Jean Zay: 1.2)."""
    carbon_g_per_kwh: float = 34.0
    """Carbon intensity of the grid in g CO2eq per kWh (France, December 2025: 34)."""


@dataclass(frozen=True)
class EnergyReport:
    """The energy section of a run summary."""

    device_type: str
    """``cuda``, ``mps`` or ``cpu``: what the devices were."""
    devices: int
    """Devices (processes) that ran."""
    wall_seconds: float
    """Wall-clock time measured."""
    device_hours: float
    """``devices x wall_seconds / 3600`` (GPU-hours on GPUs)."""
    tokens: int
    """Tokens processed (all devices)."""
    tokens_per_second: float
    """``tokens / wall_seconds`` (all devices)."""
    tdp_watts: float
    """TDP used per device."""
    pue: float
    """PUE used."""
    carbon_g_per_kwh: float
    """Carbon intensity used."""
    energy_kwh: float
    """``device_hours x tdp_watts / 1000 x pue``."""
    co2_kg: float
    """``energy_kwh x carbon_g_per_kwh / 1000``."""

    def to_json(self) -> dict:
        """The report as a JSON-able dict."""
        return asdict(self)


def energy_report(wall_seconds: float, tokens: int, devices: int = 1, device_type: str = "cpu",
                  config: EnergyConfig | None = None) -> EnergyReport:
    """The report of ``devices`` devices running for ``wall_seconds`` over ``tokens`` tokens."""
    config = config or EnergyConfig()
    device_hours = devices * wall_seconds / 3600.0
    energy = device_hours * config.tdp_watts / 1000.0 * config.pue
    return EnergyReport(
        device_type=device_type, devices=devices, wall_seconds=wall_seconds, device_hours=device_hours,
        tokens=int(tokens), tokens_per_second=tokens / wall_seconds if wall_seconds > 0 else 0.0,
        tdp_watts=config.tdp_watts, pue=config.pue, carbon_g_per_kwh=config.carbon_g_per_kwh,
        energy_kwh=energy, co2_kg=energy * config.carbon_g_per_kwh / 1000.0,
    )


class EnergyMeter:
    """Measure wall time and count tokens between ``start()`` and ``report()``.

    ::

        meter = EnergyMeter(config.energy, devices=accelerator.num_processes, device_type="cuda").start()
        ... meter.add_tokens(n) ...
        summary["energy"] = meter.report().to_json()
    """

    def __init__(self, config: EnergyConfig | None = None, devices: int = 1, device_type: str = "cpu"):
        self.config = config or EnergyConfig()
        self.devices = devices
        self.device_type = device_type
        self.tokens = 0
        self._start: float | None = None
        self._elapsed = 0.0

    def start(self) -> EnergyMeter:
        """Start (or restart after ``pause``) the clock."""
        self._start = time.perf_counter()
        return self

    def pause(self) -> None:
        """Stop the clock (evaluation or checkpointing not to be counted); ``start`` resumes it."""
        if self._start is not None:
            self._elapsed += time.perf_counter() - self._start
            self._start = None

    def add_tokens(self, n: int) -> None:
        """Count ``n`` more tokens (summed over devices)."""
        self.tokens += int(n)

    @property
    def elapsed(self) -> float:
        """Seconds measured so far."""
        running = time.perf_counter() - self._start if self._start is not None else 0.0
        return self._elapsed + running

    def report(self) -> EnergyReport:
        """The report so far."""
        return energy_report(self.elapsed, self.tokens, self.devices, self.device_type, self.config)


def energy_table(report: EnergyReport, title: str = "Energy"):
    """A rich table of the report."""
    from rich.table import Table

    table = Table(title=title)
    table.add_column("measure")
    table.add_column("value", justify="right")
    rows = [
        ("devices", f"{report.devices} x {report.device_type}"),
        ("wall time", f"{report.wall_seconds:,.1f} s"),
        ("device-hours", f"{report.device_hours:,.4f}"),
        ("tokens", f"{report.tokens:,}"),
        ("tokens/s", f"{report.tokens_per_second:,.0f}"),
        ("energy", f"{report.energy_kwh:,.4f} kWh (TDP {report.tdp_watts:g} W, PUE {report.pue:g})"),
        ("carbon", f"{report.co2_kg:,.4f} kg CO2eq ({report.carbon_g_per_kwh:g} g/kWh)"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    return table
