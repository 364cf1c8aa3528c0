//! X flows: text, image and segmented video posts against `FakeX`, with an
//! HTML 503 page, a 429 with `Retry-After`, a dropped connection during an
//! append, an expired OAuth 2.0 token, a duplicate, and a 503 after the post
//! was stored.

use std::sync::Arc;

use social_core::http::Method;
use social_core::{Delivery, Error, ErrorKind, HttpSettings, TokenSet};
use twitter_sdk::testing::{FakeX, Fault, ProcessingScript, ProcessingStep};
use twitter_sdk::{Client, MediaUpload, NewPost, OAuth1Credentials, OAuth2App};

use super::{DemoContext, Flow, FlowResult};

const PLATFORM: &str = "X";
const TEXT: &str = "Hello! It's (50%) off* — £5 🎉";

pub(crate) async fn run(ctx: &DemoContext) -> Vec<Flow> {
    let fake = FakeX::start().await;
    let client = match oauth1_client(&fake) {
        Ok(client) => client,
        Err(error) => return vec![setup_failed(error)],
    };

    vec![
        ctx.flow(PLATFORM, "post text (OAuth 1.0a, RFC 3986 signing)", || {
            post_text(&fake, &client)
        })
        .await,
        ctx.flow(PLATFORM, "post image (HTML 503 page on upload)", || {
            post_image(ctx, &fake, &client)
        })
        .await,
        ctx.flow(
            PLATFORM,
            "post video (connection dropped mid-append)",
            || post_video(ctx, &fake, &client),
        )
        .await,
        ctx.flow(PLATFORM, "post after 429 with Retry-After: 1", || {
            post_after_429(&fake, &client)
        })
        .await,
        ctx.flow(PLATFORM, "post with expired OAuth 2.0 token", || {
            post_with_expired_token(&fake)
        })
        .await,
        ctx.flow(PLATFORM, "post duplicate text", || {
            post_duplicate(&fake, &client)
        })
        .await,
        ctx.flow(PLATFORM, "post answered 503 after it was stored", || {
            post_after_commit(&fake, &client)
        })
        .await,
        ctx.flow(PLATFORM, "video whose processing fails", || {
            failed_processing(ctx, &fake, &client)
        })
        .await,
    ]
}

fn setup_failed(error: Error) -> Flow {
    Flow {
        platform: PLATFORM,
        operation: "set up the client".to_owned(),
        attempts: 0,
        outcome: error.to_string(),
        expected: false,
        elapsed: std::time::Duration::ZERO,
    }
}

fn oauth1_client(fake: &FakeX) -> social_core::Result<Client> {
    let keys = fake.oauth1();
    let credentials = OAuth1Credentials::new(
        keys.consumer_key,
        keys.consumer_secret,
        keys.token,
        keys.token_secret,
    )?;
    Client::builder()
        .base_url(fake.base_url())
        .http_settings(HttpSettings::default().no_proxy())
        .chunk_size(256 * 1024)
        .oauth1(credentials)
        .build()
}

fn outcome<T>(result: &social_core::Result<T>, describe: impl Fn(&T) -> String) -> String {
    match result {
        Ok(value) => describe(value),
        Err(error) => format!("error: {error}"),
    }
}

async fn post_text(fake: &FakeX, client: &Client) -> FlowResult {
    let result = client.create_post(&NewPost::new(TEXT)).await;
    let stored = fake.posts().iter().any(|p| p.text == TEXT);
    FlowResult {
        attempts: fake.request_count("POST", "/2/tweets") as u32,
        outcome: outcome(&result, |post| format!("post {}", post.id)),
        expected: result.is_ok() && stored,
    }
}

async fn post_image(ctx: &DemoContext, fake: &FakeX, client: &Client) -> FlowResult {
    fake.inject(Fault::HtmlServiceUnavailable {
        method: Method::POST,
        path_prefix: "/2/media/upload".to_owned(),
        times: 1,
    });
    let upload = MediaUpload::file(ctx.media("sample.jpg"))
        .alt_text("A test card with colour bars")
        .progress(ctx.progress("X image sample.jpg"));
    let result = async {
        let image = client.upload_media(upload).await?;
        client
            .create_post(&NewPost::new("A test card").media(&image))
            .await
    }
    .await;
    let uploads = fake.request_count("POST", "/2/media/upload") as u32;
    let attached = result
        .as_ref()
        .ok()
        .and_then(|post| fake.posts().into_iter().find(|p| p.id == post.id))
        .is_some_and(|p| p.media_ids.len() == 1);
    FlowResult {
        attempts: uploads,
        outcome: outcome(&result, |post| {
            format!("post {} with image, upload retried once", post.id)
        }),
        expected: attached && uploads == 2,
    }
}

