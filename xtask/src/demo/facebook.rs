//! Facebook Page flows of `cargo xtask demo`, against `facebook_sdk::testing::FakeGraph`
//! with the repository's real media and injected faults.

use std::sync::Arc;
use std::time::Duration;

use facebook_sdk::testing::{FakeGraph, html_error, page_throttled};
use facebook_sdk::{Client, FeedPost, Photo, VideoDetails, VideoUpload};
use social_core::testing::ManualTimer;
use social_core::{Error, MediaSource};

use super::{DemoContext, Flow, FlowResult};

const PLATFORM: &str = "Facebook";

/// Runs every Facebook flow and returns one row per flow.
pub(crate) async fn run(ctx: &DemoContext) -> Vec<Flow> {
    let fake = FakeGraph::start().await;
    let timer = Arc::new(ManualTimer::new());
    let client = match fake.client_builder().timer(timer.clone()).build() {
        Ok(client) => client,
        Err(error) => {
            let failed = FlowResult {
                attempts: 0,
                outcome: format!("client not built: {error}"),
                expected: false,
            };
            return vec![
                ctx.flow(PLATFORM, "build client", || async { failed })
                    .await,
            ];
        }
    };
    let feed_path = format!("/graph/v26.0/{}/feed", FakeGraph::PAGE_ID);

    let mut flows = Vec::new();
    flows.push(
        ctx.flow(PLATFORM, "verify Page token", || verify(&client))
            .await,
    );
    flows.push(
        ctx.flow(PLATFORM, "text post", || text_post(&fake, &client))
            .await,
    );
    flows.push(
        ctx.flow(
            PLATFORM,
            "text post, HTML 502 page (not retried)",
            || async {
                fake.fail_next("POST", &feed_path, html_error(502), 1).await;
                html_error_post(&fake, &client).await
            },
        )
        .await,
    );
    flows.push(
        ctx.flow(
            PLATFORM,
            "text post, usage throttle 80001 (2 min)",
            || async {
                fake.fail_next("POST", &feed_path, page_throttled(FakeGraph::PAGE_ID, 2), 1)
                    .await;
                throttled_post(&fake, &client, &timer).await
            },
        )
        .await,
    );
    flows.push(
        ctx.flow(PLATFORM, "photo post (sample.jpg)", || {
            photo_post(ctx, &fake, &client)
        })
        .await,
    );
    flows.push(
        ctx.flow(PLATFORM, "multi-photo post (jpg + png)", || {
            multi_photo(ctx, &fake, &client)
        })
        .await,
    );
    flows.push(
        ctx.flow(PLATFORM, "chunked video, failed transfer resumes", || {
            chunked_video(ctx, &fake, &client)
        })
        .await,
    );
    flows
}

async fn verify(client: &Client) -> FlowResult {
    match client.verify().await {
        Ok(report) => FlowResult {
            attempts: 1,
            outcome: report.to_string(),
            expected: report.is_ready(),
        },
        Err(error) => FlowResult {
            attempts: 1,
            outcome: error.to_string(),
            expected: false,
        },
    }
}

async fn text_post(fake: &FakeGraph, client: &Client) -> FlowResult {
    let before = fake.request_count("POST", "/feed").await;
    let result = client
        .publish_post(&FeedPost::text("Hello from the social-sdks demo"))
        .await;
    let attempts = count_since(fake, "/feed", before).await;
    match result {
        Ok(post) => FlowResult {
            attempts,
            outcome: post.id,
            expected: attempts == 1,
        },
        Err(error) => FlowResult {
            attempts,
            outcome: error.to_string(),
            expected: false,
        },
    }
}

async fn html_error_post(fake: &FakeGraph, client: &Client) -> FlowResult {
    let before = fake.request_count("POST", "/feed").await;
    let result = client
        .publish_post(&FeedPost::text("Posted during an outage"))
        .await;
    let attempts = count_since(fake, "/feed", before).await;
    match result {
        Err(Error::UnexpectedResponse(page)) => {
            let outcome = format!("UnexpectedResponse: {page}");
            let expected = attempts == 1 && page.snippet().contains("Sorry, something went wrong.");
            FlowResult {
                attempts,
                outcome,
                expected,
            }
        }
        Err(error) => FlowResult {
            attempts,
            outcome: error.to_string(),
            expected: false,
        },
        Ok(post) => FlowResult {
            attempts,
            outcome: format!("unexpected success {}", post.id),
            expected: false,
        },
    }
}

