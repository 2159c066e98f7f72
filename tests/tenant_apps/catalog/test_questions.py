from __future__ import annotations

import pytest

from tenant_apps.catalog.questions import (
    Question,
    answers_clean,
    answers_problems,
    questions_parse,
    questions_problems,
)

GOALS = {"id": "goals", "label": "What are your goals?", "type": "text", "required": True}
LEVEL = {
    "id": "level",
    "label": "Your level",
    "type": "choice",
    "required": False,
    "choices": ["Beginner", "Advanced"],
}
WAIVER = {"id": "waiver", "label": "I accept the waiver", "type": "checkbox", "required": True}


def test_a_valid_list_has_no_problems_and_parses():
    assert questions_problems([GOALS, LEVEL, WAIVER]) == {}
    assert questions_problems([]) == {}
    assert questions_parse([GOALS, LEVEL]) == (
        Question("goals", "What are your goals?", "text", True, ()),
        Question("level", "Your level", "choice", False, ("Beginner", "Advanced")),
    )


def test_required_defaults_to_false():
    (question,) = questions_parse([{"id": "note", "label": "Anything else?", "type": "text"}])

    assert question.required is False
    assert question.as_json() == {
        "id": "note",
        "label": "Anything else?",
        "type": "text",
        "required": False,
    }


@pytest.mark.parametrize(
    ("questions", "problems"),
    [
        ("goals", {"questions": ["Send the questions as a list."]}),
        (
            ["goals"],
            {"questions.0": ["Each question must be an object with id, label, type and required."]},
        ),
        ([{**GOALS, "id": ""}], {"questions.0.id": ["Give the question an id, e.g. goals."]}),
        (
            [{**GOALS, "id": "My Goals"}],
            {
                "questions.0.id": [
                    "Use lower-case letters, digits, - and _ only (at most 50 characters)."
                ]
            },
        ),
        (
            [GOALS, {**LEVEL, "id": "goals"}],
            {"questions.1.id": ['Another question on this page already uses the id "goals".']},
        ),
        (
            [{**GOALS, "label": "  "}],
            {"questions.0.label": ["Write the question customers will see."]},
        ),
        ([{**GOALS, "label": "x" * 201}], {"questions.0.label": ["Use at most 200 characters."]}),
        ([{**GOALS, "type": "date"}], {"questions.0.type": ["Choose text, choice or checkbox."]}),
        ([{**GOALS, "required": "yes"}], {"questions.0.required": ["Use true or false."]}),
        (
            [{**LEVEL, "choices": []}],
            {"questions.0.choices": ["List the options customers choose from (at least one)."]},
        ),
        (
            [{**LEVEL, "choices": "Beginner"}],
            {"questions.0.choices": ["List the options customers choose from (at least one)."]},
        ),
        (
            [{**LEVEL, "choices": ["Beginner", "", 3, "Beginner "]}],
            {
                "questions.0.choices.1": ["Each option must be non-empty text."],
                "questions.0.choices.2": ["Each option must be non-empty text."],
                "questions.0.choices.3": ['"Beginner" is listed twice.'],
            },
        ),
        (
            [{**GOALS, "choices": ["a"]}],
            {"questions.0.choices": ["Only choice questions have choices."]},
        ),
        (
            [{**GOALS, "help": "?"}],
            {"questions.0.help": ["Unknown field: use id, label, type, required and choices."]},
        ),
        ([GOALS] * 26, {"questions": ["A booking page can ask at most 25 questions."]}),
    ],
)
def test_problems_point_at_the_exact_field(questions, problems):
    assert questions_problems(questions) == problems


def test_answers_are_checked_against_the_questions():
    questions = questions_parse([GOALS, LEVEL, WAIVER])

    assert answers_problems(questions, {"goals": "Core", "waiver": True}) == {}
    assert answers_problems(questions, {"goals": "Core", "level": "Expert", "waiver": False}) == {
        "answers.level": ["Choose one of the options: Beginner, Advanced."],
        "answers.waiver": ["Please tick this box to continue."],
    }
    assert answers_problems(questions, {"goals": " ", "shoe": "42", "waiver": "yes"}) == {
        "answers.shoe": ["This booking page has no such question."],
        "answers.goals": ["Please answer this question."],
        "answers.waiver": ["Use true or false."],
    }
    assert answers_problems(questions, ["Core"]) == {
        "answers": ["Send the answers as an object: {question id: answer}."]
    }
    assert answers_problems(questions_parse([LEVEL]), None) == {}
    assert answers_problems(questions_parse([GOALS]), {"goals": 3}) == {
        "answers.goals": ["Answer with text."]
    }


def test_clean_answers_keep_one_entry_per_question():
    questions = questions_parse([GOALS, LEVEL, WAIVER])

    assert answers_clean(questions, {"goals": " Core ", "waiver": True}) == {
        "goals": "Core",
        "waiver": True,
    }
