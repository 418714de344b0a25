//! Hostile inputs against the built `strata` binary: none may crash, panic or
//! hang. Each case checks the exit code (1 for an error, never a signal), that
//! the error is positioned (`FILE:LINE:COLUMN`) and that stderr carries no
//! panic or stack-overflow text from Rust itself.
//!
//! The cases that used to hang or crash, found by review or by the fuzz
//! targets in `fuzz/` (see FUZZING.md), are kept here as regressions. Memory
//! bombs that take more than a few seconds (`builtins.genList (x: x)
//! 100000000` needs about 8 GB and half a minute) are deliberately left out.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Generous: a debug build on a loaded machine. Every case here takes well
/// under a second except runaway recursion, which fills the 4 GiB evaluation
/// stack before the evaluator stops it.
const TIMEOUT: Duration = Duration::from_secs(120);

fn strata() -> &'static str {
    env!("CARGO_BIN_EXE_strata")
}

/// A scratch file for a test's input: `name` in a directory all runs
/// share, prefixed by this process's id. A test removes it when its checks
/// pass (see [`done_with`]) and leaves it behind for a look when they fail.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join("strata-robustness");
    std::fs::create_dir_all(&dir).expect("creating the scratch directory");
    dir.join(format!("{}-{name}", std::process::id()))
}

/// Removes a [`scratch`] file once its test's checks passed.
fn done_with(path: &Path) {
    let _ = std::fs::remove_file(path);
}

/// Runs `strata ARGS` with `stdin` as standard input, killing it after
/// [`TIMEOUT`].
fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(strata())
        .args(args)
        .env_remove("NIX_PATH")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting strata");
    let mut pipe = child.stdin.take().expect("stdin pipe");
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        // strata may exit before reading everything; that is not a failure.
        let _ = pipe.write_all(&input);
    });
    // Drain stdout and stderr while waiting, so a large output cannot block.
    let stdout = child.stdout.take().expect("stdout pipe");
    let stderr = child.stderr.take().expect("stderr pipe");
    let read_all = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = read_all(Box::new(stdout));
    let stderr = read_all(Box::new(stderr));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for strata") {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("strata {args:?} did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = writer.join();
    Output { status, stdout: stdout.join().unwrap_or_default(), stderr: stderr.join().unwrap_or_default() }
}

/// Fails if the process died of a signal or printed Rust's own crash text.
fn assert_no_crash(what: &str, output: &Output) {
    use std::os::unix::process::ExitStatusExt;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.signal().is_none(),
        "{what}: killed by signal {:?}; stderr:\n{}",
        output.status.signal(),
        tail(&stderr)
    );
    for crash_text in ["panicked", "RUST_BACKTRACE", "has overflowed its stack", "SIGSEGV", "core dumped"] {
        assert!(!stderr.contains(crash_text), "{what}: stderr mentions '{crash_text}':\n{}", tail(&stderr));
    }
}

