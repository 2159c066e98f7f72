"""Custom questions on a booking page, and the answers customers give to them.

Pure functions over JSON-shaped data (no database): a booking page stores its questions as a JSON
list, so every write goes through `questions_problems` first, and a booking's answers through
`answers_problems`. Problems are keyed by a dotted path into the submitted data
("questions.2.choices", "answers.goals") so API clients and forms can point at the exact field.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

TEXT = "text"
CHOICE = "choice"
CHECKBOX = "checkbox"
QUESTION_TYPES = (TEXT, CHOICE, CHECKBOX)

MAX_QUESTIONS = 25
MAX_ID_LENGTH = 50
MAX_LABEL_LENGTH = 200
MAX_CHOICES = 50
MAX_CHOICE_LENGTH = 100
MAX_TEXT_ANSWER_LENGTH = 2000

_QUESTION_KEYS = frozenset({"id", "label", "type", "required", "choices"})
_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


@dataclass(frozen=True)
class Question:
    id: str
    label: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "label": self.label,
            "type": self.type,
            "required": self.required,
        }
        if self.type == CHOICE:
            data["choices"] = list(self.choices)
        return data


def _question_problems(raw: Any, seen_ids: set[str]) -> dict[str, list[str]]:
    """Problems of one question, keyed by its own field names."""
    if not isinstance(raw, dict):
        return {"": ["Each question must be an object with id, label, type and required."]}
    problems: dict[str, list[str]] = {}
    for key in sorted(set(raw) - _QUESTION_KEYS):
        problems[str(key)] = ["Unknown field: use id, label, type, required and choices."]

    question_id = raw.get("id")
    if not isinstance(question_id, str) or not question_id:
        problems["id"] = ["Give the question an id, e.g. goals."]
    elif len(question_id) > MAX_ID_LENGTH or not _ID.match(question_id):
        problems["id"] = [
            f"Use lower-case letters, digits, - and _ only (at most {MAX_ID_LENGTH} characters)."
        ]
    elif question_id in seen_ids:
        problems["id"] = [f'Another question on this page already uses the id "{question_id}".']
    else:
        seen_ids.add(question_id)

    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        problems["label"] = ["Write the question customers will see."]
    elif len(label) > MAX_LABEL_LENGTH:
        problems["label"] = [f"Use at most {MAX_LABEL_LENGTH} characters."]

    question_type = raw.get("type")
    if question_type not in QUESTION_TYPES:
        problems["type"] = ["Choose text, choice or checkbox."]

    if "required" in raw and not isinstance(raw["required"], bool):
        problems["required"] = ["Use true or false."]

    choices = raw.get("choices")
    if question_type == CHOICE:
        problems.update(_choices_problems(choices))
    elif choices not in (None, []):
        problems["choices"] = ["Only choice questions have choices."]
    return problems


def _choices_problems(choices: Any) -> dict[str, list[str]]:
    if not isinstance(choices, list) or not choices:
        return {"choices": ["List the options customers choose from (at least one)."]}
    if len(choices) > MAX_CHOICES:
        return {"choices": [f"Use at most {MAX_CHOICES} options."]}
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, choice in enumerate(choices):
        if not isinstance(choice, str) or not choice.strip():
            problems[f"choices.{index}"] = ["Each option must be non-empty text."]
        elif len(choice) > MAX_CHOICE_LENGTH:
            problems[f"choices.{index}"] = [f"Use at most {MAX_CHOICE_LENGTH} characters."]
        elif choice.strip() in seen:
            problems[f"choices.{index}"] = [f'"{choice.strip()}" is listed twice.']
        else:
            seen.add(choice.strip())
    return problems


def questions_problems(raw: Any, *, field: str = "questions") -> dict[str, list[str]]:
    """Problems of a page's question list, keyed "questions", "questions.<index>.<field>" (or
    "questions.<index>" for an entry that is not an object). Empty: the list is valid."""
    if not isinstance(raw, list):
        return {field: ["Send the questions as a list."]}
    if len(raw) > MAX_QUESTIONS:
        return {field: [f"A booking page can ask at most {MAX_QUESTIONS} questions."]}
    problems: dict[str, list[str]] = {}
    seen_ids: set[str] = set()
    for index, entry in enumerate(raw):
        for key, messages in _question_problems(entry, seen_ids).items():
            problems[f"{field}.{index}" + (f".{key}" if key else "")] = messages
    return problems


def questions_parse(raw: Sequence[dict[str, Any]]) -> tuple[Question, ...]:
    """Questions from a list that `questions_problems` found valid (or from the database)."""
    return tuple(
        Question(
            id=entry["id"],
            label=entry["label"].strip(),
            type=entry["type"],
            required=bool(entry.get("required", False)),
            choices=tuple(c.strip() for c in entry.get("choices") or ())
            if entry["type"] == CHOICE
            else (),
        )
        for entry in raw
    )


def answers_problems(
    questions: Sequence[Question], answers: Any, *, field: str = "answers"
) -> dict[str, list[str]]:
    """Problems of a customer's answers ({question id: answer}) to a page's questions, keyed
    "answers.<question id>". Text answers are strings, choice answers one of the options,
    checkbox answers true or false; a required checkbox must be ticked."""
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        return {field: ["Send the answers as an object: {question id: answer}."]}
    problems: dict[str, list[str]] = {}
    known = {question.id for question in questions}
    for key in sorted(str(k) for k in answers if k not in known):
        problems[f"{field}.{key}"] = ["This booking page has no such question."]
    for question in questions:
        path = f"{field}.{question.id}"
        value = answers.get(question.id)
        if question.type == CHECKBOX:
            if value is not None and not isinstance(value, bool):
                problems[path] = ["Use true or false."]
            elif question.required and value is not True:
                problems[path] = ["Please tick this box to continue."]
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            if question.required:
                problems[path] = ["Please answer this question."]
            continue
        if not isinstance(value, str):
            problems[path] = ["Answer with text."]
        elif question.type == CHOICE and value not in question.choices:
            problems[path] = ["Choose one of the options: " + ", ".join(question.choices) + "."]
        elif len(value) > MAX_TEXT_ANSWER_LENGTH:
            problems[path] = [f"Use at most {MAX_TEXT_ANSWER_LENGTH} characters."]
    return problems


def answers_clean(questions: Sequence[Question], answers: dict[str, Any]) -> dict[str, Any]:
    """Answers that `answers_problems` found valid, as stored on a booking: one entry per
    question (unanswered text/choice questions are left out, checkboxes default to false)."""
    cleaned: dict[str, Any] = {}
    for question in questions:
        value = answers.get(question.id)
        if question.type == CHECKBOX:
            cleaned[question.id] = bool(value)
        elif isinstance(value, str) and value.strip():
            cleaned[question.id] = value.strip()
    return cleaned
