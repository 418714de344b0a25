#!/usr/bin/env python3
"""Generates random, closed, deterministic Nix programs for differential testing.

    gen.py --seed N --count K --out DIR

writes DIR/gen-N-0000.nix ... DIR/gen-N-(K-1).nix. The same seed always yields the same
programs, whatever the Python version (each program has its own `random.Random` seeded
with a string).

Programs are typed by construction: every expression is generated for a wanted type, and
the generator tracks enough about values to keep well-formed programs from failing:

* integers and floats carry a bound on their magnitude, so no arithmetic overflows (an
  operation is only chosen when the bounds of its operands allow it);
* lists carry a minimum and maximum length, so `elemAt`, `head` and `tail` stay in range;
* attribute sets carry their exact field names and types, so `?`, `or` and selection know
  what is present;
* divisors are non-zero literals, and `throw` / `assert false` only appear directly under
  `builtins.tryEval`.

About one program in seven is erroneous on purpose: somewhere (maybe in a lazily unused
spot, which is fine too) a fault is planted: a missing attribute, a type error, an undefined
variable, a failed assertion, division by zero, an index out of range. Runners compare only
exit statuses for programs that fail.
"""

import argparse
import random
import sys
from pathlib import Path

# Field names used in attribute sets. None of them is a builtin, so `with builtins;` never
# hides or is hidden by them in a way the generator does not model.
FIELDS = ["a", "b", "c", "x", "y", "name", "value", "foo", "bar", "n1", "n-2", "_z"]
WORDS = ["", "nix", "strata", "hello world", "a,b", "x y z", "α", "tab\t", "line\n",
         "quote\"", "back\\slash", "dollar $", "${", "a${b}", "0", "12"]
FLOATS = ["0.5", "1.5", "2.25", "0.1", "3.0", "1.0", "10.75", "0.125", "100.0", "1.5e3", "2.5e-3"]
MESSAGES = ["boom", "bad value", "nope"]

INT_LIMIT = 10 ** 12
TOP_INT = 10 ** 9
STRING_LENGTH_BOUND = 10 ** 6
MAX_LIST = 12
FOLDL = "foldl'"


# Types. Wanted types and actual types share the representation; for a wanted type the
# numbers are limits, for an actual type they are known bounds.
#   ("int", bound) ("float", bound) ("bool",) ("string",)
#   ("list", elem, min_len, max_len)
#   ("attrs", ((field, type), ...))        fields sorted by name
#   ("fn", param, result)                  a one-argument lambda
#   ("fnf", ((field, type, has_default), ...), ellipsis, result)   a lambda with formals


def attrs_type(fields):
    return ("attrs", tuple(sorted(fields.items())))


def fields_of(ty):
    return dict(ty[1])


def fits(actual, want):
    """Whether a value of type `actual` may be used where `want` is asked for."""
    kind = want[0]
    if actual[0] != kind:
        return False
    if kind in ("int", "float"):
        return actual[1] <= want[1]
    if kind == "list":
        return fits(actual[1], want[1]) and actual[2] >= want[2] and actual[3] <= want[3]
    if kind == "attrs":
        have = fields_of(actual)
        return all(name in have and fits(have[name], ty) for name, ty in want[1])
    if kind in ("fn", "fnf"):
        return actual == want
    return True


def is_data(ty):
    return ty[0] not in ("fn", "fnf")


def atomic(src):
    """Whether `src` can be used as an operand without parentheses."""
    if src[0] in "([{\"'" and closes_at_end(src):
        return True
    return all(ch.isalnum() or ch in "_'-." for ch in src) and not src.startswith("-")


def closes_at_end(src):
    """Whether the bracket or string opening `src` is the one closing it."""
    if src.startswith("''"):
        return src.endswith("''") and src.count("''") == 2
    opening = src[0]
    if opening == '"':
        escaped = False
        for i, ch in enumerate(src[1:], 1):
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                return i == len(src) - 1 and "${" not in src
        return False
    pairs = {"(": ")", "[": "]", "{": "}"}
    if opening not in pairs:
        return False
    depth = 0
    in_string = False
    escaped = False
    for i, ch in enumerate(src):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return i == len(src) - 1
    return False


def p(src):
    return src if atomic(src) else f"({src})"


def string_literal(text):
    out = []
    for i, ch in enumerate(text):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "$" and text[i + 1:i + 2] == "{":
            out.append("\\$")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def attr_name(name):
    """An attribute name as written in a binding or selection."""
    if all(ch.isalnum() or ch in "_'-" for ch in name) and not name[0].isdigit() and name[0] != "-":
        return name
    return string_literal(name)


class Scope:
    """Variables visible at a point, innermost last. `with` entries are weaker than lexical ones."""

    def __init__(self, entries=()):
        self.entries = list(entries)

    def bind(self, name, ty, by_with=False):
        return Scope(self.entries + [(name, ty, by_with)])

    def bind_all(self, pairs, by_with=False):
        return Scope(self.entries + [(n, t, by_with) for n, t in pairs])

    def hide(self, names):
        """The scope without `names`, which a `rec` set rebinds to its own fields."""
        return Scope(e for e in self.entries if e[0] not in names)

    def visible(self):
        """(name, type) of every variable a reference would actually resolve to."""
        lexical, with_bound = {}, {}
        for name, ty, by_with in self.entries:
            (with_bound if by_with else lexical)[name] = ty
        result = dict(with_bound)
        result.update(lexical)
        return list(result.items())


