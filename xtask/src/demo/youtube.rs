//! YouTube flows of `cargo xtask demo`: a resumable upload of the real
//! sample MP4 through every fault the upload must survive, a thumbnail, a
//! read-back, an expired session and a spent quota, all against
//! `youtube_sdk::testing::FakeYouTube` on 127.0.0.1.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use social_core::testing::{FaultFront, FaultRule, ManualTimer};
use social_core::{ErrorKind, ProgressCallback};
use youtube_sdk::testing::{FakeYouTube, Fault, digest_file};
use youtube_sdk::{Client, PrivacyStatus, VideoMetadata};

use super::{DemoContext, Flow, FlowResult};

const PLATFORM: &str = "YouTube";
/// The smallest chunk YouTube accepts, so the 604 569-byte sample takes three chunks.
const CHUNK: u64 = 256 * 1024;

/// Runs the YouTube flows and returns their rows.
pub(crate) async fn run(ctx: &DemoContext) -> Vec<Flow> {
    let fake = FakeYouTube::start().await;
    let front = match FaultFront::start(&fake.server_url()).await {
        Ok(front) => Arc::new(front),
        Err(error) => {
            return vec![
                failed_to_start(ctx, &format!("could not start the fault proxy: {error}")).await,
            ];
        }
    };
    fake.set_public_url(&front.url());
    fake.set_unverified_project(true);
    let client = match client(&fake, &front) {
        Ok(client) => client,
        Err(error) => return vec![failed_to_start(ctx, &error.to_string()).await],
    };

    let mut flows = Vec::new();
    let (flow, video_id) = upload_with_faults(ctx, &fake, &front, &client).await;
    flows.push(flow);
    if let Some(id) = video_id {
        flows.push(set_thumbnail(ctx, &fake, &client, &id).await);
        flows.push(read_back(ctx, &fake, &client, &id).await);
    }
    flows.push(expired_session(ctx, &fake, &client).await);
    flows.push(spent_quota(ctx, &fake, &client).await);
    flows
}

/// Builds a client whose requests pass through the fault proxy, with a
/// manual clock so backoff does not slow the demo down.
fn client(fake: &FakeYouTube, front: &FaultFront) -> social_core::Result<Client> {
    fake.client_builder()
        .root_url(format!("{}/", front.url()))
        .timer(Arc::new(ManualTimer::new()))
        .http_settings(social_core::HttpSettings::default().no_proxy())
        .build()
}

async fn failed_to_start(ctx: &DemoContext, message: &str) -> Flow {
    let message = message.to_owned();
    ctx.flow(PLATFORM, "start the fake", || async move {
        FlowResult {
            attempts: 0,
            outcome: message,
            expected: false,
        }
    })
    .await
}

/// Uploads `sample.mp4` in 256 KiB chunks while the connection drops
/// mid-chunk (308 without `Range` afterwards), a chunk gets 503
/// `backendError`, and the access token expires before the last chunk.
async fn upload_with_faults(
    ctx: &DemoContext,
    fake: &FakeYouTube,
    front: &Arc<FaultFront>,
    client: &Client,
) -> (Flow, Option<String>) {
    let path = ctx.media("sample.mp4");
    fake.inject(Fault::ForgetOnStatusQuery);
    fake.inject(Fault::FailChunk {
        chunk: 3,
        status: 503,
        reason: "backendError",
        keep_bytes: 0,
    });
    fake.inject(Fault::ExpireTokenAtChunk { chunk: 5 });
    let before = fake.requests().len();
    let bar = ctx.progress("sample.mp4");
    let armed = Arc::new(AtomicBool::new(false));
    let (arm, proxy) = (armed.clone(), front.clone());
    // Once the first chunk is confirmed, the proxy drops the next upload
    // request mid-body.
    let progress = ProgressCallback::new(move |p| {
        if p.uploaded > 0 && !arm.swap(true, Ordering::SeqCst) {
            proxy.add_rule(FaultRule::drop_connection(
                social_core::http::Method::PUT,
                "/upload/youtube/v3/videos",
                1,
            ));
        }
        bar.report(p.uploaded, p.total);
    });
    let metadata = VideoMetadata::new("SDK sample video")
        .description("Uploaded by cargo xtask demo through injected faults.")
        .tags(["demo", "resumable"])
        .privacy(PrivacyStatus::Public)
        .made_for_kids(false);

    let mut video_id = None;
    let operation =
        "upload sample.mp4, 256 KiB chunks: connection drop, 308 without Range, 503, token expiry";
    let flow = ctx
        .flow(PLATFORM, operation, || async {
            let result = client.upload_video(metadata, &path).chunk_size(CHUNK).on_progress(progress).send().await;
            let attempts = (fake.requests().len() - before + front.dropped()) as u32;
            match result {
                Ok(video) => {
                    let exact = fake
                        .video(video.id())
                        .zip(digest_file(&path).ok())
                        .is_some_and(|(stored, digest)| stored.digest == digest);
                    let stats = video.stats();
                    let expected = exact
                        && front.dropped() == 1
                        && fake.pending_faults().is_empty()
                        && fake.violations().is_empty()
                        && stats.token_refreshes == 1
                        && stats.sessions_started == 1;
                    video_id = Some(video.id().to_owned());
                    FlowResult {
                        attempts,
                        outcome: format!(
                            "video {} ({} status queries, {} retries, 1 refresh; byte-exact: {exact})",
                            video.id(),
                            stats.status_queries,
                            stats.retries
                        ),
                        expected,
                    }
                }
                Err(error) => FlowResult { attempts, outcome: error.to_string(), expected: false },
            }
        })
        .await;
    (flow, video_id)
}