async fn post_video(ctx: &DemoContext, fake: &FakeX, client: &Client) -> FlowResult {
    fake.set_processing(ProcessingScript::succeeds_after(2));
    fake.inject(Fault::DropConnection {
        method: Method::POST,
        path_prefix: "/2/media/upload/*/append".to_owned(),
        times: 1,
    });
    let path = ctx.media("sample.mp4");
    let before = fake.request_count("POST", "/2/media/upload/");
    let upload = MediaUpload::file(&path).progress(ctx.progress("X video sample.mp4"));
    let media = client.upload_media(upload).await;
    let result = match &media {
        Ok(video) => {
            client
                .create_post(&NewPost::new("A test video").media(video))
                .await
        }
        Err(error) => Err(copy_error(error)),
    };
    // Initialize, the appends and finalize; the dropped append never reached the fake.
    let upload_calls = (fake.request_count("POST", "/2/media/upload/") - before) as u32;
    let intact = media
        .as_ref()
        .ok()
        .and_then(|m| fake.uploaded_media(&m.id))
        .zip(std::fs::read(&path).ok())
        .is_some_and(|(received, file)| received == file);
    FlowResult {
        attempts: upload_calls + fake.dropped_connections() as u32,
        outcome: outcome(&result, |post| {
            format!(
                "post {}; {} connection dropped, bytes identical",
                post.id,
                fake.dropped_connections()
            )
        }),
        expected: result.is_ok() && intact && fake.dropped_connections() == 1,
    }
}

/// Keeps an error's text for the table when the error itself moved.
fn copy_error(error: &Error) -> Error {
    Error::invalid_input("demo", error.to_string())
}

async fn post_after_429(fake: &FakeX, client: &Client) -> FlowResult {
    fake.inject(Fault::TooManyRequests {
        method: Method::POST,
        path_prefix: "/2/tweets".to_owned(),
        times: 1,
        retry_after_secs: 1,
    });
    let before = fake.request_count("POST", "/2/tweets");
    let stored_before = fake.posts().len();
    let result = client
        .create_post(&NewPost::new("Posted after a short wait"))
        .await;
    let attempts = (fake.request_count("POST", "/2/tweets") - before) as u32;
    FlowResult {
        attempts,
        outcome: outcome(&result, |post| {
            format!("post {} after waiting 1 s", post.id)
        }),
        expected: result.is_ok() && attempts == 2 && fake.posts().len() == stored_before + 1,
    }
}

async fn post_with_expired_token(fake: &FakeX) -> FlowResult {
    let keys = fake.oauth2();
    let persisted = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = persisted.clone();
    let result = async {
        let app = OAuth2App::new(keys.client_id.clone(), "http://127.0.0.1/callback")?
            .client_secret(keys.client_secret.clone())?
            .token_url(&format!("{}2/oauth2/token", fake.base_url()))?;
        let tokens =
            TokenSet::new(keys.access_token.clone()).with_refresh_token(keys.refresh_token.clone());
        let callback: social_core::auth::TokenCallback = Arc::new(move |set: &TokenSet| {
            if let Ok(mut list) = seen.lock() {
                list.push(set.refresh_token.clone());
            }
        });
        let client = Client::builder()
            .base_url(fake.base_url())
            .http_settings(HttpSettings::default().no_proxy())
            .oauth2(app, tokens, Some(callback))
            .build()?;
        fake.expire_access_token();
        client
            .create_post(&NewPost::new("Posted with a refreshed token"))
            .await
    }
    .await;
    let refreshes = fake.refresh_count();
    let handed_over = persisted.lock().map(|list| list.len()).unwrap_or(0);
    FlowResult {
        attempts: 2,
        outcome: outcome(&result, |post| {
            format!(
                "post {}; {refreshes} refresh, rotated token handed to the app",
                post.id
            )
        }),
        expected: result.is_ok() && refreshes == 1 && handed_over == 1,
    }
}

async fn post_duplicate(fake: &FakeX, client: &Client) -> FlowResult {
    let before = fake.request_count("POST", "/2/tweets");
    let result = client.create_post(&NewPost::new(TEXT)).await;
    let attempts = (fake.request_count("POST", "/2/tweets") - before) as u32;
    let duplicate = matches!(&result, Err(error) if error.kind() == ErrorKind::Duplicate);
    FlowResult {
        attempts,
        outcome: outcome(&result, |post| format!("unexpectedly posted {}", post.id)),
        expected: duplicate && attempts == 1,
    }
}

async fn post_after_commit(fake: &FakeX, client: &Client) -> FlowResult {
    fake.inject(Fault::ServerErrorAfterCommit {
        method: Method::POST,
        path_prefix: "/2/tweets".to_owned(),
        times: 1,
        status: 503,
    });
    let text = "Stored, then answered 503";
    let result = client.create_post(&NewPost::new(text)).await;
    let copies = fake.posts().iter().filter(|p| p.text == text).count();
    let unknown = matches!(&result, Err(error) if error.delivery() == Some(Delivery::Unknown));
    FlowResult {
        attempts: 1,
        outcome: match &result {
            Err(_) if unknown => format!("not re-sent: delivery unknown, {copies} copy stored"),
            other => outcome(other, |post| format!("unexpectedly succeeded {}", post.id)),
        },
        expected: unknown && copies == 1,
    }
}

async fn failed_processing(ctx: &DemoContext, fake: &FakeX, client: &Client) -> FlowResult {
    fake.set_processing(ProcessingScript::new([
        ProcessingStep::in_progress(33, 1),
        ProcessingStep::invalid_media(),
    ]));
    let posts_before = fake.posts().len();
    let result = client
        .upload_media(
            MediaUpload::file(ctx.media("sample.mp4"))
                .progress(ctx.progress("X video (will fail)")),
        )
        .await;
    let processing_failed = matches!(&result, Err(Error::Processing(_)));
    FlowResult {
        attempts: 1,
        outcome: outcome(&result, |media| format!("unexpectedly ready {}", media.id)),
        expected: processing_failed && fake.posts().len() == posts_before,
    }
}
