//! Shared setup for the integration tests: a client aimed at a wiremock
//! server on 127.0.0.1, with a manual clock so no test sleeps for real.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use social_core::testing::ManualTimer;
use social_core::{HttpSettings, RetryPolicy};
use twitter_sdk::{Client, ClientBuilder, OAuth1Credentials};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The consumer key of X's signature test vector.
pub const CONSUMER_KEY: &str = "CONSUMER_KEY_PLACEHOLDER";
/// The consumer secret of the test vector.
pub const CONSUMER_SECRET: &str = "CONSUMER_SECRET_PLACEHOLDER";
/// The access token of the test vector.
pub const ACCESS_TOKEN: &str = "ACCESS_TOKEN_PLACEHOLDER";
/// The token secret of the test vector.
pub const TOKEN_SECRET: &str = "TOKEN_SECRET_PLACEHOLDER";

/// OAuth 1.0a credentials made of the test-vector values.
pub fn credentials() -> OAuth1Credentials {
    OAuth1Credentials::new(CONSUMER_KEY, CONSUMER_SECRET, ACCESS_TOKEN, TOKEN_SECRET)
        .expect("credentials")
}

/// A builder aimed at `server` with fast, bounded retries and a manual clock.
pub fn builder(server: &MockServer, timer: &Arc<ManualTimer>) -> ClientBuilder {
    Client::builder()
        .base_url(&server.uri())
        .http_settings(
            HttpSettings::default()
                .no_proxy()
                .request_timeout(Duration::from_secs(5)),
        )
        .retry_policy(RetryPolicy::default().with_max_attempts(3))
        .timer(timer.clone())
}

/// An OAuth 1.0a client aimed at `server`.
pub fn client(server: &MockServer) -> (Client, Arc<ManualTimer>) {
    let timer = Arc::new(ManualTimer::new());
    let client = builder(server, &timer)
        .oauth1(credentials())
        .build()
        .expect("client");
    (client, timer)
}

/// Mounts a mock that answers any request no other mock matched with 599,
/// so an unexpected request fails the test loudly.
pub async fn catch_all(server: &MockServer) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599).set_body_string("unexpected request"))
        .with_priority(u8::MAX)
        .named("catch-all: unexpected request")
        .expect(0)
        .mount(server)
        .await;
}

/// Reads a fixture file from `tests/fixtures`.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// Parses a fixture as JSON.
pub fn fixture_json(name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(name)).expect("fixture is JSON")
}

/// Returns the `Authorization` header values of the requests `server` got.
pub async fn authorization_headers(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|r| {
            r.headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .collect()
}
