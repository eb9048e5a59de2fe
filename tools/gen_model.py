#!/usr/bin/env python3
"""Generate stripecli's API model from Stripe's official Python SDK wheels.

The wheels are pinned to exact versions (``PINNED`` below) and read with ``ast``: nothing from
them is imported or executed. The output is deterministic JSON under ``stripecli/model/data/``:

- ``index.json``: API version, groups and their resources (names, aliases, flags, summaries);
- ``<group>/<resource>.json``: every operation of one resource with its typed parameters, so a
  command reads the one resource it runs (``customers`` does not parse all of ``core``);
- ``objects/<type>.json``: the fields of one object type the operations return;
- ``routes.json``: each operation's method, path and what it returns, enough for the emulator to
  route a request and then read only the resource it touches.

Names (groups, short resource names, verb names) and the resources no SDK build carries come
from the hand-written overlay in ``stripecli/model/overlay/``.

Usage::

    python tools/gen_model.py                 # download the pinned wheels, write the model
    python tools/gen_model.py --out DIR       # write somewhere else (the staleness test)
    python tools/gen_model.py --wheels DIR    # use wheels already downloaded into DIR
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

if TYPE_CHECKING:  # the records written are the model's named shapes
    from stripecli.model.shapes import Operation

ROOT = Path(__file__).resolve().parent.parent
OVERLAY = ROOT / "stripecli" / "model" / "overlay"
DEFAULT_OUT = ROOT / "stripecli" / "model" / "data"
T = TypeVar("T")

# The SDK builds the model is read from. GA first; the public-preview build only adds the
# operations that the GA build does not have (marked preview, with the preview API version).
PINNED = {"ga": "16.1.0", "preview": "16.1.0b1"}

CORE_VERBS = {
    "list": "list",
    "retrieve": "get",
    "create": "create",
    "update": "update",
    "delete": "delete",
    "search": "search",
}


# --------------------------------------------------------------------------- wheel access


class Wheel:
    """The ``stripe`` package of one wheel, parsed lazily module by module."""

    def __init__(self, path: Path):
        self.zip = zipfile.ZipFile(path)
        self.names = set(self.zip.namelist())
        self._trees: dict[str, ast.Module] = {}

    @staticmethod
    def _file(module: str) -> str:
        return module.replace(".", "/") + ".py"

    def tree(self, module: str) -> ast.Module:
        if module not in self._trees:
            src = self.zip.read(self._file(module)).decode("utf-8")
            self._trees[module] = ast.parse(src)
        return self._trees[module]

    def api_version(self) -> str:
        for node in ast.walk(self.tree("stripe._api_version")):
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "CURRENT":
                return node.value.value  # type: ignore[attr-defined]
        raise SystemExit("no API version in the wheel")

    def imports(self, module: str) -> dict[str, str]:
        """Names imported by a module (including under TYPE_CHECKING) -> their module."""
        out: dict[str, str] = {}
        for node in ast.walk(self.tree(module)):
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    out[alias.asname or alias.name] = node.module
        return out

    def classes(self, module: str) -> dict[str, ast.ClassDef]:
        return {n.name: n for n in self.tree(module).body if isinstance(n, ast.ClassDef)}


def download_wheels(dest: Path) -> dict[str, Path]:
    out = {}
    for kind, version in PINNED.items():
        target = dest / f"stripe-{version}-py3-none-any.whl"
        if not target.exists():
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "--pre", f"stripe=={version}", "-d", str(dest), "-q"]
            subprocess.run(cmd, check=True)
        out[kind] = target
    return out


def generator_args(doc: str, default_out: Path, argv: list[str] | None) -> argparse.Namespace:
    """The options of a generator that reads the pinned wheels: ``--out`` and ``--wheels``."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=default_out)
    ap.add_argument("--wheels", type=Path, default=None,
                    help="directory holding (or receiving) the pinned stripe wheels")
    return ap.parse_args(argv)


