"""The one pattern every scenario follows.

A scenario is labelled controls above one output area. Whenever a control
changes, ``render`` is called with every control's value and returns HTML
for the output area. If ``render`` raises a
:class:`~coproduction.errors.CourseInputError` (input the course cannot use),
its message is shown in the output area instead, so a learner sees what to
change and never a traceback; any other error is a bug and surfaces as one.

The output area is an ``ipywidgets.HTML`` rather than an ``Output`` widget:
the whole view is one string, which tests can read without a browser or a
kernel and which redraws in one step.
"""

from __future__ import annotations

import gc
import html
import os
from typing import Any, Callable, Mapping

import ipywidgets as widgets
from IPython.display import HTML

from coproduction.book import STATIC_ENV
from coproduction.errors import CourseInputError

__all__ = ["Scenario", "message_html", "labelled", "static_build", "static_note"]

def static_build() -> bool:
    """True while the book is being built: live controls would be dead in a
    page with no kernel, so explorers return a note instead and no widget
    state is stored in the page."""
    return os.environ.get(STATIC_ENV) == "1"


def static_note(title: str) -> HTML:
    """What an explorer shows where no kernel can run it."""
    return HTML(
        f"<p><em>{html.escape(title)}</em> is a live scenario: open this page in "
        "JupyterLab (the launch button at the top) to use it.</p>"
    )

_LABEL_STYLE = {"description_width": "initial"}

#: JupyterLab's notebook takes plain arrow keys for moving between cells, so
#: keyboard users need to know how to open a list.
KEYBOARD_HINT = (
    "<small>Keyboard: <kbd>Tab</kbd> moves between questions; on a list, <kbd>Alt</kbd>+<kbd>↓</kbd> "
    "opens it, the arrow keys choose and <kbd>Enter</kbd> confirms; <kbd>Space</kbd> ticks a box; "
    "type a number and press <kbd>Enter</kbd>.</small>"
)


def labelled(control: widgets.Widget, label: str) -> widgets.Widget:
    """Give ``control`` a visible label that is also its accessible name."""
    control.description = label
    control.style = _LABEL_STYLE
    control.layout = widgets.Layout(width="auto", max_width="100%")
    return control


def message_html(message: str) -> str:
    """A clear, announced message for input the scenario cannot use."""
    return (
        '<div role="alert" style="border-left:4px solid #D55E00;padding:0.5em 1em;'
        'background:#FFF4EC;color:#000">'
        f"<strong>Check your input:</strong> {html.escape(message)}</div>"
    )


def _freeze_long_lived_objects() -> None:
    """Move what is alive now (pandas, matplotlib, the course's modules, the
    scenarios already on the page) out of the garbage collector's sight.

    Each redraw makes and drops a figure's worth of objects, which triggers
    full collections; walking every long-lived object each time made one
    redraw in twenty take twice as long (see ``make bench``). Called as each
    scenario is made, so later scenarios' objects are moved too.
    """
    gc.collect()
    gc.freeze()


class Scenario(widgets.VBox):
    """Labelled controls, one output area, a callback that redraws.

    Attributes:
        controls: the controls by the name ``render`` receives them under.
        output: the HTML widget the view is drawn in.
        message: the last bad-input message, or ``None`` if the view is good.
    """

    def __init__(
        self,
        title: str,
        controls: Mapping[str, widgets.Widget],
        render: Callable[..., str],
        intro: str = "",
    ) -> None:
        self.controls = dict(controls)
        self._render = render
        self.output = widgets.HTML()
        self.message: str | None = None
        heading = widgets.HTML(
            f"<h4>{html.escape(title)}</h4><p>{html.escape(intro)}</p><p>{KEYBOARD_HINT}</p>"
        )
        super().__init__([heading, *self.controls.values(), self.output])
        for control in self.controls.values():
            control.observe(self._changed, names="value")
        self.update()
        _freeze_long_lived_objects()

    def values(self) -> dict[str, Any]:
        """Every control's current value by name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self) -> str:
        """Recompute and redraw; return the HTML shown."""
        try:
            view = self._render(**self.values())
            self.message = None
        except CourseInputError as err:
            self.message = str(err)
            view = message_html(self.message)
        self.output.value = view
        return view

    def _changed(self, _change: Mapping[str, Any]) -> None:
        self.update()
