//! Instagram flows of `cargo xtask demo`, against
//! `instagram_sdk::testing::FakeInstagram` with the repository's real media
//! and injected faults.

use std::sync::Arc;

use instagram_sdk::testing::FakeInstagram;
use instagram_sdk::{Carousel, CarouselItem, Client, Image, ImagePost, Published, Reel, Video};
use social_core::Error;
use social_core::testing::ManualTimer;

use super::{DemoContext, Flow, FlowResult};

const PLATFORM: &str = "Instagram";

/// Runs every Instagram flow and returns one row per flow.
pub(crate) async fn run(ctx: &DemoContext) -> Vec<Flow> {
    let fake = FakeInstagram::start().await;
    let timer = Arc::new(ManualTimer::new());
    let built = fake.facebook_client_builder().timer(timer.clone()).build();
    let client = match built {
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
    let jpeg = match std::fs::read(ctx.media("sample.jpg")) {
        Ok(bytes) => bytes,
        Err(error) => {
            let failed = FlowResult {
                attempts: 0,
                outcome: format!("sample.jpg not readable: {error}"),
                expected: false,
            };
            return vec![ctx.flow(PLATFORM, "read media", || async { failed }).await];
        }
    };
    let image_url = fake.host_file("sample.jpg", jpeg);

    let mut flows = Vec::new();
    flows.push(
        ctx.flow(
            PLATFORM,
            "image post (sample.jpg served by the fake)",
            || image_post(ctx, &fake, &client, &image_url),
        )
        .await,
    );
    flows.push(
        ctx.flow(PLATFORM, "reel uploaded from sample.mp4", || {
            reel(ctx, &fake, &client)
        })
        .await,
    );
    flows.push(
        ctx.flow(
            PLATFORM,
            "carousel: 2 images + video, polled through IN_PROGRESS",
            || carousel(ctx, &fake, &client, &image_url),
        )
        .await,
    );
    flows.push(
        ctx.flow(
            PLATFORM,
            "publish answer lost (HTML 502), container reads PUBLISHED",
            || lost_answer(ctx, &fake, &client, &image_url),
        )
        .await,
    );
    flows.push(
        ctx.flow(
            PLATFORM,
            "Instagram Login: user_id from /me, account type checked",
            || instagram_login(&fake, &timer),
        )
        .await,
    );
    flows
}

async fn image_post(
    ctx: &DemoContext,
    fake: &FakeInstagram,
    client: &Client,
    url: &str,
) -> FlowResult {
    let before = fake.request_count("POST", "/media_publish").await;
    let result = match Image::hosted_file(ctx.media("sample.jpg"), url) {
        Ok(image) => {
            let post = ImagePost::new(image)
                .caption("A real JPEG from assets/media #demo")
                .alt_text("The demo's sample photo");
            client.publish_image(&post).await
        }
        Err(error) => Err(error),
    };
    let attempts = count_since(fake, "/media_publish", before).await;
    match result {
        Ok(post) => FlowResult {
            attempts,
            outcome: describe(&post),
            expected: attempts == 1 && post.media_id.is_some() && post.permalink.is_some(),
        },
        Err(error) => failed(attempts, &error),
    }
}

async fn reel(ctx: &DemoContext, fake: &FakeInstagram, client: &Client) -> FlowResult {
    let path = ctx.media("sample.mp4");
    let before = fake.request_count("POST", "/media_publish").await;
    let reel = Reel::new(Video::file(&path))
        .caption("sample.mp4, uploaded through the resumable upload")
        .share_to_feed(true)
        .progress(ctx.progress("sample.mp4 (reel)"));
    let result = client.publish_reel(&reel).await;
    let attempts = count_since(fake, "/media_publish", before).await;
    match result {
        Ok(post) => {
            let original = std::fs::read(&path).ok();
            let same = original.is_some() && fake.uploaded_bytes(&post.container_id) == original;
            let is_reel = post.media_product_type.as_deref() == Some("REELS");
            FlowResult {
                attempts,
                outcome: format!("{}, bytes identical: {same}", describe(&post)),
                expected: same && is_reel && attempts == 1,
            }
        }
        Err(error) => failed(attempts, &error),
    }
}

async fn carousel(
    ctx: &DemoContext,
    fake: &FakeInstagram,
    client: &Client,
    url: &str,
) -> FlowResult {
    fake.set_processing_polls(2);
    let reads_before = fake.status_reads().await;
    let before = fake.request_count("POST", "/media_publish").await;
    let items = (0..2)
        .map(|_| Image::hosted_file(ctx.media("sample.jpg"), url).map(CarouselItem::Image))
        .collect::<Result<Vec<_>, Error>>();
    let result = match items {
        Ok(mut items) => {
            items.push(CarouselItem::Video(Video::file(ctx.media("sample.mp4"))));
            let carousel = Carousel::new(items)
                .caption("Two photos and a video")
                .progress(ctx.progress("sample.mp4 (carousel)"));
            client.publish_carousel(&carousel).await
        }
        Err(error) => Err(error),
    };
    fake.set_processing_polls(1);
    let attempts = count_since(fake, "/media_publish", before).await;
    let reads = fake.status_reads().await - reads_before;
    match result {
        Ok(post) => {
            let children = fake.carousel_children(&post.container_id).len();
            // Four containers (three items and the carousel), each read
            // IN_PROGRESS twice before FINISHED.
            let polled = reads >= 12;
            FlowResult {
                attempts,
                outcome: format!(
                    "{}, {children} items, {reads} status reads",
                    describe(&post)
                ),
                expected: children == 3
                    && polled
                    && post.media_type.as_deref() == Some("CAROUSEL_ALBUM"),
            }
        }
        Err(error) => failed(attempts, &error),
    }
}

async fn lost_answer(
    ctx: &DemoContext,
    fake: &FakeInstagram,
    client: &Client,
    url: &str,
) -> FlowResult {
    fake.lose_publish_responses(1);
    let before = fake.request_count("POST", "/media_publish").await;
    let published_before = fake.published().len();
    let result = match Image::hosted_file(ctx.media("sample.jpg"), url) {
        Ok(image) => {
            client
                .publish_image(&ImagePost::new(image).caption("Posted once"))
                .await
        }
        Err(error) => Err(error),
    };
    let attempts = count_since(fake, "/media_publish", before).await;
    let new_posts = fake.published().len() - published_before;
    match result {
        Ok(post) => FlowResult {
            attempts,
            outcome: format!("{}; {new_posts} post on the account", describe(&post)),
            expected: post.recovered && attempts == 1 && new_posts == 1,
        },
        Err(error) => failed(attempts, &error),
    }
}

async fn instagram_login(fake: &FakeInstagram, timer: &Arc<ManualTimer>) -> FlowResult {
    let client = match fake.instagram_client_builder().timer(timer.clone()).build() {
        Ok(client) => client,
        Err(error) => return failed(0, &error),
    };
    let before = fake.request_count("GET", "/me").await;
    let result = client.account().await;
    let attempts = count_get_since(fake, "/me", before).await;
    match result {
        Ok(account) => FlowResult {
            attempts,
            outcome: format!(
                "ig user id {} ({}), not the app-scoped id {}",
                account.ig_user_id,
                account.account_type.as_deref().unwrap_or("-"),
                FakeInstagram::APP_SCOPED_ID
            ),
            expected: account.ig_user_id == FakeInstagram::IG_USER_ID,
        },
        Err(error) => failed(attempts, &error),
    }
}

fn describe(post: &Published) -> String {
    match (&post.media_id, post.recovered) {
        (Some(id), _) => format!(
            "media {id} ({})",
            post.permalink.as_deref().unwrap_or("no permalink")
        ),
        (None, true) => format!(
            "container {} found PUBLISHED, not published again",
            post.container_id
        ),
        (None, false) => format!("container {} published", post.container_id),
    }
}

fn failed(attempts: u32, error: &Error) -> FlowResult {
    FlowResult {
        attempts,
        outcome: error.to_string(),
        expected: false,
    }
}

async fn count_since(fake: &FakeInstagram, suffix: &str, before: usize) -> u32 {
    let now = fake.request_count("POST", suffix).await;
    u32::try_from(now.saturating_sub(before)).unwrap_or(u32::MAX)
}

async fn count_get_since(fake: &FakeInstagram, suffix: &str, before: usize) -> u32 {
    let now = fake.request_count("GET", suffix).await;
    u32::try_from(now.saturating_sub(before)).unwrap_or(u32::MAX)
}