def build_from_wheels(build: Callable[[dict[str, Path]], T], directory: Path | None) -> T:
    """``build(wheels)`` over the pinned wheels, kept in ``directory`` (downloaded into it when
    missing), else downloaded into a temporary directory."""
    if directory:
        directory.mkdir(parents=True, exist_ok=True)
        return build(download_wheels(directory))
    with tempfile.TemporaryDirectory() as tmp:
        return build(download_wheels(Path(tmp)))


# --------------------------------------------------------------------------- text helpers


def docstring_after(body: list[ast.stmt], index: int) -> str:
    """The string literal that follows an annotated field (the SDK's field docs)."""
    if index + 1 < len(body):
        nxt = body[index + 1]
        if isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant) and isinstance(nxt.value.value, str):
            return nxt.value.value
    return ""


_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SENTENCE = re.compile(r"^(.+?[.!?])(?=\s+[A-Z(`]|\s*$)", re.S)


def first_sentence(text: str) -> str:
    text = _LINK.sub(r"\1", text or "")
    text = " ".join(text.split())
    if not text:
        return ""
    m = _SENTENCE.match(text)
    return (m.group(1) if m else text).strip()


def kebab(name: str) -> str:
    return name.replace("_", "-").replace(".", "-")


def singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("sses") or word.endswith("xes"):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


# --------------------------------------------------------------------------- param types


