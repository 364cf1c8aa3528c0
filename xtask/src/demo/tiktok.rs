//! TikTok flows of `cargo xtask demo`, each against its own
//! `tiktok_sdk::testing::FakeTikTok` on 127.0.0.1.
//!
//! - the creator info query;
//! - a direct post of `assets/media/sample.mp4` (604 569 bytes), which
//!   TikTok's rules send as one whole-file chunk, with a 503 on that chunk;
//! - a direct post in several chunks of a larger real MP4 made at run time,
//!   with a 503 on the second chunk. The file is `sample.mp4` followed by a
//!   top-level `free` box of zeros, 21 000 000 bytes in all, and players
//!   skip `free` boxes. It goes up in 5 242 880-byte chunks;
//! - an inbox upload of `sample.mp4`, ending on `SEND_TO_USER_INBOX`;
//! - a direct post from an unaudited app for a public account, which TikTok
//!   rejects with `AccountNotEligible`.
//!
//! Each post passes through one `PROCESSING_UPLOAD` status before its final
//! one, so each waits the 2-second minimum poll interval once.

use std::path::{Path, PathBuf};

use social_core::{ErrorKind, HttpSettings, MediaSource};
use tiktok_sdk::testing::FakeTikTok;
use tiktok_sdk::{Client, PostInfo, PostStatus, PrivacyLevel};

use super::{DemoContext, Flow, FlowResult};

const PLATFORM: &str = "TikTok";
/// The size of the generated MP4 of the chunked flow.
const PADDED_SIZE: u64 = 21_000_000;
/// The minimum chunk size TikTok takes, so the generated file makes 4 chunks.
const CHUNK_SIZE: u64 = 5_242_880;

/// Runs every TikTok flow and returns one table row per flow.
pub(crate) async fn run(ctx: &DemoContext) -> Vec<Flow> {
    vec![
        creator_info(ctx).await,
        direct_post(
            ctx,
            "direct post sample.mp4, 1 chunk, 503 on it",
            ctx.media("sample.mp4"),
            0,
        )
        .await,
        direct_post_in_chunks(ctx).await,
        inbox_upload(ctx).await,
        unaudited_app(ctx).await,
    ]
}

fn client_for(fake: &FakeTikTok) -> Result<Client, social_core::Error> {
    // The fake listens on loopback only, so no proxy from the environment.
    fake.client_builder()
        .http_settings(HttpSettings::default().no_proxy())
        .build()
}

async fn creator_info(ctx: &DemoContext) -> Flow {
    ctx.flow(PLATFORM, "creator info query", || async {
        let fake = FakeTikTok::start().await;
        let result = match client_for(&fake) {
            Ok(client) => client.creator_info().await,
            Err(error) => Err(error),
        };
        let attempts = fake.counts().creator_info;
        match result {
            Ok(info) => {
                let options: Vec<&str> = info
                    .privacy_level_options
                    .iter()
                    .map(PrivacyLevel::as_str)
                    .collect();
                FlowResult {
                    attempts,
                    expected: info.allows(&PrivacyLevel::SelfOnly) && attempts == 1,
                    outcome: format!("privacy levels {}", options.join(", ")),
                }
            }
            Err(error) => failed(attempts, &error),
        }
    })
    .await
}

/// Posts `video` directly, with a 503 on chunk `faulty_chunk`, and checks
/// that the fake received every byte, one init and one repeated chunk.
async fn direct_post(
    ctx: &DemoContext,
    operation: &str,
    video: PathBuf,
    faulty_chunk: u64,
) -> Flow {
    let label = format!("tiktok {}", file_name(&video));
    ctx.flow(PLATFORM, operation, || async move {
        let fake = FakeTikTok::builder()
            .fail_chunk(faulty_chunk, 503, 1)
            .start()
            .await;
        let post = PostInfo::new(PrivacyLevel::SelfOnly).title("Demo post #sdk");
        let result = match client_for(&fake) {
            Ok(client) => {
                client
                    .direct_post(MediaSource::file(&video), post)
                    .chunk_size(CHUNK_SIZE)
                    .progress(ctx.progress(&label))
                    .send()
                    .await
            }
            Err(error) => Err(error),
        };
        let counts = fake.counts();
        match result {
            Ok(outcome) => {
                let chunks = chunk_count(&video);
                let intact = fake.received_bytes(&outcome.publish_id) == std::fs::read(&video).ok();
                let expected = outcome.status == PostStatus::PublishComplete
                    && intact
                    && counts.init == 1
                    && u64::from(counts.chunk_puts) == chunks + 1
                    && counts.status >= 2;
                FlowResult {
                    attempts: counts.chunk_puts,
                    expected,
                    outcome: format!(
                        "{} {} ({chunks} {}, {} PUTs, {} status polls)",
                        outcome.publish_id,
                        outcome.status,
                        if chunks == 1 { "chunk" } else { "chunks" },
                        counts.chunk_puts,
                        counts.status
                    ),
                }
            }
            Err(error) => failed(counts.chunk_puts, &error),
        }
    })
    .await
}

