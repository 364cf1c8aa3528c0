//! Measures the peak memory of chunked uploads of different file and chunk
//! sizes, to show that chunks stream from disk.
//!
//! Run with `cargo bench -p tiktok-sdk --bench chunk_memory` (or
//! `cargo test -p tiktok-sdk --bench chunk_memory` for a debug build). It
//! starts a sink on 127.0.0.1 that responds to the inbox init, discards chunk
//! bodies without storing them and reports the post complete, then uploads
//! sparse files (an MP4 `ftyp` header followed by zeros) and prints the
//! process's resident and peak resident memory from `/proc/self/status`
//! after each upload. Linux only.

use std::time::Instant;

use social_core::{HttpSettings, MediaSource};
use tiktok_sdk::Client;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One upload of the run: file size and preferred chunk size, in bytes.
const RUNS: [(u64, u64); 4] = [
    (64_000_000, 5_242_880),
    (256_000_000, 5_242_880),
    (256_000_000, 64_000_000),
    (1_000_000_000, 64_000_000),
];

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(run());
}

async fn run() {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the sink");
    let base = format!("http://{}", listener.local_addr().expect("sink address"));
    tokio::spawn(serve(listener, base.clone()));
    let client = Client::builder()
        .base_url(&base)
        .access_token("act.bench")
        .http_settings(HttpSettings::default().no_proxy())
        .build()
        .expect("client");
    let dir = tempfile::tempdir().expect("tempdir");

    println!(
        "{:>14} {:>12} {:>7} {:>9} {:>10} {:>10}",
        "file bytes", "chunk bytes", "chunks", "seconds", "RSS KiB", "peak KiB"
    );
    println!(
        "before any upload: RSS {} KiB, peak {} KiB",
        memory("VmRSS:"),
        memory("VmHWM:")
    );
    for (size, chunk) in RUNS {
        let path = dir.path().join(format!("video-{size}.mp4"));
        let file = std::fs::File::create(&path).expect("create");
        std::io::Write::write_all(&mut &file, b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom")
            .expect("header");
        file.set_len(size).expect("sparse length");
        let started = Instant::now();
        let mut post = client
            .inbox_upload(MediaSource::file(&path))
            .chunk_size(chunk)
            .init()
            .await
            .expect("init");
        let session = post.upload_mut().expect("FILE_UPLOAD");
        let chunks = session.chunk_plan().expect("plan").count();
        client
            .upload(session, &MediaSource::file(&path), None)
            .await
            .expect("upload");
        println!(
            "{size:>14} {chunk:>12} {chunks:>7} {:>9.1} {:>10} {:>10}",
            started.elapsed().as_secs_f64(),
            memory("VmRSS:"),
            memory("VmHWM:")
        );
    }
}

/// Returns a `/proc/self/status` value in KiB, or 0 where it is missing.
fn memory(key: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(key))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

async fn serve(listener: TcpListener, base: String) {
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(connection(stream, base.clone()));
    }
}

/// Responds to the HTTP/1.1 requests of one kept-alive connection.
async fn connection(stream: TcpStream, base: String) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).await? == 0 {
            return Ok(());
        }
        let (mut length, mut range) = (0u64, String::new());
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).await?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap_or(0),
                    "content-range" => range = value.trim().to_owned(),
                    _ => {}
                }
            }
        }
        // Discard the body without keeping it.
        tokio::io::copy(&mut (&mut reader).take(length), &mut tokio::io::sink()).await?;
        let response = response(&request_line, &range, &base);
        reader.get_mut().write_all(response.as_bytes()).await?;
    }
}

fn response(request_line: &str, range: &str, base: &str) -> String {
    if request_line.starts_with("PUT ") {
        // `bytes FIRST-LAST/TOTAL`: complete once LAST is the final byte.
        let (span, total) = range
            .trim_start_matches("bytes ")
            .split_once('/')
            .unwrap_or(("0-0", "1"));
        let last: u64 = span
            .split_once('-')
            .and_then(|(_, l)| l.parse().ok())
            .unwrap_or(0);
        let total: u64 = total.parse().unwrap_or(1);
        let status = if last + 1 >= total {
            "201 Created"
        } else {
            "206 Partial Content"
        };
        return format!(
            "HTTP/1.1 {status}\r\nContent-Range: bytes 0-{last}/{total}\r\nContent-Length: 0\r\n\r\n"
        );
    }
    let data = if request_line.contains("/inbox/video/init/") {
        format!(
            r#"{{"publish_id":"v_inbox_file~bench","upload_url":"{base}/upload/?upload_id=1&upload_token=bench"}}"#
        )
    } else {
        r#"{"status":"SEND_TO_USER_INBOX"}"#.to_owned()
    };
    let body =
        format!(r#"{{"data":{data},"error":{{"code":"ok","message":"","log_id":"bench"}}}}"#);
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}