async fn throttled_post(fake: &FakeGraph, client: &Client, timer: &ManualTimer) -> FlowResult {
    let before = fake.request_count("POST", "/feed").await;
    let slept_before = timer.total_slept();
    let result = client
        .publish_post(&FeedPost::text("Posted after the throttle"))
        .await;
    let attempts = count_since(fake, "/feed", before).await;
    let waited = timer.total_slept() - slept_before;
    match result {
        Ok(post) => FlowResult {
            attempts,
            outcome: format!(
                "{} after waiting {} s on the injected clock",
                post.id,
                waited.as_secs()
            ),
            expected: attempts == 2 && waited == Duration::from_secs(120),
        },
        Err(error) => FlowResult {
            attempts,
            outcome: error.to_string(),
            expected: false,
        },
    }
}

async fn photo_post(ctx: &DemoContext, fake: &FakeGraph, client: &Client) -> FlowResult {
    let before = fake.request_count("POST", "/photos").await;
    let photo = Photo::file(ctx.media("sample.jpg")).caption("A real JPEG from assets/media");
    let result = client.publish_photo(&photo).await;
    let attempts = count_since(fake, "/photos", before).await;
    match result {
        Ok(created) => FlowResult {
            attempts,
            outcome: format!(
                "photo {} in post {}",
                created.id,
                created.post_id.as_deref().unwrap_or("-")
            ),
            expected: created.post_id.is_some() && attempts == 1,
        },
        Err(error) => FlowResult {
            attempts,
            outcome: error.to_string(),
            expected: false,
        },
    }
}

async fn multi_photo(ctx: &DemoContext, fake: &FakeGraph, client: &Client) -> FlowResult {
    let before = fake.request_count("POST", "/photos").await;
    let photos = [
        Photo::file(ctx.media("sample.jpg")),
        Photo::file(ctx.media("sample.png")),
    ];
    let result = client
        .publish_photos("Two photos, one post", &photos, None)
        .await;
    let attempts = count_since(fake, "/photos", before).await + 1;
    let attached = fake.created_posts().last().and_then(|post| {
        post.get("attached_media")
            .and_then(|m| m.as_array())
            .map(Vec::len)
    });
    match result {
        Ok(post) => FlowResult {
            attempts,
            outcome: post.id,
            expected: attached == Some(2),
        },
        Err(error) => FlowResult {
            attempts,
            outcome: error.to_string(),
            expected: false,
        },
    }
}

async fn chunked_video(ctx: &DemoContext, fake: &FakeGraph, client: &Client) -> FlowResult {
    let path = ctx.media("sample.mp4");
    fake.fail_chunk_at(262_144);
    let before = fake.request_count("POST", "/videos").await;
    let upload = VideoUpload::new(MediaSource::file(&path))
        .details(
            VideoDetails::new()
                .title("Demo clip")
                .description("sample.mp4, uploaded in chunks"),
        )
        .progress(ctx.progress("sample.mp4 (chunked)"));
    let result = client.upload_video(&upload).await;
    let attempts = count_since(fake, "/videos", before).await;
    match result {
        Ok(video) => {
            let original = std::fs::read(&path).ok();
            let same = original.is_some() && fake.video_bytes(&video.video_id) == original;
            let ready = video.status.as_ref().is_some_and(|s| s.is_ready());
            FlowResult {
                attempts,
                outcome: format!("video {} ready, bytes identical: {same}", video.video_id),
                expected: same && ready,
            }
        }
        Err(error) => FlowResult {
            attempts,
            outcome: error.to_string(),
            expected: false,
        },
    }
}

async fn count_since(fake: &FakeGraph, suffix: &str, before: usize) -> u32 {
    let now = fake.request_count("POST", suffix).await;
    u32::try_from(now.saturating_sub(before)).unwrap_or(u32::MAX)
}
