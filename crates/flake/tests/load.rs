//! Loading `flake.nix` and `default.nix` without fetched inputs: outputs,
//! `self`, the built-in input and the errors.

mod common;

use common::*;
use flake::{Error, Kind};

fn load_err(dir: &TempDir) -> String {
    let ev = evaluator();
    let strata = strata_builtin(&ev);
    match flake::load(&ev, dir.path(), &[("strata", strata)]) {
        Ok(_) => panic!("loading succeeded"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn flake_outputs_see_self_and_builtin_strata() {
    let dir = TempDir::new("self");
    dir.write(
        "flake.nix",
        r#"{
  description = "a fleet";
  inputs = { };
  outputs = { self, strata }: {
    answer = strata.lib.answer;
    twice = self.answer * 2;
    selfType = self._type;
    hasOutPath = builtins.isString self.outPath;
  };
}
"#,
    );
    let ev = evaluator();
    let strata = strata_builtin(&ev);
    let loaded = flake::load(&ev, dir.path(), &[("strata", strata)]).unwrap();
    assert_eq!(loaded.kind, Kind::Flake);
    assert_eq!(loaded.description.as_deref(), Some("a fleet"));
    assert_eq!(json_at(&ev, &loaded.outputs, "answer"), "42");
    assert_eq!(json_at(&ev, &loaded.outputs, "twice"), "84");
    assert_eq!(json_at(&ev, &loaded.outputs, "selfType"), r#""flake""#);
    assert_eq!(json_at(&ev, &loaded.outputs, "hasOutPath"), "true");
    assert_eq!(json_at(&ev, &loaded.self_value, "outPath"), format!("\"{}\"", dir.path().display()));
    assert_eq!(names(&ev, &loaded.outputs), ["answer", "hasOutPath", "selfType", "twice"]);
    assert!(loaded.lock.is_none());
}

#[test]
fn builtin_is_passed_only_when_accepted() {
    let dir = TempDir::new("noaccept");
    dir.write("flake.nix", "{ outputs = { self }: { x = 1; }; }");
    let ev = evaluator();
    let strata = strata_builtin(&ev);
    let loaded = flake::load(&ev, dir.path(), &[("strata", strata)]).unwrap();
    assert_eq!(json_at(&ev, &loaded.outputs, "x"), "1");

    let dir = TempDir::new("ellipsis");
    dir.write("flake.nix", "{ outputs = { self, ... }@inputs: { names = builtins.attrNames inputs; }; }");
    let strata = strata_builtin(&ev);
    let loaded = flake::load(&ev, dir.path(), &[("strata", strata)]).unwrap();
    assert_eq!(json_at(&ev, &loaded.outputs, "names"), r#"["self","strata"]"#);
}

#[test]
fn declared_builtin_input_is_not_locked() {
    let dir = TempDir::new("declared-builtin");
    dir.write(
        "flake.nix",
        r#"{
  inputs.strata.url = "github:example/strata";
  outputs = { self, strata }: { answer = strata.lib.answer; };
}"#,
    );
    let ev = evaluator();
    let strata = strata_builtin(&ev);
    let loaded = flake::load(&ev, dir.path(), &[("strata", strata)]).unwrap();
    assert_eq!(json_at(&ev, &loaded.outputs, "answer"), "42");
}

#[test]
fn default_nix_as_set_and_as_function() {
    let dir = TempDir::new("default-set");
    dir.write("default.nix", "{ nixosConfigurations = { web = 1; }; }");
    let ev = evaluator();
    let strata = strata_builtin(&ev);
    let loaded = flake::load(&ev, dir.path(), &[("strata", strata.clone())]).unwrap();
    assert_eq!(loaded.kind, Kind::DefaultNix);
    assert_eq!(json_at(&ev, &loaded.outputs, "nixosConfigurations.web"), "1");

    let dir = TempDir::new("default-fn");
    dir.write("default.nix", "{ strata }: { answer = strata.lib.answer; }");
    let loaded = flake::load(&ev, dir.path(), &[("strata", strata.clone())]).unwrap();
    assert_eq!(json_at(&ev, &loaded.outputs, "answer"), "42");

    let dir = TempDir::new("default-self");
    dir.write("default.nix", "{ self, ... }@args: { a = 1; b = self.a + 1; args = builtins.attrNames args; }");
    let loaded = flake::load(&ev, dir.path(), &[("strata", strata)]).unwrap();
    assert_eq!(json_at(&ev, &loaded.outputs, "b"), "2");
    assert_eq!(json_at(&ev, &loaded.outputs, "args"), r#"["self","strata"]"#);
}

#[test]
fn flake_nix_wins_over_default_nix() {
    let dir = TempDir::new("both");
    dir.write("default.nix", "{ from = \"default\"; }");
    dir.write("flake.nix", "{ outputs = _: { from = \"flake\"; }; }");
    let ev = evaluator();
    let loaded = flake::load(&ev, dir.path(), &[]).unwrap();
    assert_eq!(json_at(&ev, &loaded.outputs, "from"), r#""flake""#);
}

#[test]
fn missing_files_are_reported() {
    let dir = TempDir::new("empty");
    let message = load_err(&dir);
    assert!(message.contains("has neither a flake.nix nor a default.nix"), "{message}");
    let ev = evaluator();
    assert!(matches!(flake::load(&ev, dir.path(), &[]), Err(Error::NoFlake { .. })));
}

#[test]
fn syntax_errors_are_positioned() {
    let dir = TempDir::new("syntax");
    dir.write("flake.nix", "{\n  outputs = _: { x = ; };\n}\n");
    let message = load_err(&dir);
    assert!(message.contains(&format!("{}:2:", dir.join("flake.nix").display())), "{message}");
}

#[test]
fn outputs_must_be_a_function() {
    let dir = TempDir::new("notfn");
    dir.write("flake.nix", "{\n  outputs = { x = 1; };\n}\n");
    let message = load_err(&dir);
    assert!(message.contains("the `outputs` of flake"), "{message}");
    assert!(message.contains("is a set, but it must be a function"), "{message}");
    assert!(message.contains(&format!("{}:2:3", dir.join("flake.nix").display())), "{message}");
}

#[test]
fn missing_outputs_and_unknown_attributes() {
    let dir = TempDir::new("nooutputs");
    dir.write("flake.nix", "{ description = \"x\"; }");
    assert!(load_err(&dir).contains("the flake has no `outputs` attribute"));

    let dir = TempDir::new("unknownattr");
    dir.write("flake.nix", "{\n  outputs = _: { };\n  output = 1;\n}\n");
    let message = load_err(&dir);
    assert!(message.contains("unsupported attribute 'output'"), "{message}");
    assert!(message.contains(":3:3"), "{message}");
}

#[test]
fn undeclared_input_in_outputs_is_an_error() {
    let dir = TempDir::new("undeclared");
    dir.write("flake.nix", "{\n  outputs = { self, nixpkgs }: { };\n}\n");
    let message = load_err(&dir);
    assert!(message.contains("take the input 'nixpkgs', which is not declared"), "{message}");
    assert!(message.contains(":2:21"), "{message}");
}

#[test]
fn unlocked_input_asks_for_a_lock() {
    let dir = TempDir::new("unlocked");
    dir.write("sub/flake.nix", "{ outputs = _: { }; }");
    dir.write("flake.nix", "{\n  inputs.sub.url = \"path:./sub\";\n  outputs = { self, sub }: { };\n}\n");
    let message = load_err(&dir);
    assert!(message.contains("input 'sub' is not locked"), "{message}");
    assert!(message.contains("strata flake lock"), "{message}");
}

#[test]
fn outputs_returning_a_non_set_is_an_error() {
    let dir = TempDir::new("nonset");
    dir.write("flake.nix", "{\n  outputs = _: [ ];\n}\n");
    let message = load_err(&dir);
    assert!(message.contains("the outputs must be an attribute set"), "{message}");
    assert!(message.contains(":2:3"), "{message}");
}

#[test]
fn evaluation_errors_in_inputs_declarations_are_positioned() {
    let dir = TempDir::new("badinput");
    dir.write("flake.nix", "{\n  inputs.sub = \"path:./sub\";\n  outputs = _: { };\n}\n");
    let message = load_err(&dir);
    assert!(message.contains("input 'sub' is a string, but it must be an attribute set"), "{message}");
    assert!(message.contains(":2:"), "{message}");

    let dir = TempDir::new("github");
    dir.write("flake.nix", "{\n  inputs.nixpkgs.url = \"github:NixOS/nixpkgs\";\n  outputs = _: { };\n}\n");
    let message = load_err(&dir);
    assert!(message.contains("input type 'github'"), "{message}");
}

#[test]
fn an_input_cannot_be_called_self() {
    let dir = TempDir::new("selfinput");
    dir.write("flake.nix", "{\n  inputs.self.url = \"path:./x\";\n  outputs = _: { };\n}\n");
    let message = load_err(&dir);
    assert!(message.contains("an input cannot be called 'self'"), "{message}");
    assert!(message.contains(":2:"), "{message}");
}