async fn set_thumbnail(ctx: &DemoContext, fake: &FakeYouTube, client: &Client, id: &str) -> Flow {
    let path = ctx.media("sample.jpg");
    let before = fake.requests().len();
    ctx.flow(PLATFORM, "set thumbnail sample.jpg", || async {
        let result = client.set_thumbnail(id, &path).await;
        let attempts = (fake.requests().len() - before) as u32;
        match result {
            Ok(set) => {
                let stored = fake.video(id).and_then(|v| v.thumbnail_bytes);
                FlowResult {
                    attempts,
                    outcome: format!("thumbnail {}", set.default_url().unwrap_or("(no URL)")),
                    expected: stored == Some(41_814),
                }
            }
            Err(error) => FlowResult {
                attempts,
                outcome: error.to_string(),
                expected: false,
            },
        }
    })
    .await
}

/// Reads the video back; the fake acts as an unverified API project, so
/// the requested `public` comes back `private`.
async fn read_back(ctx: &DemoContext, fake: &FakeYouTube, client: &Client, id: &str) -> Flow {
    let before = fake.requests().len();
    ctx.flow(
        PLATFORM,
        "read the video back (unverified project)",
        || async {
            let result = client.get_video(id).await;
            let attempts = (fake.requests().len() - before) as u32;
            match result {
                Ok(video) => {
                    let effective = video.privacy_status().cloned();
                    FlowResult {
                        attempts,
                        outcome: format!(
                            "\"{}\", requested public, effective {}",
                            video.title().unwrap_or_default(),
                            effective.as_ref().map_or("unknown", |p| p.as_str())
                        ),
                        expected: video.title() == Some("SDK sample video")
                            && effective == Some(PrivacyStatus::Private),
                    }
                }
                Err(error) => FlowResult {
                    attempts,
                    outcome: error.to_string(),
                    expected: false,
                },
            }
        },
    )
    .await
}

async fn expired_session(ctx: &DemoContext, fake: &FakeYouTube, client: &Client) -> Flow {
    let path = ctx.media("sample.mp4");
    let sessions = fake.sessions_started();
    let chunks = fake.requests().iter().filter(|r| r.is_chunk()).count() as u32;
    fake.inject(Fault::ExpireSessionAtChunk { chunk: chunks + 2 });
    let before = fake.requests().len();
    ctx.flow(
        PLATFORM,
        "upload sample.mp4: session expires (404), new session",
        || async {
            let metadata = VideoMetadata::new("SDK sample video, second copy").made_for_kids(false);
            let result = client
                .upload_video(metadata, &path)
                .chunk_size(CHUNK)
                .send()
                .await;
            let attempts = (fake.requests().len() - before) as u32;
            match result {
                Ok(video) => FlowResult {
                    attempts,
                    outcome: format!(
                        "video {} after {} sessions",
                        video.id(),
                        video.stats().sessions_started
                    ),
                    expected: fake.sessions_started() == sessions + 2
                        && fake.violations().is_empty(),
                },
                Err(error) => FlowResult {
                    attempts,
                    outcome: error.to_string(),
                    expected: false,
                },
            }
        },
    )
    .await
}

async fn spent_quota(ctx: &DemoContext, fake: &FakeYouTube, client: &Client) -> Flow {
    let path = ctx.media("sample.mp4");
    fake.inject(Fault::QuotaExceeded);
    let before = fake.requests().len();
    ctx.flow(PLATFORM, "upload when the daily quota is spent", || async {
        let result = client
            .upload_video(VideoMetadata::new("One too many"), &path)
            .send()
            .await;
        let attempts = (fake.requests().len() - before) as u32;
        match result {
            Ok(video) => FlowResult {
                attempts,
                outcome: format!("video {}", video.id()),
                expected: false,
            },
            Err(error) => FlowResult {
                attempts,
                expected: error.kind() == ErrorKind::QuotaExceeded && attempts == 1,
                outcome: format!(
                    "{} ({}), not retried",
                    error.kind(),
                    error
                        .as_api()
                        .and_then(|api| api.code())
                        .unwrap_or("no reason")
                ),
            },
        }
    })
    .await
}
