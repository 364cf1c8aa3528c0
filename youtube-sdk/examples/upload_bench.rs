//! Uploads one file to a local YouTube-protocol sink as fast as the client
//! can, for the loopback benchmark (`run-upload-bench.sh` with `OURS_CMD`).
//!
//! ```sh
//! cargo build --release -p youtube-sdk --example upload_bench
//! target/release/examples/upload_bench --root http://127.0.0.1:8080/ --file media.bin --chunk 8388608
//! ```
//!
//! Flags fall back to the harness's variables `SINK_ROOT`, `UPLOAD_FILE` and
//! `CHUNK_BYTES` (default 8 MiB). The root must be a loopback `http` URL or
//! `https`; the token is a placeholder the sink ignores. Prints the video
//! id, the wall time and the throughput.

use std::process::ExitCode;
use std::time::Instant;

use social_core::{HttpSettings, Platform, StaticToken};
use youtube_sdk::{Client, VideoMetadata};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("upload_bench: {error}");
            ExitCode::FAILURE
        }
    }
}

fn flag(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let root = flag("--root")
        .or_else(|| std::env::var("SINK_ROOT").ok())
        .ok_or("give --root or SINK_ROOT")?;
    let file = flag("--file")
        .or_else(|| std::env::var("UPLOAD_FILE").ok())
        .ok_or("give --file or UPLOAD_FILE")?;
    let chunk: u64 = flag("--chunk")
        .or_else(|| std::env::var("CHUNK_BYTES").ok())
        .map_or(Ok(8 * 1024 * 1024), |c| c.parse())?;

    let token = StaticToken::new(Platform::YouTube, "bench-token")?;
    let client = Client::builder()
        .root_url(root)
        .token_provider(std::sync::Arc::new(token))
        .http_settings(HttpSettings::default().no_proxy())
        .build()?;
    let started = Instant::now();
    let video = client
        .upload_video(VideoMetadata::new("bench upload"), &file)
        .chunk_size(chunk)
        .content_type("application/octet-stream")
        .send()
        .await?;
    let seconds = started.elapsed().as_secs_f64();
    let bytes = std::fs::metadata(&file)?.len() as f64;
    println!(
        "{} {:.3} s {:.0} MiB/s ({} chunks, {} status queries)",
        video.id(),
        seconds,
        bytes / 1_048_576.0 / seconds,
        video.stats().chunks_sent,
        video.stats().status_queries
    );
    Ok(())
}
