//! Helpers shared by the integration tests: a client against a wiremock
//! server with a manual clock, fixtures, and the loud catch-all mock.

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use facebook_sdk::{Client, ClientBuilder};
use social_core::testing::ManualTimer;
use social_core::{HttpSettings, PollSettings, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const PAGE_ID: &str = "1234567890";
pub const PAGE_TOKEN: &str = "EAAtestPageToken";
pub const USER_TOKEN: &str = "EAAtestUserToken";
pub const VERSION: &str = "v26.0";

/// Returns the path of a fixture file.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Returns a fixture's text.
pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).expect("fixture exists")
}

/// Returns a fixture as a JSON response with `status`.
pub fn json_fixture(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json; charset=UTF-8")
}

/// Returns the HTML error page with `status`.
pub fn html_page(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_raw(fixture("html_error_page.html"), "text/html; charset=utf-8")
}

/// Returns a path under the fake Graph host, such as `/v26.0/123/feed`.
pub fn graph_path(rest: &str) -> String {
    format!("/{VERSION}/{rest}")
}

/// Returns a path under the fake video host.
pub fn video_path(rest: &str) -> String {
    format!("/video/{VERSION}/{rest}")
}

/// Mounts the catch-all that returns 599, so an unexpected request fails the test.
pub async fn catch_all(server: &MockServer) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599).set_body_string("unexpected request"))
        .with_priority(u8::MAX)
        .expect(0)
        .named("catch-all")
        .mount(server)
        .await;
}

/// Returns a builder for the test Page against `server`, with a manual clock,
/// fast polling and the default retry policy.
pub fn builder(server: &MockServer, timer: &Arc<ManualTimer>) -> ClientBuilder {
    Client::builder()
        .page_id(PAGE_ID)
        .page_token(PAGE_TOKEN)
        .graph_url(server.uri())
        .video_url(format!("{}/video/", server.uri()))
        .rupload_url(format!("{}/rupload/", server.uri()))
        .http_settings(
            HttpSettings::default()
                .no_proxy()
                .request_timeout(Duration::from_secs(5)),
        )
        .retry_policy(RetryPolicy::default())
        .poll_settings(PollSettings {
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(4),
            deadline: Duration::from_secs(60),
        })
        .timer(timer.clone())
}

/// Returns a client for the test Page against `server`.
pub fn client(server: &MockServer, timer: &Arc<ManualTimer>) -> Client {
    builder(server, timer).build().expect("valid test client")
}

/// Returns the `Authorization` header the Page token produces.
pub fn page_auth() -> String {
    format!("Bearer {PAGE_TOKEN}")
}
