//! Shared machinery of the `lang` and `differential` harnesses: finding the
//! cases under `tests/lang/`, reading their side files (`.exp`, `.flags`,
//! `# error:` headers, `divergences.toml`) and running a program on a case
//! with a timeout.
//!
//! File conventions are documented in `tests/lang/README.md`.

#![allow(dead_code)] // Each harness uses a different subset.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The value `HOME` is set to for every child, so that `~/x` paths print the
/// same on every machine (and the same as in the `.exp` files).
pub const TEST_HOME: &str = "/homeless-shelter";

/// Default per-case time limit; `STRATA_TEST_TIMEOUT` (seconds) overrides it.
const DEFAULT_TIMEOUT_SECS: u64 = 20;

/// What a case file asserts, decided by its file name prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `eval-okay-*.nix`: exit 0 and stdout equal to the `.exp` file.
    EvalOkay,
    /// `eval-fail-*.nix`: exit 1 and stderr containing every `# error:` text.
    EvalFail,
    /// `parse-okay-*.nix`: `strata parse` exits 0.
    ParseOkay,
    /// `parse-fail-*.nix`: `strata parse` and `strata eval` exit 1.
    ParseFail,
}

/// One `.nix` file of the corpus.
#[derive(Clone, Debug)]
pub struct Case {
    pub kind: Kind,
    /// Path relative to `tests/lang/` without `.nix`, with `/` separators,
    /// e.g. `eval-okay-let` or `newer/eval-okay-warn`. This is the key used
    /// in `divergences.toml`.
    pub id: String,
    /// Absolute path of the `.nix` file.
    pub path: PathBuf,
    /// True for cases under `notyetpassing/`, which must fail.
    pub not_yet_passing: bool,
}

impl Case {
    /// The libtest name, e.g. `lang::eval-okay-let`, `lang::newer::eval-okay-warn`.
    pub fn test_name(&self, prefix: &str) -> String {
        format!("{prefix}::{}", self.id.replace('/', "::"))
    }

    /// The directory the case runs in (so relative paths and `-I` flags resolve).
    pub fn dir(&self) -> &Path {
        self.path.parent().expect("a case file has a parent directory")
    }

    /// The bare file name, passed as the file argument.
    pub fn file_name(&self) -> OsString {
        self.path.file_name().expect("a case has a file name").to_os_string()
    }

