#!/usr/bin/env python3
"""Writes random module-system programs for the differential test.

Each program is `lib: ...`: an `evalModules` call over a few random modules
(options of several types, definitions wrapped in `mkIf`, `mkMerge`,
priorities and orders, module functions reading `config`, imports, keys,
`disabledModules`, submodules), whose whole `config` is forced. The test
applies it to Strata's embedded lib (`<strata/lib>`, where the module system
runs natively) and, on `nix-instantiate`, to the same lib's Nix source
(`crates/modules/lib`, where it runs in Nix), and compares the outputs:
both implementations must agree on values, on which programs fail, and on
the order of everything.

    modules.py --seed N --count N --out DIR
"""

import argparse
import os
import random

NAMES = ["a", "b", "c", "d", "e"]

# (type expression, value generator, is a list type)
def types(rnd):
    return [
        # A negative literal is parenthesized: `mkDefault -3` would be a subtraction.
        ("types.int", lambda: (lambda n: f"({n})" if n < 0 else str(n))(rnd.randint(-3, 9)), False),
        ("types.str", lambda: rnd.choice(['"x"', '"y"', '"z"', '""']), False),
        ("types.bool", lambda: rnd.choice(["true", "false"]), False),
        ("(types.listOf types.int)", lambda: "[ " + " ".join(str(rnd.randint(0, 5)) for _ in range(rnd.randint(0, 3))) + " ]", True),
        ("(types.attrsOf types.int)", lambda: "{ " + " ".join(f"{rnd.choice(NAMES)} = {rnd.randint(0, 5)};" for _ in range(rnd.randint(0, 2))) + " }", False),
        ("(types.lazyAttrsOf types.str)", lambda: "{ " + " ".join(f'{rnd.choice(NAMES)} = "{rnd.choice(NAMES)}";' for _ in range(rnd.randint(0, 2))) + " }", False),
        ("(types.nullOr types.int)", lambda: rnd.choice(["null", str(rnd.randint(0, 5))]), False),
        ("(types.either types.int types.str)", lambda: rnd.choice(['"s"', str(rnd.randint(0, 5))]), False),
        ("types.lines", lambda: rnd.choice(['"l1"', '"l2"', '"l3"']), False),
        ('(types.enum [ "p" "q" ])', lambda: rnd.choice(['"p"', '"q"', '"r"']), False),
        ("(types.submodule { options.v = mkOption { type = types.int; default = 0; }; options.w = mkOption { type = types.str; default = \"w\"; }; })",
         lambda: rnd.choice(["{ v = %d; }" % rnd.randint(0, 5), '{ w = "%s"; }' % rnd.choice(NAMES), "{ }"]), False),
        ("(types.attrsOf (types.submodule ({ name, ... }: { options.n = mkOption { type = types.str; default = name; }; options.k = mkOption { type = types.int; default = 1; }; })))",
         lambda: "{ " + " ".join(f"{rnd.choice(NAMES)}.k = {rnd.randint(0, 5)};" for _ in range(rnd.randint(0, 2))) + " }", False),
        ("types.anything", lambda: rnd.choice(["1", '"t"', "{ q = 1; }", "[ 1 ]"]), False),
    ]


def program(rnd):
    kinds = types(rnd)
    options = []  # (path, type index)
    for i in range(rnd.randint(1, 5)):
        path = rnd.choice(NAMES) if rnd.random() < 0.6 else f"{rnd.choice(NAMES)}.{rnd.choice(NAMES)}"
        if any(p == path or p.startswith(path + ".") or path.startswith(p + ".") for p, _ in options):
            continue
        options.append((path, rnd.randrange(len(kinds))))
    if not options:
        options.append(("a", 0))

    def declaration(path, kind):
        texp, gen, _ = kinds[kind]
        parts = [f"type = {texp};"]
        if rnd.random() < 0.5:
            parts.append(f"default = {gen()};")
        if rnd.random() < 0.1:
            parts.append("apply = x: x;")
        return f"options.{path} = mkOption {{ {' '.join(parts)} }};"

    def value(kind, depth=0):
        _, gen, is_list = kinds[kind]
        if rnd.random() < 0.08:
            # A value of some other type, now and then.
            return rnd.choice(kinds)[1]()
        v = gen()
        roll = rnd.random()
        if depth < 2 and roll < 0.15:
            return f"(mkIf {rnd.choice(['true', 'false', 'config._check'])} {value(kind, depth + 1)})"
        if depth < 2 and roll < 0.25:
            return f"(mkMerge [ {value(kind, depth + 1)} {value(kind, depth + 1)} ])"
        if roll < 0.35:
            return f"(mkDefault {v})"
        if roll < 0.42:
            return f"(mkForce {v})"
        if roll < 0.48:
            return f"(mkOverride {rnd.choice([10, 100, 900, 1500])} {v})"
        if is_list and roll < 0.6:
            return f"({rnd.choice(['mkBefore', 'mkAfter'])} {v})"
        return v

    def definitions():
        lines = []
        for path, kind in rnd.sample(options, rnd.randint(0, len(options))):
            lines.append(f"{path} = {value(kind)};")
        if rnd.random() < 0.05:
            lines.append(f"{rnd.choice(NAMES)}z = 1;")  # undeclared: an error
        return " ".join(lines)

    modules = []
    decls = [declaration(p, k) for p, k in options]
    decls.append("options._check = mkOption { type = types.bool; default = true; };")
    # The declarations spread over one or two modules.
    split = rnd.randint(1, len(decls))
    modules.append("{ " + " ".join(decls[:split]) + " }")
    if split < len(decls):
        modules.append("{ " + " ".join(decls[split:]) + " }")
    for i in range(rnd.randint(1, 4)):
        form = rnd.random()
        body = definitions()
        if form < 0.3:
            modules.append("{ " + body + " }")
        elif form < 0.5:
            modules.append("{ config = { " + body + " }; }")
        elif form < 0.7:
            modules.append("({ config, lib, ... }: { " + body + " })")
        elif form < 0.8:
            modules.append("{ imports = [ { " + body + " } ({ ... }: { " + definitions() + " }) ]; }")
        elif form < 0.9:
            key = rnd.choice(["k1", "k2"])
            modules.append('{ key = "' + key + '"; ' + body + " }")
        else:
            modules.append('{ disabledModules = [ "k1" ]; ' + body + " }")
    rnd.shuffle(modules)
    return (
        "lib:\nlet\n  inherit (lib) mkOption types mkIf mkMerge mkDefault mkForce mkOverride mkBefore mkAfter;\n"
        "  eval = lib.evalModules {\n    modules = [\n      "
        + "\n      ".join(modules)
        + "\n    ];\n  };\n"
        # Each option on its own, in name order: `deepSeq` on the whole
        # set would force the attributes in Nix's internal order (symbol
        # creation), which decides which of two errors comes first.
        "in\nmap (n: { inherit n; v = builtins.tryEval (builtins.deepSeq eval.config.${n} eval.config.${n}); })\n"
        "  (builtins.attrNames eval.config)\n"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rnd = random.Random(args.seed)
    width = len(str(args.count))
    for index in range(args.count):
        with open(os.path.join(args.out, f"m{index:0{width}}.nix"), "w") as out:
            out.write(program(rnd))


if __name__ == "__main__":
    main()
