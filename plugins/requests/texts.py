"""Words users type and read for cases and mutual help (documented in the README)."""

from models.enums import CaseCategory, CaseEventKind, CaseStatus, HelpKind, HelpStatus

Category = CaseCategory
CATEGORY_LABELS = CaseCategory.labels()

# What a youth may type as the category word.
CATEGORY_WORDS = {
    "困惑": Category.confusion,
    "思想困惑": Category.confusion,
    "困难": Category.difficulty,
    "实际困难": Category.difficulty,
    "建议": Category.suggestion,
    "意见": Category.suggestion,
    "意见建议": Category.suggestion,
}

def split_category(text: str) -> tuple[Category, str]:
    """An optional leading category word ("困难 …" or "困难：…") and the rest of the text."""
    stripped = text.strip()
    parts = stripped.split(maxsplit=1)
    if parts and parts[0] in CATEGORY_WORDS:
        return CATEGORY_WORDS[parts[0]], parts[1] if len(parts) > 1 else ""
    for word in sorted(CATEGORY_WORDS, key=len, reverse=True):
        for sep in ("：", ":"):
            if stripped.startswith(word + sep):
                return CATEGORY_WORDS[word], stripped[len(word) + 1 :]
    return Category.other, text


STATUS_LABELS = CaseStatus.labels()
EVENT_LABELS = CaseEventKind.labels()
HELP_KIND_WORDS = {label: kind for kind, label in HelpKind.labels().items()}
HELP_KIND_LABELS = HelpKind.labels()
HELP_STATUS_LABELS = HelpStatus.labels()


_CATEGORY_LABELS = {str(k): v for k, v in Category.labels().items()}


def category_label(value: str) -> str:
    """The category in Chinese (unknown values as they are); a dict lookup: exports call it per row."""
    return _CATEGORY_LABELS.get(value, value)


def excerpt(text: str | None, limit: int = 40) -> str:
    """One line of at most `limit` characters, for lists."""
    if not text:
        return ""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


NO_ROUTE = (
    "你还没有和团干部建立联系，这件诉求没人接收，所以没有记下来。"
    "请先在团干部的群里发 /加入，或写明团干部：/诉求 @3 <内容>（3 是团干部编号）。"
)
