//! The fixtures are what the standard modules render: `tests/fixtures/genN.nix`
//! evaluated with `<strata/nixos/module-list.nix>` and the standard-module tests' stand-in `pkgs` (`crates/modules/tests/nixos/pkgs.nix`)
//! gives `genN.json` (`rendered` = `config.system.build.strata`, `options` =
//! every option the fixture files define, with value and definition sites).
//! When the modules change what they render, this test fails;
//! `UPDATE_EXPECT=1` rewrites the fixtures (and the sequence snapshots then
//! need the same).

mod common;

use eval::io::StdIO;
use eval::{EvalOptions, Evaluator, Value};

fn render_fixture(name: &str) -> serde_json::Value {
    let dir = common::FIXTURES.to_string();
    let name = name.to_string();
    let worker = std::thread::Builder::new().stack_size(512 << 20).spawn(move || {
        let source = format!(
            "let lib = import <strata/lib>;
             in lib.evalModules {{
               modules = import <strata/nixos/module-list.nix> ++ [ ./{name}.nix ];
               specialArgs = {{ pkgs = import ../../../modules/tests/nixos/pkgs.nix; modulesPath = <strata/nixos>; }};
             }}"
        );
        let options = EvalOptions { builtin_search_path: vec![modules::search_path_entry()], ..EvalOptions::default() };
        let ev = Evaluator::new(options, Box::new(modules::LibIO::new(StdIO)));
        let fail = |e: eval::EvalError| -> ! { panic!("{}", ev.render_error(&e, false)) };
        let machine = ev.eval_source("«fixture»", &source, &dir).and_then(|v| ev.force(&v)).unwrap_or_else(|e| fail(e));
        let apply = |expr: &str| -> Value {
            let function = ev.eval_source("«query»", expr, &dir).unwrap_or_else(|e| fail(e));
            ev.call(&function, machine.clone(), syntax::ast::Pos::NONE)
                .and_then(|v| ev.force(&v))
                .unwrap_or_else(|e| fail(e))
        };
        let json = |expr: &str| -> serde_json::Value {
            match apply(&format!("machine: builtins.toJSON ({expr})")) {
                Value::String(text) => serde_json::from_str(text.as_str()).unwrap(),
                _ => panic!("toJSON gave no string"),
            }
        };
        let rendered = json("machine.config.system.build.strata");
        let options_value = apply("machine: machine.options");
        let mut snapshot = Vec::new();
        for path in modules::provenance::list_options(&ev, &options_value).unwrap_or_else(|e| fail(e)) {
            if path[0] == "_module" {
                continue;
            }
            let parts: Vec<&str> = path.iter().map(String::as_str).collect();
            let Ok(provenance) = modules::provenance::explain(&ev, &options_value, &parts) else { continue };
            let prefix = format!("{dir}/");
            let definitions: Vec<serde_json::Value> = provenance
                .definitions
                .iter()
                .filter(|d| d.file.starts_with(&prefix) && d.is_used(&provenance))
                .map(|d| {
                    serde_json::json!({ "file": d.file.strip_prefix(&prefix).unwrap(), "line": d.line.unwrap_or(0),
                        "column": d.column.unwrap_or(0), "priority": d.priority })
                })
                .collect();
            if definitions.is_empty() {
                continue;
            }
            let attribute = path.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(".");
            let value = json(&format!("machine.config.{attribute}"));
            snapshot.push(serde_json::json!({ "path": path.join("."), "value": value, "definitions": definitions }));
        }
        serde_json::json!({ "rendered": rendered, "options": snapshot })
    });
    worker.unwrap().join().unwrap()
}

#[test]
fn fixtures_are_what_the_standard_modules_render() {
    for name in ["gen0", "gen1", "gen2"] {
        let actual = serde_json::to_string_pretty(&render_fixture(name)).unwrap() + "\n";
        let path = format!("{}/{name}.json", common::FIXTURES);
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap();
        if expected != actual {
            let diff = similar::TextDiff::from_lines(expected.as_str(), actual.as_str())
                .unified_diff()
                .header("fixture", "modules now")
                .to_string();
            panic!("{name}.json is no longer what the standard modules render (UPDATE_EXPECT=1 to refresh):\n{diff}");
        }
    }
}
