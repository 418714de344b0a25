//! Health checks run after a switch.
//!
//! Each check is retried about once a second until it succeeds or its
//! timeout passes. `unit` asks the service manager's `systemctl is-active`
//! (skipped when unit actions are skipped); `tcp` connects; `http` sends a GET
//! with a minimal HTTP/1.1 client and wants a 2xx status; `command` runs
//! `sh -c COMMAND` and wants exit status 0.
//!
//! Commands run on the machine running Strata, in the working directory
//! ROOT and with `STRATA_ROOT=ROOT` in their environment: a rooted target
//! is a directory, not a machine that could run them, so a command that
//! inspects the target should use `$STRATA_ROOT` (which is `/` on a live host).

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::activate::ServiceManager;
use crate::model::{HealthCheck, HealthCheckKind};

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum HealthStatus {
    /// It succeeded.
    Passed,
    /// It kept failing until its timeout.
    Failed,
    /// It could not run here (a unit check against a root directory).
    Skipped,
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthResult {
    /// The check's name.
    pub name: String,
    /// Passed, failed or skipped.
    pub status: HealthStatus,
    /// What was seen last (the error, the status line, why it was skipped).
    pub detail: String,
}

/// Runs `checks` against the target at `root`, asking `service_manager`
/// about units; results in the order of `checks`. The checks run in
/// parallel, so the slowest one bounds the time taken.
pub fn run_checks(checks: &[HealthCheck], root: &Path, service_manager: &ServiceManager) -> Vec<HealthResult> {
    std::thread::scope(|scope| {
        let running: Vec<_> =
            checks.iter().map(|check| (check, scope.spawn(move || run_check(check, root, service_manager)))).collect();
        running
            .into_iter()
            .map(|(check, handle)| {
                handle.join().unwrap_or_else(|_| HealthResult {
                    name: check.name.clone(),
                    status: HealthStatus::Failed,
                    detail: "the check itself failed unexpectedly".to_string(),
                })
            })
            .collect()
    })
}

/// Runs one check, retrying until it passes or its timeout passes.
pub fn run_check(check: &HealthCheck, root: &Path, service_manager: &ServiceManager) -> HealthResult {
    let systemctl = match (&check.kind, service_manager) {
        (HealthCheckKind::Unit { unit }, ServiceManager::Skip { reason }) => {
            return HealthResult {
                name: check.name.clone(),
                status: HealthStatus::Skipped,
                detail: format!("unit {unit}: {reason}"),
            };
        }
        (_, ServiceManager::Skip { .. }) => Path::new("systemctl"),
        (_, ServiceManager::Systemctl { program }) => program.as_path(),
    };
    let deadline = Instant::now() + Duration::from_secs(check.timeout);
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(200));
        let attempt = attempt(&check.kind, root, systemctl, remaining.min(Duration::from_secs(5)));
        match attempt {
            Ok(detail) => return HealthResult { name: check.name.clone(), status: HealthStatus::Passed, detail },
            Err(detail) => {
                if Instant::now() + Duration::from_millis(500) >= deadline {
                    return HealthResult {
                        name: check.name.clone(),
                        status: HealthStatus::Failed,
                        detail: format!("{detail} (gave up after {} s)", check.timeout),
                    };
                }
                std::thread::sleep(Duration::from_millis(500));
            }
        }
    }
}

fn attempt(kind: &HealthCheckKind, root: &Path, systemctl: &Path, timeout: Duration) -> Result<String, String> {
    match kind {
        HealthCheckKind::Unit { unit } => {
            let output = Command::new(systemctl)
                .args(["is-active", unit])
                .output()
                .map_err(|error| format!("cannot run {}: {error}", systemctl.display()))?;
            let state = String::from_utf8_lossy(&output.stdout).trim().to_string();
            if output.status.success() {
                Ok(format!("unit {unit} is {state}"))
            } else {
                Err(format!("unit {unit} is {state}"))
            }
        }
        HealthCheckKind::Tcp { host, port } => {
            connect(host, *port, timeout).map(|_| format!("connected to {host}:{port}"))
        }
        HealthCheckKind::Http { url } => http_get(url, timeout),
        HealthCheckKind::Command { command } => {
            let status = Command::new("sh")
                .args(["-c", command])
                .current_dir(root)
                .env("STRATA_ROOT", root)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map_err(|error| format!("cannot run sh: {error}"))?;
            if status.success() {
                Ok(format!("`{command}` exited 0"))
            } else {
                Err(format!("`{command}` exited with {status}"))
            }
        }
    }
}

