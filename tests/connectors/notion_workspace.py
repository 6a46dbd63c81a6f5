"""The small Notion workspace the connector's tests export in both formats.

Handbook (every block kind, links, equations, an image) > Setup (a subpage) and Tasks (a
database: one row with a body, one without); FAQ and a second FAQ with another id; Café ☕
(a unicode title).
"""

from __future__ import annotations

from tests.connectors.notion_builder import (
    NotionPage,
    Text,
    Workspace,
    bullets,
    callout,
    code,
    columns,
    equation,
    heading,
    image,
    para,
    table,
    todo,
    toggle,
)

ABS = r"|x| = \begin{cases} -x & x < 0 \\ x & x \ge 0 \end{cases}"
HEADING_ID = "1b7c6f2e-0000-4000-8000-00000000a001"


def make_workspace(run: int = 1) -> Workspace:
    setup = NotionPage(2, "Setup", [para("Install the agent, then restart.")])
    with_body = NotionPage(
        11,
        "Order coffee",
        [para("Call the roaster on Mondays.")],
        properties={"Status": "Done", "Tags": ["home office", "coffee"]},
    )
    bodyless = NotionPage(12, "Buy chairs", [], properties={"Status": "Open", "Tags": ["office"]})
    tasks = NotionPage(10, "Tasks", columns=["Name", "Status", "Tags"], children=[with_body, bodyless])
    handbook = NotionPage(
        1, "Handbook", children=[setup, tasks], files={"diagram.png": b"\x89PNG\r\n\x1a\n0"}
    )
    handbook.blocks = [
        heading(2, "Overview", HEADING_ID),
        para(
            "Read ",
            Text("the setup guide", link=setup),
            " first; see ",
            Text("Overview", anchor=HEADING_ID),
            ".",
        ),
        para("The norm is ", Text("", tex=r"\sqrt{a^2+b^2}"), " here."),
        equation(ABS),
        callout("\U0001f4a1", "Back up first."),
        toggle("Offline install", "Use the bundle."),
        todo("Write docs", True),
        todo("Ship it", False),
        code("python", "print('hi')"),
        table([["Plan", "Seats"], ["Team", "10"]]),
        columns("Left column.", "Right column."),
        bullets("One", "Two"),
        image("diagram.png", "The diagram"),
    ]
    faq = NotionPage(3, "FAQ", [para("Ask us anything.")])
    faq_again = NotionPage(4, "FAQ", [para("The other FAQ.")])
    cafe = NotionPage(5, "Café ☕", [para("Espresso at ten.")])
    return Workspace([handbook, faq, faq_again, cafe], run=run)