def parse_annotation(node: ast.expr | None) -> ast.expr | None:
    """String annotations are parsed into expressions."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return ast.parse(node.value, mode="eval").body
    return node


def union_members(node: ast.expr) -> list[ast.expr]:
    node = parse_annotation(node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return union_members(node.left) + union_members(node.right)
    if isinstance(node, ast.Subscript) and getattr(node.value, "id", "") in ("Union", "Optional"):
        elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        members = [m for e in elts for m in union_members(e)]
        if node.value.id == "Optional":  # type: ignore[attr-defined]
            members.append(ast.Constant(value=None))
        return members
    return [node]


def literal_values(node: ast.expr) -> list[Any]:
    sl = node.slice  # type: ignore[attr-defined]
    elts = sl.elts if isinstance(sl, ast.Tuple) else [sl]
    return [e.value for e in elts if isinstance(e, ast.Constant)]


_TS_NAME = re.compile(r"(^|_)(created|at|time|date|end|start|anchor|until|after|before)$")
_TS_DESC = re.compile(r"unix|timestamp|seconds since|epoch", re.I)


def looks_like_timestamp(name: str, desc: str) -> bool:
    if name in ("gt", "gte", "lt", "lte", "limit", "amount", "count", "quantity"):
        return False
    return bool(_TS_DESC.search(desc)) or (bool(_TS_NAME.search(name)) and "day" not in name)


class ParamReader:
    """Turns the SDK's TypedDict params classes into the model's param records."""

    def __init__(self, wheel: Wheel):
        self.wheel = wheel

    def params_of(self, module: str, class_name: str, location: str) -> list[dict]:
        return self._fields(module, class_name, location, stack=())

    def _fields(self, module: str, class_name: str, location: str, stack: tuple) -> list[dict]:
        classes = self.wheel.classes(module)
        cls = classes.get(class_name)
        if cls is None:
            return []
        out = []
        for i, stmt in enumerate(cls.body):
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            name = stmt.target.id
            desc = first_sentence(docstring_after(cls.body, i))
            ann = parse_annotation(stmt.annotation)
            required = True
            if isinstance(ann, ast.Subscript) and getattr(ann.value, "id", "") == "NotRequired":
                required = False
                ann = parse_annotation(ann.slice)
            rec = {"name": name}
            if location:
                rec["in"] = location
            rec.update(self._type(ann, module, name, desc, stack + (class_name,)))
            rec["required"] = required
            if desc:
                rec["description"] = desc
            out.append(rec)
        return out

    def _type(self, node: ast.expr, module: str, name: str, desc: str, stack: tuple) -> dict:
        literals: list[Any] = []
        bases: set[str] = set()
        objects: list[str] = []
        lists: list[ast.expr] = []
        maps = False
        for m in union_members(node):
            if isinstance(m, ast.Constant) and m.value is None:
                continue
            if isinstance(m, ast.Subscript):
                head = getattr(m.value, "id", "")
                if head == "Literal":
                    literals += literal_values(m)
                elif head == "List":
                    lists.append(parse_annotation(m.slice))
                elif head in ("Dict", "UntypedStripeObject", "Mapping"):
                    maps = True
                else:
                    bases.add("string")
            elif isinstance(m, ast.Name):
                base = {"str": "string", "int": "integer", "bool": "boolean", "float": "number",
                        "Decimal": "number", "Any": "string"}.get(m.id)
                if base:
                    bases.add(base)
                elif m.id in self.wheel.classes(module):
                    objects.append(m.id)
                else:
                    bases.add("string")
            else:
                bases.add("string")
        rec: dict[str, Any] = {}
        emptyable = "" in literals
        literals = [v for v in literals if v != ""]
        if emptyable:
            rec["emptyable"] = True
        if lists:
            rec["type"] = "array"
            rec["items"] = self._type(lists[0], module, name, desc, stack)
            return rec
        if maps and not objects:
            rec["type"] = "object"
            rec["map"] = True
            return rec
        if objects:
            cls = objects[0]
            if cls in stack:  # recursive params type: let -d carry it
                rec["type"] = "object"
                return rec
            children = self._fields(module, cls, "", stack)
            scalar = bases & {"integer", "string", "number"}
            if "integer" in scalar:
                rec["type"] = "timestamp" if looks_like_timestamp(name, desc) else "integer"
                for child in children:
                    if child.get("type") == "integer" and rec["type"] == "timestamp":
                        child["type"] = "timestamp"
            elif scalar:
                rec["type"] = sorted(scalar)[0]
            else:
                rec["type"] = "object"
            rec["children"] = children
            return rec
        if "integer" in bases:
            rec["type"] = "timestamp" if ("now" in literals or looks_like_timestamp(name, desc)) else "integer"
            if literals:
                rec["literals"] = [str(v) for v in literals]
            return rec
        if "number" in bases:
            rec["type"] = "number"
            if literals:
                rec["literals"] = [str(v) for v in literals]
            return rec
        if "boolean" in bases:
            rec["type"] = "boolean"
            return rec
        if literals and bases <= {"string"}:
            if all(isinstance(v, bool) for v in literals):
                rec["type"] = "boolean"
                return rec
            rec["type"] = "enum"
            rec["values"] = sorted({str(v) for v in literals})
            return rec
        rec["type"] = "string"
        return rec


# --------------------------------------------------------------------------- object schemas


class ObjectReader:
    """Reads the resource classes: which object type each class is, and its fields."""

    def __init__(self, wheel: Wheel):
        self.wheel = wheel
        self.object_of: dict[tuple[str, str], str] = {}
        self.module_of_object: dict[str, tuple[str, str]] = {}
        for name in sorted(wheel.names):
            if not name.startswith("stripe/") or not name.endswith(".py"):
                continue
            if name.startswith(("stripe/params/", "stripe/v2/", "stripe/events/")):
                continue
            module = name[:-3].replace("/", ".")
            for cls in wheel.classes(module).values():
                for stmt in cls.body:
                    if (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
                            and stmt.target.id == "OBJECT_NAME" and stmt.value is not None):
                        value = stmt.value
                        if isinstance(value, ast.Constant):
                            self.object_of[(module, cls.name)] = value.value
                            self.module_of_object.setdefault(value.value, (module, cls.name))

    def resolve(self, module: str, class_name: str) -> str | None:
        """The object type of a class name as seen from ``module``."""
        if (module, class_name) in self.object_of:
            return self.object_of[(module, class_name)]
        src = self.wheel.imports(module).get(class_name)
        if src and (src, class_name) in self.object_of:
            return self.object_of[(src, class_name)]
        return None

    def schema(self, object_type: str) -> dict:
        module, cls_name = self.module_of_object[object_type]
        cls = self.wheel.classes(module)[cls_name]
        fields = self._fields(module, cls, depth=0)
        return {"fields": fields}

    def _fields(self, module: str, cls: ast.ClassDef, depth: int) -> list[dict]:
        nested = {n.name: n for n in cls.body if isinstance(n, ast.ClassDef)}
        out = []
        for i, stmt in enumerate(cls.body):
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            name = stmt.target.id
            if name.isupper() or name.startswith("_"):
                continue
            rec: dict[str, Any] = {"name": name}
            rec.update(self._ftype(stmt.annotation, module, nested, depth))
            desc = first_sentence(docstring_after(cls.body, i))
            if desc:
                rec["description"] = desc
            out.append(rec)
        return out

    def _ftype(self, node: ast.expr, module: str, nested: dict, depth: int) -> dict:
        members = union_members(node)
        rec: dict[str, Any] = {}
        if any(isinstance(m, ast.Constant) and m.value is None for m in members):
            rec["nullable"] = True
        members = [m for m in members if not (isinstance(m, ast.Constant) and m.value is None)]
        literals: list[Any] = []
        for m in members:
            if isinstance(m, ast.Subscript):
                head = getattr(m.value, "id", "")
                if head == "Literal":
                    literals += literal_values(m)
                    continue
                if head == "List":
                    rec["type"] = "array"
                    rec["items"] = self._ftype(m.slice, module, nested, depth)
                    return rec
                if head == "ExpandableField":
                    target = parse_annotation(m.slice)
                    rec["type"] = "string"
                    names = [x.id for x in union_members(target) if isinstance(x, ast.Name)]
                    refs = [r for r in (self.resolve(module, n) for n in names) if r]
                    rec["expandable"] = refs
                    return rec
                if head in ("Dict", "UntypedStripeObject"):
                    rec["type"] = "object"
                    rec["map"] = True
                    return rec
            if isinstance(m, ast.Name):
                base = {"str": "string", "int": "integer", "bool": "boolean", "float": "number",
                        "Decimal": "number", "Any": "string"}.get(m.id)
                if base:
                    rec["type"] = base
                    return rec
                if m.id in nested:
                    rec["type"] = "object"
                    if depth < 6:
                        rec["children"] = self._fields(module, nested[m.id], depth + 1)
                    return rec
                ref = self.resolve(module, m.id)
                rec["type"] = "object"
                if ref:
                    rec["ref"] = ref
                return rec
        if literals:
            if all(isinstance(v, bool) for v in literals):
                rec["type"] = "boolean"
            else:
                rec["type"] = "enum"
                rec["values"] = sorted({str(v) for v in literals})
            return rec
        rec["type"] = "string"
        return rec

    def has_deleted_field(self, object_type: str) -> bool:
        if object_type not in self.module_of_object:
            return False
        module, cls_name = self.module_of_object[object_type]
        cls = self.wheel.classes(module)[cls_name]
        return any(isinstance(s, ast.AnnAssign) and getattr(s.target, "id", "") == "deleted" for s in cls.body)


# --------------------------------------------------------------------------- services


@dataclass
class Op:
    service: str          # e.g. "billing.credit_grants" or "test_helpers.issuing.cards"
    sdk_method: str
    method: str
    path: str
    summary: str
    params_ref: tuple[str, str] | None
    returns: str          # the return annotation, unparsed
    service_module: str
    base: str = "api"
    record: dict = field(default_factory=dict)


def read_services(wheel: Wheel) -> list[Op]:
    ops: list[Op] = []

    def subservices(module: str) -> dict[str, tuple[str, str]]:
        for node in wheel.tree(module).body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "_subservices":
                return {k.value: (v.elts[0].value, v.elts[1].value)
                        for k, v in zip(node.value.keys, node.value.values)}
        return {}

    def walk(module: str, prefix: str) -> None:
        imports = wheel.imports(module)
        for cls in wheel.classes(module).values():
            for fn in cls.body:
                if not isinstance(fn, ast.FunctionDef) or fn.name.startswith("_"):
                    continue
                call = next((c for c in ast.walk(fn) if isinstance(c, ast.Call)
                             and getattr(c.func, "attr", "") in ("_request", "_request_stream")), None)
                if call is None:
                    continue
                method = call.args[0].value.upper()  # type: ignore[attr-defined]
                path_node = call.args[1]
                if isinstance(path_node, ast.Call):
                    path_node = path_node.func.value  # type: ignore[attr-defined]
                path = path_node.value  # type: ignore[attr-defined]
                base = "api"
                for kw in call.keywords:
                    if kw.arg == "base_address" and isinstance(kw.value, ast.Constant):
                        base = kw.value.value
                params_ref = None
                for arg in fn.args.args + fn.args.kwonlyargs:
                    if arg.arg == "params" and arg.annotation is not None:
                        ann = parse_annotation(arg.annotation)
                        if isinstance(ann, ast.Subscript):
                            ann = parse_annotation(ann.slice)
                        if isinstance(ann, ast.Name) and ann.id in imports:
                            params_ref = (imports[ann.id], ann.id)
                doc = ast.get_docstring(fn) or ""
                op = Op(prefix, fn.name, method, path, first_sentence(doc), params_ref,
                        ast.unparse(parse_annotation(fn.returns)) if fn.returns else "", module, base)
                if call.func.attr == "_request_stream":  # type: ignore[attr-defined]
                    op.returns = "StripeStreamResponse"
                ops.append(op)
        for name, (sub_module, _cls) in sorted(subservices(module).items()):
            walk(sub_module, f"{prefix}.{name}" if prefix else name)

    walk("stripe._v1_services", "")
    return ops


# --------------------------------------------------------------------------- assembly


def load_overlay() -> tuple[dict, dict]:
    names = json.loads((OVERLAY / "names.json").read_text())
    extra = json.loads((OVERLAY / "extra_resources.json").read_text())
    return names, extra


def group_of(service: str, names: dict) -> str:
    mapping = names["services"]
    parts = service.split(".")
    for i in range(len(parts), 0, -1):
        key = ".".join(parts[:i])
        if key in mapping and "group" in mapping[key]:
            return mapping[key]["group"]
    if parts[0] in names["namespaces"]:
        return names["namespaces"][parts[0]]
    return "core"


def resource_name(service: str, group: str, names: dict) -> str:
    entry = names["services"].get(service, {})
    if "name" in entry:
        return entry["name"]
    parts = service.split(".")
    if parts[0] in names["namespaces"]:
        parts = parts[1:]
    if len(parts) == 1:
        return kebab(parts[0])
    return "-".join([kebab(singular(p)) for p in parts[:-1]] + [kebab(parts[-1])])


def path_params(path: str) -> list[str]:
    return re.findall(r"\{(\w+)\}", path)


def metavar(path: str, param: str) -> str:
    """A readable positional name: ``{id}`` after ``credit_grants`` reads CREDIT_GRANT."""
    if param != "id":
        return param.upper()
    segs = path.split("/")
    idx = segs.index("{id}")
    prev = segs[idx - 1] if idx > 0 else "id"
    return singular(prev).upper()


def returns_kind(op: Op, objects: ObjectReader, object_types: list[str]) -> str:
    if op.returns == "StripeStreamResponse":
        return "binary"
    if op.returns.startswith("ListObject"):
        return "list"
    if op.returns.startswith("SearchResultObject"):
        return "search"
    if op.method == "DELETE" and object_types and all(objects.has_deleted_field(t) for t in object_types):
        return "deleted"
    return "object"


def return_objects(op: Op, wheel: Wheel, objects: ObjectReader) -> list[str]:
    node = ast.parse(op.returns, mode="eval").body if op.returns else None
    if node is None:
        return []
    if isinstance(node, ast.Subscript) and getattr(node.value, "id", "") in ("ListObject", "SearchResultObject"):
        node = node.slice
    names = [m.id for m in union_members(node) if isinstance(m, ast.Name)]
    out = []
    for n in names:
        t = objects.resolve(op.service_module, n)
        if t:
            out.append(t)
    return out


def build(wheels: dict[str, Path]) -> dict[str, Any]:
    names, extra = load_overlay()
    ga = Wheel(wheels["ga"])
    pre = Wheel(wheels["preview"])
    api_version = ga.api_version()
    preview_version = pre.api_version()

    resources: dict[tuple[str, str], dict] = {}
    schemas: dict[str, dict] = {}
    seen_paths: set[tuple[str, str]] = set()

    for kind, wheel in (("ga", ga), ("preview", pre)):
        objects = ObjectReader(wheel)
        reader = ParamReader(wheel)
        for op in read_services(wheel):
            key = (op.method, op.path)
            if key in seen_paths:
                continue
            seen_paths.add(key)
            test_helper = op.service.startswith("test_helpers.")
            service = op.service
            if test_helper:
                target = service[len("test_helpers."):]
                service = target
            group = group_of(service, names)
            rname = resource_name(service, group, names)
            otypes = return_objects(op, wheel, objects)
            for t in otypes:
                if t not in schemas and t in objects.module_of_object:
                    schemas[t] = objects.schema(t)
            location = "form" if op.method == "POST" else "query"
            params = reader.params_of(*op.params_ref, location) if op.params_ref else []
            verb = names["verbs"].get(op.sdk_method, CORE_VERBS.get(op.sdk_method, kebab(op.sdk_method)))
            record: Operation = {
                "verb": verb,
                "sdk_method": op.sdk_method,
                "method": op.method,
                "path": op.path,
                "path_params": [{"name": p, "metavar": metavar(op.path, p)} for p in path_params(op.path)],
                "summary": op.summary,
                "returns": returns_kind(op, objects, otypes),
                "object": otypes[0] if otypes else None,
                "params": params,
            }
            if len(otypes) > 1:
                record["objects"] = otypes
            if op.base != "api":
                record["base"] = op.base
            if test_helper:
                record["test_helper"] = True
            if kind == "preview":
                record["preview"] = True
                record["stripe_version"] = preview_version
            res = resources.setdefault((group, rname), {
                "name": rname, "group": group, "service": service, "operations": [],
            })
            res["operations"].append(record)

    for item in extra["resources"]:
        res = resources.setdefault((item["group"], item["name"]), {
            "name": item["name"], "group": item["group"], "service": item.get("service", ""),
            "operations": [],
        })
        for flag in ("legacy", "preview"):
            if item.get(flag):
                res[flag] = True
        if item.get("summary"):
            res["summary"] = item["summary"]
        for op in item["operations"]:
            record = {  # an Operation too
                "verb": op["verb"],
                "sdk_method": op.get("sdk_method", op["verb"].replace("-", "_")),
                "method": op["method"],
                "path": op["path"],
                "path_params": [{"name": p, "metavar": op.get("metavars", {}).get(p, metavar(op["path"], p))}
                                for p in path_params(op["path"])],
                "summary": op["summary"],
                "returns": op.get("returns", "object"),
                "object": item["object"],
                "params": [dict(p, **({"in": "form" if op["method"] == "POST" else "query"}))
                           for p in op.get("params", [])],
                "stripe_version": item["stripe_version"],
            }
            if item.get("headers"):
                record["headers"] = item["headers"]
            if op.get("test_helper"):
                record["test_helper"] = True
            for flag in ("legacy", "preview"):
                if item.get(flag):
                    record[flag] = True
            res["operations"].append(record)
        if "schema" in item:
            schemas.setdefault(item["object"], item["schema"])

    # Resolve verb collisions: a test helper that reuses a verb becomes test-<verb>.
    for res in resources.values():
        taken: dict[str, dict] = {}
        for op in sorted(res["operations"], key=lambda o: (bool(o.get("test_helper")), bool(o.get("preview")), o["path"], o["method"])):
            verb = op["verb"]
            if verb in taken:
                verb = ("test-" + verb) if op.get("test_helper") else f"{verb}-{kebab(op['sdk_method'])}"
                n = 2
                base = verb
                while verb in taken:
                    verb = f"{base}-{n}"
                    n += 1
                op["verb"] = verb
            taken[verb] = op
        res["operations"].sort(key=lambda o: o["verb"])
        res["object"] = next((o["object"] for o in res["operations"] if o.get("object")), None)
        if all(o.get("preview") for o in res["operations"]):
            res["preview"] = True
        if all(o.get("test_helper") for o in res["operations"]):
            res["test_helper_only"] = True

    return {
        "api_version": api_version,
        "preview_version": preview_version,
        "resources": resources,
        "schemas": schemas,
        "names": names,
    }


def resource_summary(res: dict, schemas: dict) -> str:
    if res.get("summary"):
        return res["summary"]
    from stripecli.surface.names import short_verbs

    label = res["name"].replace("-", " ")
    long = [o["verb"] for o in res["operations"]]
    short = short_verbs(res["name"], long)  # the names the CLI shows (invoices finalize)
    verbs = ", ".join(sorted(short.get(v, v) for v in long))
    return f"{label[:1].upper()}{label[1:]}: {verbs}."


def write(model: dict, out: Path) -> list[Path]:
    names = model["names"]
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    groups: dict[str, dict] = {}
    for gname, ginfo in names["groups"].items():
        groups[gname] = {"help": ginfo["help"]}
        for key in ("flatten", "links"):
            if key in ginfo:
                groups[gname][key] = ginfo[key]
        groups[gname]["resources"] = {}
    by_group: dict[str, dict[str, dict]] = {g: {} for g in groups}
    for (group, rname), res in sorted(model["resources"].items()):
        if group not in groups:
            raise SystemExit(f"resource {rname} maps to unknown group {group}")
        entry = names["services"].get(res["service"], {})
        index_entry: dict[str, Any] = {"summary": resource_summary(res, model["schemas"])}
        if res.get("object"):
            index_entry["object"] = res["object"]
        aliases = entry.get("aliases", [])
        if aliases:
            index_entry["aliases"] = aliases
        for flag in ("legacy", "preview", "test_helper_only"):
            if res.get(flag):
                index_entry[flag] = True
        groups[group]["resources"][rname] = index_entry
        by_group[group][rname] = {
            "object": res.get("object"),
            "operations": {op["verb"]: op for op in res["operations"]},
        }
    header = "Generated by tools/gen_model.py from the pinned stripe-python wheels and stripecli/model/overlay. Do not edit."
    index = {
        "_generated": header,
        "api_version": model["api_version"],
        "preview_version": model["preview_version"],
        "sdk": PINNED,
        "groups": groups,
    }
    def dump(path: Path, data: Any, compact: bool) -> None:
        text = json.dumps(data, sort_keys=False, ensure_ascii=False,
                          separators=(",", ":") if compact else (",", ": "),
                          indent=None if compact else 1)
        path.write_text(text + "\n", encoding="utf-8")
        written.append(path)
    dump(out / "index.json", index, compact=False)
    routes = []
    for group in groups:
        (out / kebab(group)).mkdir(exist_ok=True)
        for rname, res in by_group[group].items():
            dump(out / kebab(group) / f"{rname}.json",
                 {"_generated": header, "group": group, "resource": rname, **res}, compact=True)
            for verb, op in res["operations"].items():
                routes.append([group, rname, verb, op["method"], op["path"], op.get("returns"), op.get("object"),
                               op.get("objects"), res.get("object"), bool(op.get("path_params"))])
    (out / "objects").mkdir(exist_ok=True)
    for name, schema in sorted(model["schemas"].items()):
        dump(out / "objects" / f"{name}.json", {"_generated": header, "object": name, **schema}, compact=True)
    dump(out / "routes.json", {"_generated": header, "columns": list(ROUTE_COLUMNS), "routes": routes}, compact=True)
    return written


# One row of routes.json (see stripecli/emulator/routes.py).
ROUTE_COLUMNS = ("group", "resource", "verb", "method", "path", "returns", "object", "objects", "resource_object",
                 "has_path_params")


def main(argv: list[str] | None = None) -> int:
    args = generator_args(__doc__, DEFAULT_OUT, argv)
    model = build_from_wheels(build, args.wheels)
    if args.out.exists():
        for old in args.out.rglob("*.json"):
            old.unlink()
        for folder in sorted((p for p in args.out.rglob("*") if p.is_dir()), reverse=True):
            folder.rmdir()
    written = write(model, args.out)
    n_ops = sum(len(r["operations"]) for r in model["resources"].values())
    print(f"wrote {len(written)} files, {len(model['resources'])} resources, {n_ops} operations to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