fn connect(host: &str, port: u16, timeout: Duration) -> Result<TcpStream, String> {
    let addresses = (host, port).to_socket_addrs().map_err(|error| format!("cannot resolve {host}:{port}: {error}"))?;
    let mut last = format!("{host}:{port} has no address");
    for address in addresses {
        match TcpStream::connect_timeout(&address, timeout) {
            Ok(stream) => return Ok(stream),
            Err(error) => last = format!("cannot connect to {address}: {error}"),
        }
    }
    Err(last)
}

/// The parts of an `http://` URL.
fn parse_url(url: &str) -> Result<(String, u16, String), String> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        format!(
            "{url}: only http:// URLs are supported by the built-in client (use a command check with curl for https)"
        )
    })?;
    let (authority, path) = match rest.find('/') {
        Some(index) => (&rest[..index], &rest[index..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || authority.starts_with('[') => {
            (host, port.parse::<u16>().map_err(|_| format!("{url}: bad port '{port}'"))?)
        }
        _ => (authority, 80),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Err(format!("{url}: no host"));
    }
    Ok((host.to_string(), port, path.to_string()))
}

/// GET `url`; a 2xx status line is success.
fn http_get(url: &str, timeout: Duration) -> Result<String, String> {
    let (host, port, path) = parse_url(url)?;
    let mut stream = connect(&host, port, timeout)?;
    let _ = stream.set_read_timeout(Some(timeout));
    let _ = stream.set_write_timeout(Some(timeout));
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: strata-health-check\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).map_err(|error| format!("{url}: sending the request: {error}"))?;
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(2).any(|w| w == b"\r\n") && head.len() < 8192 {
        let read = stream.read(&mut buffer).map_err(|error| format!("{url}: reading the answer: {error}"))?;
        if read == 0 {
            break;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let text = String::from_utf8_lossy(&head);
    let status_line = text.lines().next().unwrap_or("").to_string();
    let mut parts = status_line.split_whitespace();
    let version = parts.next().unwrap_or("");
    let code: u16 = parts.next().and_then(|code| code.parse().ok()).unwrap_or(0);
    if !version.starts_with("HTTP/") {
        return Err(format!("{url}: not an HTTP answer"));
    }
    if (200..300).contains(&code) {
        Ok(format!("{url}: {status_line}"))
    } else {
        Err(format!("{url}: {status_line}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_split() {
        assert_eq!(parse_url("http://127.0.0.1/"), Ok(("127.0.0.1".into(), 80, "/".into())));
        assert_eq!(parse_url("http://localhost:8080/a?b"), Ok(("localhost".into(), 8080, "/a?b".into())));
        assert_eq!(parse_url("http://[::1]:81"), Ok(("::1".into(), 81, "/".into())));
        assert!(parse_url("https://x/").is_err());
    }

    #[test]
    fn http_checks_read_the_status() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            for answer in ["HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 503 Busy\r\n\r\n"] {
                let (mut stream, _) = listener.accept().unwrap();
                let mut request = [0u8; 512];
                let _ = stream.read(&mut request);
                stream.write_all(answer.as_bytes()).unwrap();
            }
        });
        let url = format!("http://127.0.0.1:{port}/health");
        assert!(http_get(&url, Duration::from_secs(2)).is_ok());
        assert!(http_get(&url, Duration::from_secs(2)).unwrap_err().contains("503"));
        server.join().unwrap();
    }
}