class Generator:
    def __init__(self, rng, faulty):
        self.rng = rng
        self.faults_left = 1 if faulty else 0
        self.budget = rng.randint(60, 220)
        self.fresh = 0
        self.builtins_in_scope = False

    # Small helpers.

    def name(self):
        self.fresh += 1
        return f"v{self.fresh}"

    def chance(self, probability):
        return self.rng.random() < probability

    def builtin(self, name):
        return name if self.builtins_in_scope and name not in ("throw",) else f"builtins.{name}"

    def random_type(self, depth, int_bound=1000):
        roll = self.rng.random()
        if depth <= 0 or roll < 0.55:
            return self.rng.choice([("int", int_bound), ("int", int_bound), ("float", 10 ** 6),
                                    ("bool",), ("string",), ("string",)])
        if roll < 0.78:
            lo = self.rng.randint(0, 3)
            return ("list", self.random_type(depth - 1, int_bound), lo, lo + self.rng.randint(0, 6))
        fields = self.rng.sample(FIELDS, self.rng.randint(1, 4))
        return attrs_type({f: self.random_type(depth - 1, int_bound) for f in fields})

    # The entry point for every expression.

    def gen(self, want, scope, depth):
        """Returns (source, actual type) for an expression fitting `want`."""
        self.budget -= 1
        if self.faults_left and depth > 0 and self.chance(0.15):
            self.faults_left -= 1
            return self.fault(want, scope, depth), want
        if depth <= 0 or self.budget <= 0:
            return self.leaf(want, scope)
        roll = self.rng.random()
        if roll < 0.22:
            generic = self.generic(want, scope, depth)
            if generic is not None:
                return generic
        kind = want[0]
        method = getattr(self, "gen_" + kind)
        return method(want, scope, depth)

    def leaf(self, want, scope):
        variables = [(n, t) for n, t in scope.visible() if fits(t, want)]
        if variables and self.chance(0.6):
            name, ty = self.rng.choice(variables)
            return name, ty
        selections = self.selections(want, scope)
        if selections and self.chance(0.4):
            return self.rng.choice(selections)
        return self.literal(want)

    def selections(self, want, scope):
        """`v.f` (and `v.f.g`) expressions of a fitting type over attribute-set variables."""
        found = []
        for name, ty in scope.visible():
            if ty[0] != "attrs":
                continue
            for field, field_ty in ty[1]:
                path = f"{name}.{attr_name(field)}"
                if fits(field_ty, want):
                    found.append((path, field_ty))
                if field_ty[0] == "attrs":
                    for inner, inner_ty in field_ty[1]:
                        if fits(inner_ty, want):
                            found.append((f"{path}.{attr_name(inner)}", inner_ty))
        return found

    def literal(self, want):
        kind = want[0]
        if kind == "int":
            bound = min(want[1], 100)
            value = self.rng.randint(-bound, bound)
            return (f"({value})" if value < 0 else str(value)), ("int", abs(value))
        if kind == "float":
            candidates = [f for f in FLOATS if float(f) <= want[1]] or ["0.5"]
            text = self.rng.choice(candidates)
            if self.chance(0.2):
                return f"(-{text})", ("float", float(text))
            return text, ("float", float(text))
        if kind == "bool":
            return self.rng.choice(["true", "false"]), ("bool",)
        if kind == "string":
            return string_literal(self.rng.choice(WORDS)), ("string",)
        if kind == "list":
            _, elem, lo, hi = want
            length = self.rng.randint(lo, min(hi, lo + 3))
            items = [self.literal(elem) for _ in range(length)]
            return self.list_source([s for s, _ in items]), self.list_type(items, elem, length, length)
        if kind == "attrs":
            fields = {f: self.literal(t) for f, t in want[1]}
            body = " ".join(f"{attr_name(f)} = {s};" for f, (s, _) in fields.items())
            return "{ " + body + " }" if body else "{ }", attrs_type({f: t for f, (_, t) in fields.items()})
        raise ValueError(f"no literal for {want}")

    def list_source(self, items):
        return "[ " + " ".join(p(s) for s in items) + " ]" if items else "[ ]"

    def list_type(self, items, elem_want, lo, hi):
        """The type of a list whose elements have the given actual types."""
        if elem_want[0] in ("int", "float"):
            bound = max([t[1] for _, t in items], default=0)
            return ("list", (elem_want[0], bound), lo, hi)
        return ("list", elem_want, lo, hi)

    # Forms that produce any type.

    def generic(self, want, scope, depth):
        choice = self.rng.choice(["if", "let", "let", "with", "apply", "call", "select", "seq",
                                  "assert", "inherit", "attrs-or"])
        d = depth - 1
        if choice == "if":
            cond, _ = self.gen(("bool",), scope, d)
            then, t1 = self.gen(want, scope, d)
            other, t2 = self.gen(want, scope, d)
            return f"if {cond} then {then} else {other}", self.join(t1, t2, want)
        if choice == "let":
            return self.let(want, scope, depth)
        if choice == "with":
            if self.chance(0.3) and not self.builtins_in_scope:
                self.builtins_in_scope = True
                body, ty = self.gen(want, scope, d)
                self.builtins_in_scope = False
                return f"with builtins; {body}", ty
            names = [self.name() for _ in range(self.rng.randint(1, 3))]
            values = [self.gen(self.random_type(1), scope, d) for _ in names]
            pairs = [(n, t) for n, (_, t) in zip(names, values)]
            inner = scope.bind_all(pairs, by_with=True)
            body, ty = self.gen(want, inner, d)
            bindings = " ".join(f"{n} = {s};" for n, (s, _) in zip(names, values))
            return f"with {{ {bindings} }}; {body}", ty
        if choice == "apply":
            if self.chance(0.5):
                param = self.name()
                arg, arg_ty = self.gen(self.random_type(1), scope, d)
                body, ty = self.gen(want, scope.bind(param, arg_ty), d)
                return f"({param}: {body}) {p(arg)}", ty
            return self.apply_formals(want, scope, depth)
        if choice == "call":
            functions = [(n, t) for n, t in scope.visible() if t[0] == "fn" and fits(t[2], want)]
            if not functions:
                return None
            name, ty = self.rng.choice(functions)
            arg, _ = self.gen(ty[1], scope, d)
            return f"{name} {p(arg)}", ty[2]
        if choice == "select":
            other = self.rng.choice(FIELDS)
            value, ty = self.gen(want, scope, d)
            field = self.rng.choice([f for f in FIELDS if f != other])
            decoy, _ = self.literal(self.random_type(0))
            return (f"{{ {attr_name(field)} = {value}; {attr_name(other)} = {decoy}; }}.{attr_name(field)}", ty)
        if choice == "seq":
            forced, _ = self.gen(self.random_type(1), scope, d)
            value, ty = self.gen(want, scope, d)
            which = self.rng.choice(["seq", "deepSeq"])
            return f"{self.builtin(which)} {p(forced)} {p(value)}", ty
        if choice == "assert":
            checked, _ = self.gen(self.random_type(1), scope, d)
            value, ty = self.gen(want, scope, d)
            return f"assert {p(checked)} == {p(checked)}; {value}", ty
        if choice == "inherit":
            sets = [(n, t) for n, t in scope.visible() if t[0] == "attrs" and t[1]]
            if not sets:
                return None
            source, source_ty = self.rng.choice(sets)
            fields = self.rng.sample(list(fields_of(source_ty)), self.rng.randint(1, len(source_ty[1])))
            # `let inherit (s) s;` would refer to itself.
            fields = [f for f in fields if attr_name(f) == f and f != source]
            if not fields:
                return None
            inner = scope.bind_all([(f, fields_of(source_ty)[f]) for f in fields])
            body, ty = self.gen(want, inner, d)
            return f"let inherit ({source}) {' '.join(fields)}; in {body}", ty
        if choice == "attrs-or":
            base_want = self.random_type(1)
            base_src, base_ty = self.gen(attrs_type({}) if self.chance(0.3) else attrs_type({"a": base_want}), scope, d)
            present = fields_of(base_ty)
            field = self.rng.choice(FIELDS)
            default, dty = self.gen(want, scope, d)
            if field in present and fits(present[field], want):
                return f"{p(base_src)}.{attr_name(field)} or {p(default)}", self.join(present[field], dty, want)
            if field in present:
                return None
            return f"{p(base_src)}.{attr_name(field)} or {p(default)}", dty
        return None

    def join(self, a, b, want):
        """The type of a value that is either of type `a` or of type `b` (both fit `want`)."""
        if a[0] in ("int", "float"):
            return (a[0], max(a[1], b[1]))
        if a[0] == "list":
            return ("list", self.join(a[1], b[1], want[1]), min(a[2], b[2]), max(a[3], b[3]))
        if a[0] == "attrs":
            fa, fb = fields_of(a), fields_of(b)
            common = {f: self.join(fa[f], fb[f], fa[f]) for f in fa if f in fb and fa[f][0] == fb[f][0]
                      and (fa[f][0] not in ("fn", "fnf") or fa[f] == fb[f])}
            return attrs_type(common)
        return a

    def let(self, want, scope, depth):
        d = depth - 1
        bindings = []
        inner = scope
        recursive_ok = self.chance(0.5)
        for _ in range(self.rng.randint(1, 3)):
            name = self.name()
            roll = self.rng.random()
            # Later bindings may use earlier ones: `let` is recursive, so this is well-founded.
            if roll < 0.2:
                source, ty = self.function(inner, d)
            elif roll < 0.3:
                source, ty = self.function_formals(inner, d)
            else:
                source, ty = self.gen(self.random_type(2), inner if recursive_ok else scope, d)
            bindings.append(f"{name} = {source};")
            inner = inner.bind(name, ty)
        body, ty = self.gen(want, inner, d)
        return "let " + " ".join(bindings) + f" in {body}", ty

    def function(self, scope, depth):
        param = self.name()
        param_ty = self.random_type(1, int_bound=1000)
        result_ty = self.random_type(1)
        body, actual = self.gen(result_ty, scope.bind(param, param_ty), depth)
        return f"{param}: {body}", ("fn", param_ty, actual)

    def formals(self, scope, depth):
        """Returns (formals source, bound pairs, call-site builder) for a `{ ... }:` pattern."""
        chosen = [f for f in self.rng.sample(FIELDS, self.rng.randint(1, 3)) if attr_name(f) == f]
        if not chosen:
            chosen = ["a"]
        parts, pairs, specs = [], [], []
        for field in chosen:
            ty = self.random_type(1, int_bound=1000)
            if self.chance(0.4):
                default, dty = self.literal(ty)
                parts.append(f"{field} ? {default}")
                specs.append((field, ty, True))
                pairs.append((field, self.join(ty, dty, ty) if ty[0] in ("int", "float") else ty))
            else:
                parts.append(field)
                specs.append((field, ty, False))
                pairs.append((field, ty))
        ellipsis = self.chance(0.4)
        if ellipsis:
            parts.append("...")
        at = self.name() if self.chance(0.2) else None
        source = "{ " + ", ".join(parts) + " }" + (f"@{at}" if at else "")
        if at:
            pairs.append((at, attrs_type({})))
        return source, pairs, specs, ellipsis

    def call_site(self, specs, ellipsis, scope, depth):
        fields = []
        for field, ty, has_default in specs:
            if has_default and self.chance(0.5):
                continue
            value, _ = self.gen(ty, scope, depth)
            fields.append(f"{field} = {value};")
        if ellipsis and self.chance(0.5):
            extra = self.rng.choice([f for f in FIELDS if f not in [s[0] for s in specs]])
            value, _ = self.literal(self.random_type(0))
            fields.append(f"{attr_name(extra)} = {value};")
        return "{ " + " ".join(fields) + " }" if fields else "{ }"

    def function_formals(self, scope, depth):
        source, pairs, specs, ellipsis = self.formals(scope, depth)
        result_ty = self.random_type(1)
        body, actual = self.gen(result_ty, scope.bind_all(pairs), depth)
        # Stored as a plain value: calls to it are generated right here, wrapped in a set.
        call = self.call_site(specs, ellipsis, scope, depth)
        return f"({source}: {body}) {call}", actual

    def apply_formals(self, want, scope, depth):
        d = depth - 1
        source, pairs, specs, ellipsis = self.formals(scope, d)
        body, ty = self.gen(want, scope.bind_all(pairs), d)
        call = self.call_site(specs, ellipsis, scope, d)
        return f"({source}: {body}) {call}", ty

    # Deliberate faults.

    def fault(self, want, scope, depth):
        kind = self.rng.choice(["missing", "type", "undefined", "assert", "throw", "divzero",
                                "index", "call", "interp", "head"])
        value, _ = self.literal(want)
        if kind == "missing":
            return f"{{ a = {value}; }}.b"
        if kind == "type":
            return f"(1 + \"one\") == {p(value)}"
        if kind == "undefined":
            return f"if true then {value} else undefinedVariable"
        if kind == "assert":
            return f"assert 1 == 2; {value}"
        if kind == "throw":
            return f'throw "{self.rng.choice(MESSAGES)}"'
        if kind == "divzero":
            return f"builtins.seq (7 / (3 - 3)) {p(value)}"
        if kind == "index":
            return f"builtins.elemAt [ {p(value)} ] 1"
        if kind == "call":
            return f"builtins.seq (5 {p(value)}) {p(value)}"
        if kind == "interp":
            return f'builtins.seq "n=${{1}}" {p(value)}'
        return f"builtins.head [ ]"

    # Type-specific forms.

    def gen_int(self, want, scope, depth):
        lim = want[1]
        d = depth - 1
        form = self.rng.choice(["add", "sub", "mul", "div", "length", "elemAt", "sum", "fold",
                                "strlen", "attrcount", "tryEval", "tryEval", "lit"])
        if form in ("add", "sub") and lim >= 2:
            a, ta = self.gen(("int", lim // 2), scope, d)
            b, tb = self.gen(("int", lim // 2), scope, d)
            op = "+" if form == "add" else "-"
            return f"{p(a)} {op} {p(b)}", ("int", ta[1] + tb[1])
        if form == "mul" and lim >= 4:
            small = self.rng.randint(2, min(50, lim))
            a, ta = self.gen(("int", small), scope, d)
            b, tb = self.gen(("int", lim // small), scope, d)
            return f"{p(a)} * {p(b)}", ("int", ta[1] * tb[1])
        if form == "div":
            a, ta = self.gen(("int", lim), scope, d)
            divisor = self.rng.choice([1, 2, 3, 7, 10, -1, -2, -5])
            if self.chance(0.3):
                return f"{self.builtin('div')} {p(a)} {p(str(divisor))}", ta
            divisor_src = f"({divisor})" if divisor < 0 else str(divisor)
            return f"{p(a)} / {divisor_src}", ta
        if form == "length" and lim >= MAX_LIST:
            lst, ty = self.gen(("list", self.random_type(0), 0, MAX_LIST), scope, d)
            return f"{self.builtin('length')} {p(lst)}", ("int", ty[3])
        if form == "elemAt":
            lst, ty = self.gen(("list", ("int", lim), 1, 6), scope, d)
            index = self.rng.randint(0, ty[2] - 1)
            if index == 0 and self.chance(0.5):
                return f"{self.builtin('head')} {p(lst)}", ty[1]
            return f"{self.builtin('elemAt')} {p(lst)} {index}", ty[1]
        if form == "sum" and lim >= 8:
            lst, ty = self.gen(("list", ("int", lim // 8), 0, 8), scope, d)
            return f"{self.builtin(FOLDL)} (acc: x: acc + x) 0 {p(lst)}", ("int", ty[1][1] * ty[3])
        if form == "fold":
            acc, x = self.name(), self.name()
            elem = self.random_type(1)
            lst, lty = self.gen(("list", elem, 0, 6), scope, d)
            init, ity = self.gen(("int", lim), scope, d)
            body, bty = self.gen(("int", lim), scope.bind(acc, ("int", lim)).bind(x, lty[1]), d)
            return (f"{self.builtin(FOLDL)} ({acc}: {x}: {body}) {p(init)} {p(lst)}",
                    ("int", max(ity[1], bty[1])))
        if form == "strlen" and lim >= STRING_LENGTH_BOUND:
            s, _ = self.gen(("string",), scope, d)
            return f"{self.builtin('stringLength')} {p(s)}", ("int", STRING_LENGTH_BOUND)
        if form == "attrcount" and lim >= 12:
            s, ty = self.gen(self.random_type(2) if self.chance(0.3) else attrs_type({}), scope, d)
            if ty[0] != "attrs":
                return self.literal(want)
            names = f"{self.builtin('attrNames')} {p(s)}"
            return f"{self.builtin('length')} ({names})", ("int", len(ty[1]))
        if form == "tryEval":
            return self.try_eval(want, scope, depth)
        return self.leaf(want, scope)

    def try_eval(self, want, scope, depth):
        """`builtins.tryEval` of something that may throw, falling back to a default."""
        d = depth - 1
        value, ty = self.gen(want, scope, d)
        cond, _ = self.gen(("bool",), scope, d)
        default, dty = self.literal(want)
        message = self.rng.choice(MESSAGES)
        inner = self.rng.choice([
            f'if {cond} then throw "{message}" else {value}',
            f"assert {cond}; {value}",
            value,
        ])
        result = self.name()
        try_eval = self.builtin("tryEval")
        if self.chance(0.5):
            return (f"let {result} = {try_eval} ({inner}); in if {result}.success then {result}.value else {p(default)}",
                    self.join(ty, dty, want))
        return (f"if ({try_eval} ({inner})).success then {p(value)} else {p(default)}",
                self.join(ty, dty, want))

    def gen_float(self, want, scope, depth):
        lim = want[1]
        d = depth - 1
        form = self.rng.choice(["add", "sub", "mul", "div", "mixed", "elemAt", "tryEval", "lit"])
        if form in ("add", "sub") and lim >= 2:
            a, ta = self.gen(("float", lim / 2), scope, d)
            b, tb = self.gen(("float", lim / 2), scope, d)
            op = "+" if form == "add" else "-"
            return f"{p(a)} {op} {p(b)}", ("float", ta[1] + tb[1])
        if form == "mul" and lim >= 4:
            small = self.rng.randint(2, min(50, int(lim)))
            a, ta = self.gen(("float", small), scope, d)
            b, tb = self.gen(("float", lim / small), scope, d)
            return f"{p(a)} * {p(b)}", ("float", ta[1] * tb[1])
        if form == "div":
            a, ta = self.gen(("float", lim), scope, d)
            divisor = self.rng.choice(["2", "4.0", "0.5", "3", "(-8)"])
            scale = 1 / 0.5 if divisor == "0.5" else 1
            if ta[1] * scale > lim:
                return self.leaf(want, scope)
            return f"{p(a)} / {divisor}", ("float", ta[1] * scale)
        if form == "mixed" and lim >= 2:
            a, ta = self.gen(("int", int(lim / 2)), scope, d)
            b, tb = self.gen(("float", lim / 2), scope, d)
            op = self.rng.choice(["+", "-", "*"]) if ta[1] * tb[1] <= lim else "+"
            bound = ta[1] * tb[1] if op == "*" else ta[1] + tb[1]
            return f"{p(a)} {op} {p(b)}", ("float", bound)
        if form == "elemAt":
            lst, ty = self.gen(("list", ("float", lim), 1, 5), scope, d)
            return f"{self.builtin('elemAt')} {p(lst)} {self.rng.randint(0, ty[2] - 1)}", ty[1]
        if form == "tryEval":
            return self.try_eval(want, scope, depth)
        return self.leaf(want, scope)

    def gen_bool(self, want, scope, depth):
        d = depth - 1
        form = self.rng.choice(["cmp-int", "cmp-float", "cmp-str", "eq", "not", "and", "or", "impl",
                                "has", "hasAttr", "elem", "is", "any", "success"])
        if form == "cmp-int" or form == "cmp-float":
            kinds = ["int", "float"] if form == "cmp-float" else ["int", "int"]
            self.rng.shuffle(kinds)
            a, _ = self.gen((kinds[0], TOP_INT), scope, d)
            b, _ = self.gen((kinds[1], TOP_INT), scope, d)
            op = self.rng.choice(["<", "<=", ">", ">=", "==", "!="])
            return f"{p(a)} {op} {p(b)}", ("bool",)
        if form == "cmp-str":
            a, _ = self.gen(("string",), scope, d)
            b, _ = self.gen(("string",), scope, d)
            op = self.rng.choice(["<", "<=", ">", ">=", "==", "!="])
            return f"{p(a)} {op} {p(b)}", ("bool",)
        if form == "eq":
            ty = self.random_type(2)
            a, _ = self.gen(ty, scope, d)
            b, _ = self.gen(ty, scope, d)
            return f"{p(a)} {self.rng.choice(['==', '!='])} {p(b)}", ("bool",)
        if form == "not":
            a, _ = self.gen(("bool",), scope, d)
            return f"!{p(a)}", ("bool",)
        if form in ("and", "or", "impl"):
            a, _ = self.gen(("bool",), scope, d)
            b, _ = self.gen(("bool",), scope, d)
            op = {"and": "&&", "or": "||", "impl": "->"}[form]
            return f"{p(a)} {op} {p(b)}", ("bool",)
        if form in ("has", "hasAttr"):
            s, ty = self.gen(self.random_type(2) if self.chance(0.5) else attrs_type({}), scope, d)
            if ty[0] != "attrs":
                return self.leaf(want, scope)
            field = self.rng.choice(FIELDS + [f for f, _ in ty[1]])
            if form == "has":
                return f"{p(s)} ? {attr_name(field)}", ("bool",)
            return f"{self.builtin('hasAttr')} {string_literal(field)} {p(s)}", ("bool",)
        if form == "elem":
            elem = self.random_type(0)
            x, _ = self.gen(elem, scope, d)
            lst, _ = self.gen(("list", elem, 0, 6), scope, d)
            return f"{self.builtin('elem')} {p(x)} {p(lst)}", ("bool",)
        if form == "is":
            ty = self.random_type(1)
            x, _ = self.gen(ty, scope, d)
            test = self.rng.choice(["isInt", "isFloat", "isString", "isBool", "isList", "isAttrs", "isFunction"])
            return f"{self.builtin(test)} {p(x)}", ("bool",)
        if form == "any":
            elem = self.random_type(1)
            lst, _ = self.gen(("list", elem, 0, 6), scope, d)
            x = self.name()
            body, _ = self.gen(("bool",), scope.bind(x, elem), d)
            which = self.rng.choice(["any", "all"])
            return f"{self.builtin(which)} ({x}: {body}) {p(lst)}", ("bool",)
        if form == "success":
            value, _ = self.gen(self.random_type(1), scope, d)
            cond, _ = self.gen(("bool",), scope, d)
            return f'({self.builtin("tryEval")} (if {cond} then throw "no" else {value})).success', ("bool",)
        return self.leaf(want, scope)

    def gen_string(self, want, scope, depth):
        d = depth - 1
        form = self.rng.choice(["interp", "concat", "toString-int", "toString-float", "toString-bool",
                                "toString-list", "sep", "json", "substring", "replace", "typeOf",
                                "indented", "concatStrings", "tryEval"])
        if form == "interp":
            parts = []
            for _ in range(self.rng.randint(1, 3)):
                s, _ = self.gen(("string",), scope, d)
                text = self.rng.choice(WORDS).replace("\\", "\\\\").replace('"', '\\"').replace("${", "\\${")
                text = text.replace("\n", "\\n").replace("\t", "\\t")
                if text.endswith("$"):
                    text = text[:-1] + "\\$"
                parts.append(f"{text}${{{s}}}")
            return '"' + "".join(parts) + '"', ("string",)
        if form == "concat":
            a, _ = self.gen(("string",), scope, d)
            b, _ = self.gen(("string",), scope, d)
            return f"{p(a)} + {p(b)}", ("string",)
        if form.startswith("toString-"):
            inner = {"toString-int": ("int", TOP_INT), "toString-float": ("float", 10 ** 6),
                     "toString-bool": ("bool",),
                     "toString-list": ("list", self.rng.choice([("int", 100), ("string",)]), 0, 4)}[form]
            x, _ = self.gen(inner, scope, d)
            return f"{self.builtin('toString')} {p(x)}", ("string",)
        if form == "sep":
            lst, _ = self.gen(("list", ("string",), 0, 6), scope, d)
            sep = string_literal(self.rng.choice([", ", "", "-", "\n"]))
            return f"{self.builtin('concatStringsSep')} {sep} {p(lst)}", ("string",)
        if form == "concatStrings":
            lst, _ = self.gen(("list", ("int", TOP_INT), 0, 6), scope, d)
            return f"{self.builtin('concatStringsSep')} \"\" ({self.builtin('map')} toString {p(lst)})", ("string",)
        if form == "json":
            x, _ = self.gen(self.random_type(2), scope, d)
            return f"{self.builtin('toJSON')} {p(x)}", ("string",)
        if form == "substring":
            s, _ = self.gen(("string",), scope, d)
            # A byte range that cuts "α" is an intended divergence (Strata's strings are
            # UTF-8: tests/lang/newer/eval-okay-substring-utf8), so the subject is made ASCII.
            s = f"{self.builtin('replaceStrings')} [ \"α\" ] [ \"a\" ] {p(s)}"
            return (f"{self.builtin('substring')} {self.rng.randint(0, 4)} {self.rng.randint(0, 6)} ({s})",
                    ("string",))
        if form == "replace":
            s, _ = self.gen(("string",), scope, d)
            count = self.rng.randint(1, 2)
            froms = [string_literal(self.rng.choice(["a", "x", " ", "nix", "", "${"])) for _ in range(count)]
            tos = [string_literal(self.rng.choice(["A", "", "--", "y"])) for _ in range(count)]
            if '""' in froms:
                # An empty pattern on a non-ASCII subject is an intended divergence
                # (tests/lang/newer/eval-okay-replacestrings-empty-utf8): keep the subject
                # ASCII. (Chosen without drawing, so the programs after this one stay as
                # they were.)
                s = string_literal("a nix b")
            return (f"{self.builtin('replaceStrings')} [ {' '.join(froms)} ] [ {' '.join(tos)} ] {p(s)}",
                    ("string",))
        if form == "typeOf":
            x, _ = self.gen(self.random_type(1), scope, d)
            return f"{self.builtin('typeOf')} {p(x)}", ("string",)
        if form == "indented":
            s, _ = self.gen(("string",), scope, d)
            word = self.rng.choice(["hello", "a  b", "x = 1;", "'quoted'"])
            return f"''\n  {word}\n    ${{{s}}} tail\n''", ("string",)
        if form == "tryEval":
            return self.try_eval(want, scope, depth)
        return self.leaf(want, scope)

    def gen_list(self, want, scope, depth):
        _, elem, lo, hi = want
        d = depth - 1
        form = self.rng.choice(["literal", "concat", "map", "filter", "genList", "sort", "attrNames",
                                "attrValues", "tail", "concatLists"])
        if form == "literal":
            length = self.rng.randint(lo, min(hi, lo + 4))
            items = [self.gen(elem, scope, d) for _ in range(length)]
            return self.list_source([s for s, _ in items]), self.list_type(items, elem, length, length)
        if form == "concat" and hi >= 2:
            split = self.rng.randint(0, hi)
            a, ta = self.gen(("list", elem, max(0, lo - (hi - split)), split), scope, d)
            b, tb = self.gen(("list", elem, max(0, lo - ta[2]), hi - split), scope, d)
            return f"{p(a)} ++ {p(b)}", ("list", self.join(ta[1], tb[1], elem), ta[2] + tb[2], ta[3] + tb[3])
        if form == "map":
            source_elem = self.random_type(1)
            lst, ty = self.gen(("list", source_elem, lo, hi), scope, d)
            x = self.name()
            body, bty = self.gen(elem, scope.bind(x, ty[1]), d)
            return f"{self.builtin('map')} ({x}: {body}) {p(lst)}", ("list", bty, ty[2], ty[3])
        if form == "filter" and lo == 0:
            lst, ty = self.gen(("list", elem, 0, hi), scope, d)
            x = self.name()
            body, _ = self.gen(("bool",), scope.bind(x, ty[1]), d)
            return f"{self.builtin('filter')} ({x}: {body}) {p(lst)}", ("list", ty[1], 0, ty[3])
        if form == "genList":
            n = self.rng.randint(lo, min(hi, lo + 5))
            i = self.name()
            body, bty = self.gen(elem, scope.bind(i, ("int", n)), d)
            return f"{self.builtin('genList')} ({i}: {body}) {n}", ("list", bty, n, n)
        if form == "sort" and elem[0] in ("int", "float", "string"):
            lst, ty = self.gen(want, scope, d)
            op = self.rng.choice(["<", ">"])
            return f"{self.builtin('sort')} (p: q: p {op} q) {p(lst)}", ty
        if form == "attrNames" and elem[0] == "string" and hi >= 1 and lo <= 4:
            count = self.rng.randint(max(lo, 0), min(hi, 4))
            fields = {f: self.random_type(1) for f in self.rng.sample(FIELDS, count)}
            s, ty = self.gen(attrs_type(fields), scope, d)
            n = len(ty[1])
            if not (lo <= n <= hi):
                return self.literal(want)
            return f"{self.builtin('attrNames')} {p(s)}", ("list", ("string",), n, n)
        if form == "attrValues" and hi >= 1 and lo <= 4:
            count = self.rng.randint(max(lo, 0), min(hi, 4))
            fields = self.rng.sample(FIELDS, count)
            values = [self.gen(elem, scope, d) for _ in fields]
            body = " ".join(f"{attr_name(f)} = {s};" for f, (s, _) in zip(fields, values))
            source = "{ " + body + " }" if body else "{ }"
            return f"{self.builtin('attrValues')} {source}", self.list_type(values, elem, count, count)
        if form == "tail" and hi >= 1:
            lst, ty = self.gen(("list", elem, lo + 1, hi + 1), scope, d)
            return f"{self.builtin('tail')} {p(lst)}", ("list", ty[1], ty[2] - 1, ty[3] - 1)
        if form == "concatLists" and hi >= 2:
            split = hi // 2
            a, ta = self.gen(("list", elem, max(0, lo - (hi - split)), split), scope, d)
            b, tb = self.gen(("list", elem, max(0, lo - ta[2]), hi - split), scope, d)
            return (f"{self.builtin('concatLists')} [ {p(a)} {p(b)} ]",
                    ("list", self.join(ta[1], tb[1], elem), ta[2] + tb[2], ta[3] + tb[3]))
        return self.leaf(want, scope)

    def gen_attrs(self, want, scope, depth):
        wanted = fields_of(want)
        d = depth - 1
        form = self.rng.choice(["literal", "literal", "rec", "update", "remove", "listToAttrs",
                                "mapAttrs", "nested"])
        if form == "literal":
            return self.attrs_literal(wanted, scope, d)
        if form == "rec":
            return self.attrs_rec(wanted, scope, d)
        if form == "update":
            left, right = {}, {}
            for field, ty in wanted.items():
                side = self.rng.random()
                if side < 0.4:
                    left[field] = ty
                else:
                    right[field] = ty
                    if side > 0.8:
                        left[field] = self.random_type(1)
            a, ta = self.gen(attrs_type(left), scope, d)
            b, tb = self.gen(attrs_type(right), scope, d)
            merged = fields_of(ta)
            merged.update(fields_of(tb))
            return f"{p(a)} // {p(b)}", attrs_type(merged)
        if form == "remove":
            extra = self.rng.choice(FIELDS)
            if extra in wanted:
                return self.attrs_literal(wanted, scope, d)
            fields = dict(wanted)
            fields[extra] = self.random_type(1)
            s, ty = self.gen(attrs_type(fields), scope, d)
            names = [string_literal(extra)] + ([string_literal("nothere")] if self.chance(0.3) else [])
            remaining = {f: t for f, t in ty[1] if f != extra}
            return f"{self.builtin('removeAttrs')} {p(s)} [ {' '.join(names)} ]", attrs_type(remaining)
        if form == "listToAttrs":
            items, fields = [], {}
            for field, ty in wanted.items():
                value, vty = self.gen(ty, scope, d)
                items.append(f"{{ name = {string_literal(field)}; value = {value}; }}")
                fields[field] = vty
            if items and self.chance(0.4):
                # A later duplicate name loses: listToAttrs keeps the first occurrence.
                duplicate = self.rng.choice(list(wanted))
                value, _ = self.literal(self.random_type(0))
                items.append(f"{{ name = {string_literal(duplicate)}; value = {value}; }}")
            return f"{self.builtin('listToAttrs')} {self.list_source(items)}", attrs_type(fields)
        if form == "mapAttrs":
            types = list(wanted.values())
            if not types or any(t != types[0] for t in types):
                return self.attrs_literal(wanted, scope, d)
            source_ty = self.random_type(0)
            s, sty = self.gen(attrs_type({f: source_ty for f in wanted}), scope, d)
            n, v = self.name(), self.name()
            body_scope = scope.bind(n, ("string",)).bind(v, source_ty)
            body, bty = self.gen(types[0], body_scope, d)
            return (f"{self.builtin('mapAttrs')} ({n}: {v}: {body}) {p(s)}",
                    attrs_type({f: bty for f, _ in sty[1]}))
        if form == "nested":
            return self.attrs_literal(wanted, scope, d, nested=True)
        return self.leaf(want, scope)

    def attrs_literal(self, wanted, scope, depth, nested=False):
        parts, fields = [], {}
        visible = dict(scope.visible())
        for field, ty in wanted.items():
            if field in visible and fits(visible[field], ty) and self.chance(0.7):
                parts.append(f"inherit {field};")
                fields[field] = visible[field]
                continue
            sources = [(n, fields_of(t)[field]) for n, t in visible.items()
                       if t[0] == "attrs" and field in fields_of(t) and fits(fields_of(t)[field], ty)]
            if sources and attr_name(field) == field and self.chance(0.5):
                source, fty = self.rng.choice(sources)
                parts.append(f"inherit ({source}) {field};")
                fields[field] = fty
                continue
            if nested and ty[0] == "attrs" and ty[1]:
                inner = {}
                for sub, sub_ty in ty[1]:
                    value, vty = self.gen(sub_ty, scope, depth)
                    parts.append(f"{attr_name(field)}.{attr_name(sub)} = {value};")
                    inner[sub] = vty
                fields[field] = attrs_type(inner)
                continue
            value, vty = self.gen(ty, scope, depth)
            parts.append(f"{attr_name(field)} = {value};")
            fields[field] = vty
        self.rng.shuffle(parts)
        return ("{ " + " ".join(parts) + " }" if parts else "{ }"), attrs_type(fields)

    def attrs_rec(self, wanted, scope, depth):
        """`rec { ... }` whose fields may refer to fields written before them."""
        parts, fields = [], {}
        # Every field of a `rec` set is in scope in every value, so a field written later (or
        # the one being defined) hides an outer variable of the same name; such references
        # would be recursive, so hide those names rather than risk an infinite recursion.
        inner = scope.hide(set(wanted))
        for field, ty in wanted.items():
            value, vty = self.gen(ty, inner, depth)
            parts.append(f"{attr_name(field)} = {value};")
            fields[field] = vty
            if attr_name(field) == field:
                inner = inner.bind(field, vty)
        if not parts:
            return "rec { }", attrs_type({})
        return "rec { " + " ".join(parts) + " }", attrs_type(fields)


def generate(seed, index):
    rng = random.Random(f"strata-gen-{seed}-{index}")
    faulty = rng.random() < 0.15
    generator = Generator(rng, faulty)
    fields = rng.sample(FIELDS, rng.randint(2, 5))
    want = attrs_type({f: generator.random_type(2, int_bound=TOP_INT) for f in fields})
    if rng.random() < 0.2:
        want = generator.random_type(2, int_bound=TOP_INT)
    depth = rng.randint(3, 5)
    source, _ = generator.gen(want, Scope(), depth)
    header = f"# Generated by tests/gen/gen.py --seed {seed} (program {index}{', faulty' if faulty else ''}).\n"
    return header + source + "\n"


def main():
    parser = argparse.ArgumentParser(description="Generate random closed Nix programs.")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for index in range(args.count):
        path = args.out / f"gen-{args.seed}-{index:04}.nix"
        path.write_text(generate(args.seed, index), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
