"""The student protocol: ``predict(texts) -> list[Prediction]``, a stable ``model_id``, ``load_student``.

A saved student is a folder holding its model files and ``student.json`` (``StudentInfo``): the kind
(``fasttext`` or ``encoder``), the sha256 of its model files, its hyper-parameters, its labels and the
fingerprint of the data it was trained on. ``load_student(folder)`` reads ``student.json`` and hands the
folder to the loader of that kind.

``model_id`` is ``<kind>:<folder name>:<first 12 hex digits of the model hash>``: it names the student in
``student_model`` metadata, changes whenever the weights change, and does not depend on where the folder
sits on disk.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import Field, ValidationError

from curation.config import StrictModel, format_validation_error
from curation.errors import ConfigError
from curation.scores import SIGNALS
from curation.steps.llm_annotate import CONTENT_TYPES

__all__ = ["STUDENT_FILE", "Prediction", "Student", "StudentInfo", "TrainSummary", "hash_files", "load_student",
           "make_model_id", "read_info", "write_info"]

STUDENT_FILE = "student.json"
"""Name of the description file of a saved student."""
Kind = Literal["fasttext", "encoder"]


@dataclass(frozen=True, slots=True)
class Prediction:
    """A student's scores for one passage: the four signals on the 1–10 scale and the content type."""

    edu: float
    cont: float
    writ: float
    term: float
    content_type: str

    def signal(self, name: str) -> float:
        """The value of signal ``name`` (``edu``, ``cont``, ``writ``, ``term``)."""
        return getattr(self, name)

    def metadata(self, model_id: str) -> dict[str, Any]:
        """The ``student.*`` metadata keys for this prediction (declared in ``curation.document``)."""
        out: dict[str, Any] = {f"student.{s}": float(getattr(self, s)) for s in SIGNALS}
        out["student.content_type"] = self.content_type
        out["student_model"] = model_id
        return out

    def as_dict(self) -> dict[str, Any]:
        """The prediction as a plain dict."""
        return asdict(self)


@runtime_checkable
class Student(Protocol):
    """What every student offers."""

    kind: str
    """``fasttext`` or ``encoder``."""

    @property
    def model_id(self) -> str:
        """Stable id: kind, folder name and short hash of the saved model."""

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Scores of each text, in order."""

    def save(self, folder: str | Path) -> Path:
        """Write the model files and ``student.json`` into ``folder``; return it."""


class TrainSummary(StrictModel):
    """What the student was trained on."""

    examples: int = 0
    """Annotated passages in the training split."""
    articles: int = 0
    """Distinct articles (groups) in the training split."""
    fingerprint: str = ""
    """sha256 over the sorted (id, labels, text hash) of the training passages."""


class StudentInfo(StrictModel):
    """Content of ``student.json``."""

    kind: Kind = "fasttext"
    """Kind of student; picks the loader."""
    model_hash: str = ""
    """sha256 of the model files (``files``), computed when saving."""
    files: list[str] = Field(default_factory=list)
    """Model files hashed into ``model_hash``, relative to the folder."""
    config: dict[str, Any] = Field(default_factory=dict)
    """Hyper-parameters the student was trained with."""
    labels: list[str] = Field(default_factory=list)
    """The model's output labels, in the model's order."""
    signals: list[str] = Field(default_factory=lambda: list(SIGNALS))
    """The signals predicted."""
    content_types: list[str] = Field(default_factory=list)
    """The content types the type head chooses from."""
    train: TrainSummary = Field(default_factory=TrainSummary)
    """What it was trained on."""
    history: list[float] = Field(default_factory=list)
    """Mean training loss per epoch (encoder), when known."""
    biomedfr_version: str = ""
    """Version of biomedfr that saved it."""


def predictions(scores, types) -> list[Prediction]:
    """``Prediction``s from a ``[n, 4]`` array of signals (1–10) and ``[n]`` content-type indices
    (what each student's ``predict_arrays`` returns)."""
    return [Prediction(*map(float, row), CONTENT_TYPES[t]) for row, t in zip(scores.tolist(), types.tolist())]


def make_model_id(kind: str, folder: str | Path, model_hash: str) -> str:
    """``<kind>:<folder name>:<hash[:12]>``."""
    return f"{kind}:{Path(folder).resolve().name}:{model_hash[:12]}"


def hash_files(folder: str | Path, names: Sequence[str]) -> str:
    """sha256 over each file's name and bytes, in the given order."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode() + b"\0")
        with open(Path(folder) / name, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def write_info(folder: str | Path, info: StudentInfo) -> Path:
    """Write ``student.json`` (atomically: a temporary name, then a rename)."""
    from curation import __version__

    info = info.model_copy(update={"biomedfr_version": __version__})
    path = Path(folder) / STUDENT_FILE
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(info.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def read_info(folder: str | Path) -> StudentInfo:
    """Read and validate ``student.json``; a missing or malformed one is a ``ConfigError`` that says how to fix it."""
    folder = Path(folder)
    if not folder.exists():
        raise ConfigError(f"{folder}: student folder not found — give the --out folder of "
                          "`biomedfr classifier train`")
    path = folder / STUDENT_FILE
    if not path.is_file():
        raise ConfigError(f"{folder}: no {STUDENT_FILE} — not a student saved by `biomedfr classifier train`")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc}) — re-run `biomedfr classifier train`") from None
    try:
        return StudentInfo.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, StudentInfo, str(path))) from None


def load_student(folder: str | Path) -> Student:
    """Load a saved student, whatever its kind."""
    info = read_info(folder)
    if info.kind == "fasttext":
        from curation.classifier.fasttext_student import FastTextStudent

        return FastTextStudent.load(folder, info)
    from curation.classifier.encoder_student import EncoderStudent

    return EncoderStudent.load(folder, info)
