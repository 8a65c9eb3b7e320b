"""A Mermaid flowchart of a questionnaire: the questions in order, relevance conditions on the edges."""

from __future__ import annotations

from cdht.conversations.definition.question import Question
from cdht.conversations.definition.questionnaire import Questionnaire

_ESCAPES = {'"': "#quot;", "<": "#lt;", ">": "#gt;"}


def _escape(text: str) -> str:
    return "".join(_ESCAPES.get(char, char) for char in text)


def _node(question: Question) -> str:
    # Node ids carry a prefix: Mermaid reserves words such as `end`.
    return f"q_{question.id}"


def questionnaire_mermaid(questionnaire: Questionnaire) -> str:
    lines = ["flowchart TD", f'  start(["{_escape(questionnaire.title)}"])']
    for number, question in enumerate(questionnaire.questions, start=1):
        mark = "" if question.required else " (không bắt buộc)"
        text = f"{_escape(f'{number}. {question.id}: {question.name}{mark}')}<br/><i>{question.type}</i>"
        shape = ("[/", "/]") if question.type == "evidence" else ("[", "]")
        lines.append(f'  {_node(question)}{shape[0]}"{text}"{shape[1]}')
    lines.append('  finish(["Tóm tắt và xác nhận"])')
    nodes = ["start", *(_node(q) for q in questionnaire.questions), "finish"]
    conditions = [None, *(q.relevant for q in questionnaire.questions), None]
    for index in range(1, len(nodes)):
        condition = conditions[index] if conditions[index] != conditions[index - 1] else None
        arrow = f'-->|"{_escape(condition)}"|' if condition else "-->"
        lines.append(f"  {nodes[index - 1]} {arrow} {nodes[index]}")
        if condition:
            # Not relevant: go on to the next question whose condition differs.
            after = next(
                (j for j in range(index + 1, len(nodes)) if conditions[j] != conditions[index]),
                len(nodes) - 1,
            )
            lines.append(f'  {nodes[index - 1]} -.->|"không"| {nodes[after]}')
    return "\n".join(lines) + "\n"