async fn direct_post_in_chunks(ctx: &DemoContext) -> Flow {
    let operation = "direct post 21 MB MP4, 4 chunks, 503 on chunk 2";
    let dir = std::env::temp_dir().join(format!("tiktok-demo-{}", std::process::id()));
    let video = match padded_sample(&ctx.media("sample.mp4"), &dir) {
        Ok(video) => video,
        Err(error) => {
            return ctx
                .flow(PLATFORM, operation, || async move {
                    FlowResult {
                        attempts: 0,
                        expected: false,
                        outcome: format!("could not write the demo video: {error}"),
                    }
                })
                .await;
        }
    };
    let flow = direct_post(ctx, operation, video, 1).await;
    let _ = std::fs::remove_dir_all(&dir);
    flow
}

async fn inbox_upload(ctx: &DemoContext) -> Flow {
    let video = ctx.media("sample.mp4");
    ctx.flow(PLATFORM, "inbox upload sample.mp4", || async move {
        let fake = FakeTikTok::start().await;
        let result = match client_for(&fake) {
            Ok(client) => client.inbox_upload(MediaSource::file(&video)).send().await,
            Err(error) => Err(error),
        };
        let counts = fake.counts();
        match result {
            Ok(outcome) => {
                let intact = fake.received_bytes(&outcome.publish_id) == std::fs::read(&video).ok();
                FlowResult {
                    attempts: counts.chunk_puts,
                    expected: outcome.status == PostStatus::SendToUserInbox
                        && intact
                        && counts.init == 1,
                    outcome: format!("{} {}", outcome.publish_id, outcome.status),
                }
            }
            Err(error) => failed(counts.chunk_puts, &error),
        }
    })
    .await
}

async fn unaudited_app(ctx: &DemoContext) -> Flow {
    let video = ctx.media("sample.mp4");
    ctx.flow(PLATFORM, "unaudited app, public account", || async move {
        let fake = FakeTikTok::builder().unaudited().start().await;
        let result = match client_for(&fake) {
            Ok(client) => {
                client
                    .direct_post(
                        MediaSource::file(&video),
                        PostInfo::new(PrivacyLevel::SelfOnly),
                    )
                    .send()
                    .await
            }
            Err(error) => Err(error),
        };
        let counts = fake.counts();
        match result {
            Err(error) => FlowResult {
                attempts: counts.init,
                expected: error.kind() == ErrorKind::AccountNotEligible
                    && counts.init == 1
                    && counts.chunk_puts == 0,
                outcome: format!(
                    "{}: make the account private or get the app audited",
                    error.kind()
                ),
            },
            Ok(outcome) => FlowResult {
                attempts: counts.init,
                expected: false,
                outcome: format!(
                    "posted {} although the app is unaudited",
                    outcome.publish_id
                ),
            },
        }
    })
    .await
}

fn failed(attempts: u32, error: &social_core::Error) -> FlowResult {
    FlowResult {
        attempts,
        expected: false,
        outcome: format!("{}: {error}", error.kind()),
    }
}

/// Returns the number of chunks TikTok's rules give `video` with [`CHUNK_SIZE`].
fn chunk_count(video: &Path) -> u64 {
    let size = std::fs::metadata(video).map(|m| m.len()).unwrap_or(0);
    tiktok_sdk::chunk::plan_chunks(size, CHUNK_SIZE).map_or(0, |plan| plan.count())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes `sample` followed by a top-level MP4 `free` box that pads the file
/// to [`PADDED_SIZE`] bytes, and returns its path in `dir`.
fn padded_sample(sample: &Path, dir: &Path) -> std::io::Result<PathBuf> {
    let mut bytes = std::fs::read(sample)?;
    let box_size = PADDED_SIZE.saturating_sub(bytes.len() as u64);
    let box_size = u32::try_from(box_size).map_err(std::io::Error::other)?;
    bytes.extend_from_slice(&box_size.to_be_bytes());
    bytes.extend_from_slice(b"free");
    bytes.resize(PADDED_SIZE as usize, 0);
    std::fs::create_dir_all(dir)?;
    let path = dir.join("sample-padded.mp4");
    std::fs::write(&path, bytes)?;
    Ok(path)
}
