"""A Select of people's names that finds a name as you type its pinyin.

Open the list and type ``zxf`` (or ``zhou``, or 周) to jump to 周显甫: the
search is the domain's name search (console.core.names.matches), not Textual's
substring of the displayed text.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay

from console.core import names


class _NameOverlay(SelectOverlay):
    def _find_search_match(self, query: str) -> int | None:
        for index, option in enumerate(self._options):
            # the blank entry is Textual's dim prompt (Text); names are plain str
            if not isinstance(option.prompt, Text) and names.matches(str(option.prompt), query):
                return index
        return None


class NameSelect(Select):
    """Select whose type-to-search understands pinyin initials and full pinyin."""

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield _NameOverlay(type_to_search=self._type_to_search).data_bind(compact=Select.compact)
