//! Secrets never appear in `Debug`, `Display`, errors or logs.

#[path = "support/harness.rs"]
mod harness;

use std::io::Write;
use std::sync::{Arc, Mutex};

use social_core::{MediaSource, Secret, TokenSet};
use tiktok_sdk::auth::{AuthorizedUser, OAuthClient, PkceVerifier};
use tiktok_sdk::testing::{FAKE_CLIENT_KEY, FAKE_CLIENT_SECRET, FakeTikTok};
use tiktok_sdk::{Client, PostInfo, PrivacyLevel};

const ACCESS: &str = "act.secret-access-value";
const REFRESH: &str = "rft.secret-refresh-value";
const CLIENT_SECRET: &str = "secret-client-value";
const VERIFIER: &str = "secret-verifier-value-0123456789-0123456789-abc";

fn assert_hidden(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "`{secret}` leaked into: {text}");
    }
}

#[tokio::test]
async fn secrets_never_printed() {
    let oauth_builder = OAuthClient::builder("app-key", CLIENT_SECRET);
    let oauth = OAuthClient::builder("app-key", CLIENT_SECRET)
        .build()
        .expect("oauth");
    let tokens = TokenSet::new(ACCESS).with_refresh_token(REFRESH);
    let provider = oauth.token_provider(tokens.clone());
    let client_builder = Client::builder().access_token(ACCESS);
    let client = Client::builder()
        .access_token(ACCESS)
        .build()
        .expect("client");
    let verifier = PkceVerifier::new(VERIFIER).expect("verifier");

    let printed = [
        format!("{oauth_builder:?}"),
        format!("{oauth:?}"),
        format!("{tokens:?}"),
        format!("{provider:?}"),
        format!("{client_builder:?}"),
        format!("{client:?}"),
        format!("{verifier:?}"),
    ];

    for text in &printed {
        assert_hidden(text, &[ACCESS, REFRESH, CLIENT_SECRET, VERIFIER]);
    }
    assert!(printed[0].contains("[redacted]"), "{}", printed[0]);
    assert!(printed[4].contains("[redacted]"), "{}", printed[4]);
}

#[tokio::test]
async fn upload_session_hides_upload_token() {
    let fake = FakeTikTok::start().await;
    let client = fake
        .client_builder()
        .http_settings(harness::settings())
        .timer(harness::timer())
        .build()
        .expect("client");

    let started = client
        .inbox_upload(MediaSource::file(harness::asset("sample.mp4")))
        .init()
        .await
        .expect("init");

    let debug = format!("{started:?}");
    assert!(!debug.contains("upload_token"), "{debug}");
    assert!(!debug.contains("fake-upload-token"), "{debug}");
    assert!(debug.contains("/upload/video/"), "{debug}");
}

#[tokio::test]
async fn authorized_user_debug_hides_tokens() {
    let fake = FakeTikTok::start().await;
    let oauth = OAuthClient::builder(FAKE_CLIENT_KEY, FAKE_CLIENT_SECRET)
        .token_url(fake.token_url())
        .http_settings(harness::settings())
        .build()
        .expect("oauth");

    let user: AuthorizedUser = oauth
        .refresh_access_token(&Secret::new(fake.refresh_token()))
        .await
        .expect("refreshed");

    let debug = format!("{user:?}");
    assert_hidden(&debug, &[&fake.access_token(), &fake.refresh_token()]);
}

#[tokio::test]
async fn errors_never_carry_secrets() {
    let fake = FakeTikTok::start().await;
    let oauth = OAuthClient::builder(FAKE_CLIENT_KEY, CLIENT_SECRET)
        .token_url(fake.token_url())
        .http_settings(harness::settings())
        .build()
        .expect("oauth");
    let client = Client::builder()
        .base_url(fake.uri())
        .access_token(ACCESS)
        .http_settings(harness::settings())
        .build()
        .expect("client");

    let refresh = oauth
        .refresh_access_token(&Secret::new(REFRESH))
        .await
        .expect_err("wrong secret");
    let call = client.creator_info().await.expect_err("unknown token");

    for err in [refresh, call] {
        let rendered = format!("{err} / {err:?}");
        assert_hidden(&rendered, &[ACCESS, REFRESH, CLIENT_SECRET]);
    }
}

/// Collects everything the fmt subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn logs_never_carry_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let fake = FakeTikTok::builder()
        .fail_chunk(0, 503, 1)
        .processing_polls(1)
        .start()
        .await;
    let oauth = OAuthClient::builder(FAKE_CLIENT_KEY, FAKE_CLIENT_SECRET)
        .token_url(fake.token_url())
        .http_settings(harness::settings())
        .build()
        .expect("oauth");
    let first_access = fake.access_token();
    let first_refresh = fake.refresh_token();
    let provider = oauth.token_provider(
        TokenSet::new(first_access.clone()).with_refresh_token(first_refresh.clone()),
    );
    let client = Client::builder()
        .base_url(fake.uri())
        .token_provider(Arc::new(provider))
        .http_settings(harness::settings())
        .timer(harness::timer())
        .build()
        .expect("client");
    fake.expire_access_token();

    let outcome = client
        .direct_post(
            MediaSource::file(harness::asset("sample.mp4")),
            PostInfo::new(PrivacyLevel::SelfOnly),
        )
        .send()
        .await
        .expect("posted after a refresh and a retried chunk");

    let logs = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf-8");
    assert!(logs.contains("retrying request"), "the retry is logged");
    assert!(
        logs.contains(&outcome.publish_id),
        "the publish id is logged"
    );
    assert_hidden(
        &logs,
        &[
            &first_access,
            &first_refresh,
            &fake.access_token(),
            &fake.refresh_token(),
            FAKE_CLIENT_SECRET,
            "fake-upload-token",
        ],
    );
}