    /// Extra command-line flags from the optional `.flags` file (one line,
    /// shell-style quoting).
    pub fn flags(&self) -> Result<Vec<String>, String> {
        let flags_path = self.path.with_extension("flags");
        match std::fs::read_to_string(&flags_path) {
            Ok(text) => shlex::split(text.trim()).ok_or_else(|| format!("{}: unbalanced quotes", flags_path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(format!("cannot read {}: {e}", flags_path.display())),
        }
    }

    /// The expected stdout of an `eval-okay` case, as bytes: Nix can print
    /// strings that are not valid UTF-8 (e.g. `substring 0 1 "é"`).
    pub fn expected_stdout(&self) -> Result<Vec<u8>, String> {
        let exp = self.path.with_extension("exp");
        std::fs::read(&exp).map_err(|e| format!("cannot read {}: {e}", exp.display()))
    }

    /// The substrings from the leading `# error: TEXT` comment lines.
    pub fn expected_errors(&self) -> Result<Vec<String>, String> {
        let text =
            std::fs::read_to_string(&self.path).map_err(|e| format!("cannot read {}: {e}", self.path.display()))?;
        Ok(error_headers(&text))
    }
}

/// The `TEXT`s of the `# error: TEXT` lines in the leading comment block.
pub fn error_headers(source: &str) -> Vec<String> {
    source
        .lines()
        .take_while(|line| line.trim_start().starts_with('#'))
        .filter_map(|line| line.trim_start().strip_prefix("# error:"))
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
        .collect()
}

/// `tests/lang/` at the workspace root.
pub fn lang_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/lang")
}

/// Every case under `tests/lang/`, sorted by id. `lib/` (files imported by
/// cases) and files without a known prefix are not cases.
pub fn collect_cases() -> Vec<Case> {
    let root = lang_dir().canonicalize().unwrap_or_else(|e| panic!("cannot find tests/lang: {e}"));
    let mut cases = Vec::new();
    walk(&root, &root, &mut cases);
    cases.sort_by(|a, b| a.id.cmp(&b.id));
    cases
}

fn walk(root: &Path, dir: &Path, cases: &mut Vec<Case>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read directory {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        let rel = path.strip_prefix(root).expect("under root").to_string_lossy().replace('\\', "/");
        if path.is_dir() {
            // `lib/` holds files imported by cases, at any depth.
            if path.file_name().is_some_and(|n| n == "lib") {
                continue;
            }
            walk(root, &path, cases);
            continue;
        }
        let Some(id) = rel.strip_suffix(".nix") else { continue };
        let name = path.file_name().expect("file name").to_string_lossy().into_owned();
        let kind = if name.starts_with("eval-okay-") {
            Kind::EvalOkay
        } else if name.starts_with("eval-fail-") {
            Kind::EvalFail
        } else if name.starts_with("parse-okay-") {
            Kind::ParseOkay
        } else if name.starts_with("parse-fail-") {
            Kind::ParseFail
        } else {
            continue;
        };
        cases.push(Case { kind, id: id.to_owned(), not_yet_passing: id.starts_with("notyetpassing/"), path });
    }
}

/// The lists of `tests/lang/divergences.toml`, each case id → reason.
pub struct Divergences {
    /// `[[divergence]]`: cases whose output differs from Nix on purpose.
    pub skipped: BTreeMap<String, String>,
    /// `[[message-divergence]]`: cases whose output agrees with Nix but
    /// whose error message does not.
    pub messages: BTreeMap<String, String>,
    /// `[[position-divergence]]`: failing cases whose error names another
    /// position than Nix's.
    pub positions: BTreeMap<String, String>,
}

/// `tests/lang/divergences.toml`, read once.
pub fn divergences() -> Divergences {
    let path = lang_dir().join("divergences.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let table: toml::Table = text.parse().unwrap_or_else(|e| panic!("{}: invalid TOML: {e}", path.display()));
    let list = |name: &str| divergence_table(&table, name, &path);
    Divergences {
        skipped: list("divergence"),
        messages: list("message-divergence"),
        positions: list("position-divergence"),
    }
}

fn divergence_table(table: &toml::Table, name: &str, path: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(list) = table.get(name) else { return out };
    let list = list.as_array().unwrap_or_else(|| panic!("{}: `{name}` must be [[{name}]]", path.display()));
    for entry in list {
        let case = entry.get("case").and_then(|v| v.as_str());
        let reason = entry.get("reason").and_then(|v| v.as_str());
        match (case, reason) {
            (Some(case), Some(reason)) => {
                out.insert(case.to_owned(), reason.to_owned());
            }
            _ => panic!("{}: every [[{name}]] needs string `case` and `reason`", path.display()),
        }
    }
    out
}

/// What a finished (or killed) child produced.
#[derive(Debug)]
pub struct Output {
    /// `None` when the child was killed by a signal (including our timeout).
    pub code: Option<i32>,
    /// Exact bytes, for comparison.
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub timed_out: bool,
}

impl Output {
    pub fn describe_exit(&self) -> String {
        match (self.timed_out, self.code) {
            (true, _) => "killed after timeout".to_owned(),
            (false, Some(c)) => format!("exit code {c}"),
            (false, None) => "killed by a signal".to_owned(),
        }
    }
}

/// The per-case time limit.
pub fn timeout() -> Duration {
    let secs = std::env::var("STRATA_TEST_TIMEOUT").ok().and_then(|s| s.parse().ok()).unwrap_or(DEFAULT_TIMEOUT_SECS);
    Duration::from_secs(secs)
}

/// The strata binary under test: `STRATA_BIN` if set, else the one Cargo built.
pub fn strata_bin() -> PathBuf {
    match std::env::var_os("STRATA_BIN") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_strata")),
    }
}

/// Runs `program args...` in `dir` with a normalised environment, killing it
/// after `timeout()`.
pub fn run(program: &Path, args: &[OsString], dir: &Path) -> Result<Output, String> {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("HOME", TEST_HOME)
        .env_remove("NIX_PATH")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;

    // Drain both pipes on threads so a chatty child cannot block on a full pipe.
    let mut out_pipe = child.stdout.take().expect("piped stdout");
    let mut err_pipe = child.stderr.take().expect("piped stderr");
    let out_thread = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out_pipe.read_to_end(&mut buf);
        buf
    });
    let err_thread = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err_pipe.read_to_end(&mut buf);
        buf
    });

    let deadline = Instant::now() + timeout();
    let mut timed_out = false;
    let status: ExitStatus = loop {
        match child.try_wait().map_err(|e| format!("waiting for {}: {e}", program.display()))? {
            Some(status) => break status,
            None if Instant::now() >= deadline => {
                timed_out = true;
                let _ = child.kill();
                break child.wait().map_err(|e| format!("waiting for {}: {e}", program.display()))?;
            }
            None => thread::sleep(Duration::from_millis(5)),
        }
    };
    let stdout = out_thread.join().unwrap_or_default();
    let stderr = err_thread.join().unwrap_or_default();
    Ok(Output {
        code: if timed_out { None } else { status.code() },
        stdout,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        timed_out,
    })
}

