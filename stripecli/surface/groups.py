"""The lazily built command tree: groups -> resources -> verbs.

A group lists its resources from ``index.json`` alone; a resource's verbs, and the flags of a
verb, are built from the group's model file only when that resource is invoked. Nothing is
built for the groups and resources a command line does not name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from typer.core import TyperGroup

from stripecli import model

if TYPE_CHECKING:  # pragma: no cover - typing only
    from stripecli.model.shapes import Operation, ResourceInfo

CTX = {"help_option_names": ["-h", "--help"]}

# Hand-written commands that extend a generated group: module with ``extend(group)``.
EXTENSIONS = {"test-clocks": "stripecli.commands.clocks"}
# ... and hand-written verbs of a generated resource: (group, resource) -> module with ``extend(group)``.
RESOURCE_EXTENSIONS = {("core", "events"): "stripecli.commands.events"}


def _mark(info: ResourceInfo) -> str:
    for flag, label in (("legacy", "[legacy] "), ("preview", "[preview] "), ("test_helper_only", "[test mode only] ")):
        if info.get(flag):
            return label
    return ""


def _escape(text: str) -> str:
    return text.replace("[", "\\[")


# Words operators bring from Stripe's SDKs and Stripe's CLI -> the verb stripecli names it by.
VERB_SYNONYMS = {"retrieve": "get"}


class ResourceGroup(TyperGroup):
    """The verbs of one resource (``stripecli billing credit-grants ...``)."""

    def __init__(self, group: str, resource: str, info: ResourceInfo, **attrs: Any):
        self.model_group = group
        self.resource = resource
        aliases = info.get("aliases", [])
        help_text = _mark(info) + info.get("summary", "")
        if aliases:
            help_text += f"\n\nAlso available as: {', '.join(aliases)}."
        super().__init__(name=resource, help=_escape(help_text), short_help=_escape(_mark(info) + info.get("summary", "")),
                         no_args_is_help=True, context_settings=CTX, **attrs)
        if (group, resource) in RESOURCE_EXTENSIONS:
            import importlib

            importlib.import_module(RESOURCE_EXTENSIONS[(group, resource)]).extend(self)

    def _operations(self) -> dict[str, Operation]:
        return model.resource(self.model_group, self.resource)["operations"]

    def _names(self) -> dict[str, str]:
        """Each verb's name -> its key in the model: the short name when the model's verb repeats
        the resource word (``invoices finalize`` for ``finalize-invoice``)."""
        if not hasattr(self, "_verb_names"):
            from stripecli.surface.names import short_verbs

            verbs = list(self._operations())
            short = short_verbs(self.resource, verbs)
            self._verb_names = {short.get(verb, verb): verb for verb in verbs}
        return self._verb_names

    def aliases(self) -> dict[str, str]:
        """Hidden names -> the name they stand for: the long verbs kept from before the short ones,
        and the verb words of Stripe's SDKs and CLI (``retrieve`` for ``get``)."""
        names = self._names()
        hidden = {verb: name for name, verb in names.items() if name != verb}
        hidden.update({word: name for word, name in VERB_SYNONYMS.items() if name in names and word not in names})
        return hidden

    def operation(self, name: str) -> Operation | None:
        """The operation a verb name (short, long or a synonym) runs."""
        ops = self._operations()
        names = self._names()
        if name not in names and name in VERB_SYNONYMS:
            name = VERB_SYNONYMS[name]
        return ops.get(names.get(name, name))

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self._names()) | {n for n, c in self.commands.items() if not c.hidden})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands:
            return self.commands[name]
        op = self.operation(name)
        if op is None:
            return None
        from stripecli.surface.build import build_command

        cmd = build_command(name, op)
        cmd.hidden = name in self.aliases()
        self.commands[name] = cmd
        return cmd


class ModelGroup(TyperGroup):
    """One command group of the model (``stripecli billing ...``)."""

    def __init__(self, group: str, *, listing_only: bool = False, **attrs: Any):
        """``listing_only``: made for a line of the root's --help, so the hand-written
        extensions (and what they import) are left out."""
        self.model_group = group
        self.info = model.groups()[group]
        attrs.setdefault("help", self.info["help"])
        attrs.setdefault("no_args_is_help", True)
        attrs.setdefault("context_settings", CTX)
        super().__init__(name=attrs.pop("name", group), **attrs)
        self.flat: ResourceGroup | None = None
        if self.info.get("flatten"):
            res = self.info["flatten"]
            self.flat = ResourceGroup(group, res, self.info["resources"][res])
        if group in EXTENSIONS and not listing_only:
            import importlib

            importlib.import_module(EXTENSIONS[group]).extend(self)

    def list_commands(self, ctx: click.Context) -> list[str]:
        extra = sorted(self.commands)
        if self.flat is not None:
            return sorted(set(self.flat.list_commands(ctx)) | set(extra))
        return sorted(set(self.info["resources"]) | set(extra))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands:
            return self.commands[name]
        if self.flat is not None:
            return self.flat.get_command(ctx, name)
        canonical = model.resolve_resource(self.model_group, name)
        if canonical is None:
            target = self.links().get(name)
            if target:
                return ModelGroup(target, name=name, hidden=True)
            return None
        info = self.info["resources"][canonical]
        cmd = ResourceGroup(self.model_group, canonical, info, hidden=canonical != name)
        return cmd

    def links(self) -> dict[str, str]:
        """Names that lead to another group (``billing test-clocks`` is the test-clocks group)."""
        return self.info.get("links", {})
