"""One NoneBot plugin per capability; `plugins.core` is shared by all."""