/// `[FLAGS] FILE` as arguments.
pub fn case_args(case: &Case) -> Result<Vec<OsString>, String> {
    let mut args: Vec<OsString> = case.flags()?.into_iter().map(OsString::from).collect();
    args.push(case.file_name());
    Ok(args)
}

/// A readable description of how `actual` differs from `expected`: both in
/// full, then a word-level diff (`[-removed-]{+added+}`) which is what makes a
/// long one-line Nix value readable.
pub fn diff(expected: &[u8], actual: &[u8]) -> String {
    use similar::{ChangeTag, TextDiff};
    let expected = &*String::from_utf8_lossy(expected);
    let actual = &*String::from_utf8_lossy(actual);
    let head = format!("--- expected\n{}\n--- actual\n{}\n", show(expected), show(actual));
    if expected.is_empty() || actual.is_empty() {
        return head;
    }
    // Runs of equal tags are merged so a changed stretch reads as one edit.
    let mut inline = String::new();
    let mut run: Option<(ChangeTag, String)> = None;
    let flush = |inline: &mut String, run: Option<(ChangeTag, String)>| match run {
        Some((ChangeTag::Equal, text)) => inline.push_str(&text),
        Some((ChangeTag::Delete, text)) => inline.push_str(&format!("[-{text}-]")),
        Some((ChangeTag::Insert, text)) => inline.push_str(&format!("{{+{text}+}}")),
        None => {}
    };
    for change in TextDiff::from_words(expected, actual).iter_all_changes() {
        match &mut run {
            Some((tag, text)) if *tag == change.tag() => text.push_str(change.value()),
            _ => {
                flush(&mut inline, run.take());
                run = Some((change.tag(), change.value().to_owned()));
            }
        }
    }
    flush(&mut inline, run);
    format!("{head}--- diff ([-expected-]{{+actual+}})\n{}", show(&inline))
}

/// Shows text with a visible marker for a missing final newline.
pub fn show(text: &str) -> String {
    if text.is_empty() {
        "(empty)".to_owned()
    } else if let Some(body) = text.strip_suffix('\n') {
        body.to_owned()
    } else {
        format!("{text}⏎ (no final newline)")
    }
}

/// Indents a block (e.g. stderr) under a heading in failure messages.
pub fn block(title: &str, text: &str) -> String {
    let body: String = show(text).lines().map(|l| format!("    {l}\n")).collect();
    format!("{title}:\n{body}")
}

/// The verdict of a case, inverted for cases in `notyetpassing/`: those must
/// keep failing until they are fixed and moved back.
pub fn judge(id: &str, not_yet_passing: bool, verdict: Result<(), String>) -> Result<(), libtest_mimic::Failed> {
    if !not_yet_passing {
        return verdict.map_err(libtest_mimic::Failed::from);
    }
    match verdict {
        Err(_) => Ok(()),
        Ok(()) => Err(libtest_mimic::Failed::from(format!(
            "{id} now passes: move it out of notyetpassing/ (git mv) with its side files"
        ))),
    }
}

/// Ok when a run exited 0 and printed exactly `expected`; otherwise a report
/// with the exit status, a diff and stderr.
pub fn expect_output(out: &Output, expected: &[u8]) -> Result<(), String> {
    if out.code == Some(0) && out.stdout == expected {
        return Ok(());
    }
    let mut msg = String::new();
    if out.code != Some(0) {
        msg.push_str(&format!("expected exit code 0, got {}\n", out.describe_exit()));
    }
    if out.stdout != expected {
        msg.push_str(&diff(expected, &out.stdout));
        msg.push('\n');
    }
    msg.push_str(&block("stderr", &out.stderr));
    Err(msg)
}