/// The end of a long text, for failure messages.
fn tail(text: &str) -> &str {
    let start = text.len().saturating_sub(2000);
    let start = (start..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
    &text[start..]
}

/// Writes `source` to a file, evaluates it with `strata eval`, and checks
/// for exit code 1, an error mentioning every one of `expected`, and a
/// `FILE:LINE:COLUMN` position in that file.
fn check_eval_error(name: &str, source: &[u8], expected: &[&str]) {
    let path = scratch(&format!("{name}.nix"));
    std::fs::write(&path, source).expect("writing the input file");
    let output = run(&["eval", path.to_str().expect("UTF-8 temp path")], b"");
    assert_no_crash(name, &output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{name}: exit status; stderr:\n{}", tail(&stderr));
    assert!(stderr.starts_with("error:"), "{name}: no error message:\n{}", tail(&stderr));
    for text in expected {
        assert!(stderr.contains(text), "{name}: error lacks '{text}':\n{}", tail(&stderr));
    }
    assert_positioned(name, &stderr, &path);
    done_with(&path);
}

/// Checks that `stderr` names `path:LINE:COLUMN`.
fn assert_positioned(name: &str, stderr: &str, path: &Path) {
    let prefix = format!("{}:", path.display());
    let positioned = stderr.match_indices(&prefix).any(|(at, _)| {
        let rest = &stderr[at + prefix.len()..];
        let mut parts = rest.splitn(3, ':');
        let line = parts.next().unwrap_or("");
        let column = parts.next().unwrap_or("");
        !line.is_empty()
            && line.bytes().all(|b| b.is_ascii_digit())
            && column.bytes().next().is_some_and(|b| b.is_ascii_digit())
    });
    assert!(positioned, "{name}: error is not positioned at {prefix}LINE:COLUMN:\n{}", tail(stderr));
}

/// Evaluates `source` and checks it succeeds with `expected` as the output.
fn check_eval_ok(name: &str, source: &[u8], expected: impl Fn(&str) -> bool) {
    let path = scratch(&format!("{name}.nix"));
    std::fs::write(&path, source).expect("writing the input file");
    let output = run(&["eval", "--strict", path.to_str().expect("UTF-8 temp path")], b"");
    assert_no_crash(name, &output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{name}: exit status; stderr:\n{}", tail(&stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(expected(&stdout), "{name}: unexpected output:\n{}", tail(&stdout));
    done_with(&path);
}

fn nested(open: &str, middle: &str, close: &str, depth: usize) -> Vec<u8> {
    format!("{}{middle}{}", open.repeat(depth), close.repeat(depth)).into_bytes()
}

const DEEP: usize = 100_000;

#[test]
fn deep_parentheses() {
    check_eval_error("parens", &nested("(", "1", ")", DEEP), &["nested too deeply"]);
}

#[test]
fn deep_lists() {
    // Used to run for minutes: rnix recurses on list items without counting
    // and rowan rehashes the nested nodes quadratically.
    check_eval_error("lists", &nested("[", "", "]", DEEP), &["nested too deeply"]);
}

#[test]
fn deep_attribute_sets() {
    check_eval_error("attrsets", &nested("{ a = ", "1", "; }", DEEP), &["nested too deeply"]);
}

#[test]
fn deep_lets() {
    check_eval_error("lets", &nested("let a = 1; in ", "a", "", DEEP), &["nested too deeply"]);
}

#[test]
fn deep_interpolation() {
    check_eval_error("interpolation", &nested("\"${", "\"x\"", "}\"", DEEP), &["nested too deeply"]);
}

#[test]
fn self_reference() {
    check_eval_error("self-reference", b"let x = x; in x", &["infinite recursion encountered"]);
}

#[test]
fn runaway_function_recursion() {
    // Ends when the evaluation stack is (nearly) full: "stack overflow".
    let path_name = "runaway-call";
    let path = scratch(&format!("{path_name}.nix"));
    std::fs::write(&path, b"let f = x: f x; in f 1").expect("writing the input file");
    let output = run(&["eval", path.to_str().expect("UTF-8 temp path")], b"");
    assert_no_crash(path_name, &output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr:\n{}", tail(&stderr));
    assert!(
        stderr.contains("stack overflow") || stderr.contains("infinite recursion"),
        "no recursion error:\n{}",
        tail(&stderr)
    );
    assert_positioned(path_name, &stderr, &path);
    done_with(&path);
}

#[test]
fn invalid_utf8() {
    // The CLI's `parse` reports line and column; `eval` (through `import`)
    // reports the byte offset.
    let source = b"{\n  a = \"abc\xff\xfe\";\n}\n";
    let path = scratch("invalid-utf8.nix");
    std::fs::write(&path, source).expect("writing the input file");
    let output = run(&["parse", path.to_str().expect("UTF-8 temp path")], b"");
    assert_no_crash("invalid-utf8 parse", &output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr:\n{stderr}");
    assert!(stderr.contains("not valid UTF-8"), "{stderr}");
    assert!(stderr.contains(&format!("{}:2:11", path.display())), "{stderr}");

    let output = run(&["eval", path.to_str().expect("UTF-8 temp path")], b"");
    assert_no_crash("invalid-utf8 eval", &output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr:\n{stderr}");
    assert!(stderr.contains("not valid UTF-8") && stderr.contains("byte 12"), "{stderr}");

    let output = run(&["parse", "-"], source);
    assert_no_crash("invalid-utf8 stdin", &output);
    assert_eq!(output.status.code(), Some(1));
    done_with(&path);
}

#[test]
fn unterminated_string() {
    check_eval_error("unterminated-string", b"{ a = \"abc;\n}\n", &["syntax error"]);
}

#[test]
fn unterminated_indented_string() {
    check_eval_error("unterminated-indented-string", b"{ a = ''abc;\n}\n", &["syntax error"]);
}

#[test]
fn unterminated_comment() {
    check_eval_error("unterminated-comment", b"1 + /* never closed\n", &["syntax error"]);
}

#[test]
fn unterminated_interpolation() {
    check_eval_error("unterminated-interpolation", b"\"a ${b", &["syntax error"]);
}

#[test]
fn nul_bytes() {
    check_eval_error("nul", b"1 +\0 2", &["syntax error"]);
    check_eval_error("nul-in-string", b"\"a\0b\" + 1", &[]);
}

#[test]
fn ten_megabyte_line() {
    // One 10 MB string literal: a value, quickly.
    let mut source = Vec::with_capacity(10_000_002);
    source.push(b'"');
    source.resize(10_000_001, b'a');
    source.push(b'"');
    check_eval_ok("long-string", &source, |out| out.len() == 10_000_003);
    // 10 MB of `1 + 1 + …`: a left-nested sum too deep to lower.
    let sum = format!("1{}", " + 1".repeat(2_500_000));
    check_eval_error("long-sum", sum.as_bytes(), &["nested too deeply"]);
    // 10 MB of `1+1+…` without spaces: rnix's tokenizer would be quadratic
    // on it, so it is rejected first, quickly, with a short excerpt.
    let dense = format!("1{}", "+1".repeat(5_000_000));
    check_eval_error("dense-sum", dense.as_bytes(), &["characters without a space"]);
}

#[test]
fn deep_json() {
    // Either a value or a positioned error; never a crash.
    let json = format!("{}{}", "[".repeat(DEEP), "]".repeat(DEEP));
    let source = format!("builtins.length (builtins.fromJSON \"{json}\")");
    let path = scratch("deep-json.nix");
    std::fs::write(&path, source).expect("writing the input file");
    let output = run(&["eval", path.to_str().expect("UTF-8 temp path")], b"");
    assert_no_crash("deep-json", &output);
    match output.status.code() {
        Some(0) => assert_eq!(String::from_utf8_lossy(&output.stdout), "1\n"),
        Some(1) => assert_positioned("deep-json", &String::from_utf8_lossy(&output.stderr), &path),
        other => panic!("deep-json: exit status {other:?}"),
    }
    done_with(&path);
}

#[test]
fn deep_values_at_run_time() {
    // Values nested far deeper than any source: printing, forcing and
    // comparing them recurse on the Rust stack.
    let build = "let f = n: if n == 0 then [] else [ (f (n - 1)) ]; in";
    check_eval_ok("deep-value-eq", format!("{build} f 200000 == f 200000").as_bytes(), |out| out == "true\n");
    check_eval_ok("deep-value-print", format!("{build} f 200000").as_bytes(), |out| out.starts_with("[ [ [ "));
    check_eval_ok("deep-value-json", format!("{build} builtins.toJSON (f 200000)").as_bytes(), |out| {
        out.starts_with("\"[[[")
    });
}

/// Inputs that hung or crashed before, found by the fuzz targets or by
/// review (see FUZZING.md); each must now end quickly with a positioned error.
#[test]
fn regressions() {
    let cases: &[(&str, String)] = &[
        // Unary minus and `!` recurse in rnix without its depth counter.
        ("negations", format!("{}1", "-".repeat(DEEP))),
        ("inversions", format!("{}true", "!".repeat(DEEP))),
        // Right-associative chains recurse too; left-associative ones and
        // applications build trees rowan hashes quadratically.
        ("concat-chain", format!("[]{}", " ++ []".repeat(DEEP))),
        ("update-chain", format!("{{}}{}", "//{}".repeat(DEEP))),
        ("application", format!("f{}", " x".repeat(DEEP))),
        ("or-chain", format!("a.b{}", " or a.b".repeat(DEEP))),
    ];
    for (name, source) in cases {
        // A long run of `-` is caught even earlier, as a run of
        // identifier/path characters without a break.
        let expected = if *name == "negations" { "characters without a space" } else { "nested too deeply" };
        check_eval_error(name, source.as_bytes(), &[expected]);
    }
}

/// Token soup from a fixed seed: `strata parse -` must exit 0 or 1 on each.
#[test]
fn token_soup() {
    const TOKENS: &[&str] = &[
        "let ",
        "in ",
        "rec ",
        "with ",
        "inherit ",
        "if ",
        "then ",
        "else ",
        "assert ",
        "or ",
        "x",
        "y",
        "f",
        "a.b",
        "1",
        "2.5",
        "-",
        "+",
        "*",
        "/",
        "//",
        "++",
        "==",
        "!=",
        "<",
        ">",
        "<=",
        ">=",
        "&&",
        "||",
        "->",
        "!",
        "?",
        "@",
        ":",
        ";",
        ",",
        ".",
        "=",
        "...",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        "\"",
        "${",
        "''",
        "'''",
        "''$",
        "\\",
        "\n",
        " ",
        "# c\n",
        "/*",
        "*/",
        "./p",
        "/abs",
        "~/h",
        "<nixpkgs>",
        "http://u",
        "é",
        "\u{0}",
        "9223372036854775808",
        "__curPos",
        "builtins",
        "true",
        "null",
        "|>",
        "<|",
        "\t",
        "\r",
    ];
    let mut state: u64 = 0x5eed_2024;
    let mut next = move || {
        // Knuth's MMIX linear congruential generator.
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    let soups: Vec<Vec<u8>> = (0..2000)
        .map(|_| {
            let length = next() % 40;
            let mut soup = Vec::new();
            for _ in 0..length {
                if next() % 50 == 0 {
                    soup.push((next() % 256) as u8);
                } else {
                    soup.extend_from_slice(TOKENS[next() % TOKENS.len()].as_bytes());
                }
            }
            soup
        })
        .collect();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).min(8);
    let chunk = soups.len().div_ceil(workers);
    std::thread::scope(|scope| {
        for (index, part) in soups.chunks(chunk).enumerate() {
            scope.spawn(move || {
                for (offset, soup) in part.iter().enumerate() {
                    let name = format!("soup #{}: {:?}", index * chunk + offset, String::from_utf8_lossy(soup));
                    let output = run(&["parse", "-"], soup);
                    assert_no_crash(&name, &output);
                    let code = output.status.code();
                    assert!(code == Some(0) || code == Some(1), "{name}: exit status {code:?}");
                }
            });
        }
    });
}
