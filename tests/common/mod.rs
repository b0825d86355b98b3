//! Test helpers: a tiny HTTP/1.1 server bound to 127.0.0.1 on a free port,
//! started by the test itself, and helpers to run the `audit` binary.
//! Tests never talk to any address but loopback.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::thread;

/// A request as the handler sees it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("/")
    }
}

/// What the handler answers. `Raw` bytes are written as they are, for faults.
pub enum Reply {
    Response {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    Raw(Vec<u8>),
    /// Accept and never answer (until the client gives up).
    Hang,
    /// Write these bytes (a head and the start of a body), then stall.
    Stall(Vec<u8>),
    /// Close the connection without a word.
    Close,
    /// Write `head`, then `body` one byte every `every` (a slow-drip server).
    Drip {
        head: Vec<u8>,
        body: Vec<u8>,
        every: std::time::Duration,
    },
}

impl Reply {
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Response {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    pub fn status(status: u16) -> Reply {
        Reply::Response {
            status,
            headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
            body: format!("<html><body>{status}</body></html>").into_bytes(),
        }
    }

    pub fn redirect(location: &str) -> Reply {
        Reply::Response {
            status: 302,
            headers: vec![("Location".into(), location.into())],
            body: Vec::new(),
        }
    }
}

pub type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

pub struct Server {
    pub addr: SocketAddr,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

/// Starts a server on `ip` (127.0.0.1 or 127.0.0.2) with `handler`.
pub fn serve_on(ip: &str, handler: Handler) -> Server {
    let listener = TcpListener::bind(format!("{ip}:0")).expect("bind a loopback port");
    let addr = listener.local_addr().expect("local addr");
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let handler = handler.clone();
            thread::spawn(move || handle(stream, handler));
        }
    });
    Server { addr }
}

pub fn serve(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
    serve_on("127.0.0.1", Arc::new(handler))
}

fn handle(stream: TcpStream, handler: Handler) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut stream = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("/").to_string();
        let mut headers = Vec::new();
        let mut content_length = 0usize;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    content_length = v.trim().parse().unwrap_or(0);
                }
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        if content_length > 0 {
            let mut body = vec![0; content_length];
            let _ = reader.read_exact(&mut body);
        }
        let req = Request {
            method: method.clone(),
            target,
            headers,
        };
        match handler(&req) {
            Reply::Response {
                status,
                headers,
                body,
            } => {
                let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
                for (k, v) in &headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head.push_str(&format!(
                    "Content-Length: {}\r\nConnection: keep-alive\r\n\r\n",
                    body.len()
                ));
                if stream.write_all(head.as_bytes()).is_err() {
                    return;
                }
                if method != "HEAD" && stream.write_all(&body).is_err() {
                    return;
                }
            }
            Reply::Raw(bytes) => {
                let _ = stream.write_all(&bytes);
                return;
            }
            Reply::Hang => {
                thread::sleep(std::time::Duration::from_secs(60));
                return;
            }
            Reply::Stall(bytes) => {
                let _ = stream.write_all(&bytes);
                let _ = stream.flush();
                thread::sleep(std::time::Duration::from_secs(60));
                return;
            }
            Reply::Close => return,
            Reply::Drip { head, body, every } => {
                if stream.write_all(&head).is_err() {
                    return;
                }
                for b in body {
                    let _ = stream.flush();
                    thread::sleep(every);
                    if stream.write_all(&[b]).is_err() {
                        return;
                    }
                }
                return;
            }
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Serves a directory as a static site: `/x/` serves `x/index.html`.
pub fn serve_dir(root: impl Into<PathBuf>) -> Server {
    let root: PathBuf = root.into();
    serve(move |req| {
        let path = percent_decode(req.path());
        let mut file = root.join(path.trim_start_matches('/'));
        if path.ends_with('/') {
            file = file.join("index.html");
        }
        if !file.starts_with(&root) {
            return Reply::status(404);
        }
        match std::fs::read(&file) {
            Ok(body) => {
                let ct = match file.extension().and_then(|e| e.to_str()) {
                    // No charset: the page's own <meta charset> says it, as
                    // on servers that leave it out (GBK sites mostly do).
                    Some("html") | Some("htm") | Some("shtml") => "text/html",
                    Some("jpg") => "image/jpeg",
                    Some("css") => "text/css",
                    _ => "application/octet-stream",
                };
                Reply::ok(ct, body)
            }
            Err(_) => Reply::status(404),
        }
    })
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn demo_site() -> PathBuf {
    root().join("fixtures/demo-site")
}

/// Runs the `audit` binary with `args`.
pub fn audit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_audit"))
        .args(args)
        .output()
        .expect("run the audit binary")
}

/// The flags of a fast, impolite crawl of a test's own loopback server, in English.
pub fn fast_crawl<'a>(url: &'a str, as_of: &'a str) -> Vec<&'a str> {
    vec![
        "--site",
        url,
        "--as-of",
        as_of,
        "--delay-ms",
        "0",
        "--per-host",
        "4",
        "--retry-base-ms",
        "20",
        "--quiet",
        "--lang",
        "en",
    ]
}

/// Runs `audit … --format json` and parses standard output.
pub fn audit_json(args: &[&str]) -> (serde_json::Value, Output) {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--format", "json"]);
    let out = audit(&all);
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (v, out)
}

/// (kind, url) pairs of a JSON report, sorted.
pub fn kind_urls(report: &serde_json::Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["kind"].as_str().unwrap_or("").to_string(),
                        f["url"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Writes `files` (relative path, content) under a new temporary directory.
pub fn site_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, content) in files {
        let p = dir.path().join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, content).expect("write fixture");
    }
    dir
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The path of a URL (`http://127.0.0.1:4242/gzdt/` → `/gzdt/`), so that
/// findings compare across hosts and ports; a text that is no URL as it is.
pub fn url_path(s: &str) -> String {
    match s.find("://") {
        Some(i) => s[i + 3..]
            .find('/')
            .map_or("/", |j| &s[i + 3 + j..])
            .to_string(),
        None => s.to_string(),
    }
}
