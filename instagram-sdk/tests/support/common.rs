//! Helpers shared by the integration tests: clients against a wiremock
//! server with a manual clock, fixtures, strict mocks and the loud
//! catch-all mock.

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use instagram_sdk::{Client, ClientBuilder};
use social_core::testing::ManualTimer;
use social_core::{HttpSettings, PollSettings, RetryPolicy};
use wiremock::matchers::{any, body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const IG_USER_ID: &str = "17841400000000001";
pub const PAGE_ID: &str = "1234567890";
pub const CONTAINER_ID: &str = "17900000000000001";
pub const MEDIA_ID: &str = "17920000000000009";
pub const TOKEN: &str = "IGAAtestToken";
pub const PAGE_TOKEN: &str = "EAAtestPageToken";
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

/// Returns the path of the real media files of the repository.
pub fn asset(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/media")
        .join(name)
}

/// Returns `/v26.0/<rest>`.
pub fn graph_path(rest: &str) -> String {
    format!("/{VERSION}/{rest}")
}

/// Returns the polling used by the tests: 1 s doubling to 4 s, for up to 60 s.
pub fn polling() -> PollSettings {
    PollSettings {
        initial_interval: Duration::from_secs(1),
        max_interval: Duration::from_secs(4),
        deadline: Duration::from_secs(60),
    }
}

/// Returns an Instagram Login builder against `server` with the account id set,
/// a manual clock and fast polling.
pub fn builder(server: &MockServer, timer: &Arc<ManualTimer>) -> ClientBuilder {
    Client::instagram_login()
        .access_token(TOKEN)
        .ig_user_id(IG_USER_ID)
        .graph_url(server.uri())
        .rupload_url(format!("{}/rupload/", server.uri()))
        .http_settings(
            HttpSettings::default()
                .no_proxy()
                .request_timeout(Duration::from_secs(5)),
        )
        .retry_policy(RetryPolicy::default())
        .poll_settings(polling())
        .timer(timer.clone())
}

/// Returns a client for `server` (see [`builder`]).
pub fn client(server: &MockServer, timer: &Arc<ManualTimer>) -> Client {
    builder(server, timer).build().expect("valid test client")
}

/// Returns the `Authorization` header of the test token.
pub fn bearer() -> String {
    format!("Bearer {TOKEN}")
}

/// Mounts the catch-all that returns 599 and expects no call, so an
/// unexpected request fails the test.
pub async fn catch_all(server: &MockServer) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599).set_body_string("unexpected request"))
        .with_priority(u8::MAX)
        .expect(0)
        .named("catch-all")
        .mount(server)
        .await;
}

/// Mounts `POST /{ig}/media` with exactly `fields` as the JSON body.
pub async fn mount_create(
    server: &MockServer,
    fields: serde_json::Value,
    response: impl Respond + 'static,
    times: u64,
) {
    Mock::given(method("POST"))
        .and(path(graph_path(&format!("{IG_USER_ID}/media"))))
        .and(header("authorization", bearer().as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(fields))
        .respond_with(response)
        .expect(times)
        .named("create container")
        .mount(server)
        .await;
}

/// Mounts the status read of `container` returning `responses` in turn
/// (the last one repeats), and returns the counter of reads.
pub async fn mount_status(
    server: &MockServer,
    container: &str,
    responses: Vec<ResponseTemplate>,
    times: u64,
) -> Arc<AtomicUsize> {
    let sequence = Sequence::new(responses);
    let count = sequence.count.clone();
    Mock::given(method("GET"))
        .and(path(graph_path(container)))
        .and(query_param("fields", "status_code,status"))
        .and(header("authorization", bearer().as_str()))
        .respond_with(sequence)
        .expect(times)
        .named("container status")
        .mount(server)
        .await;
    count
}

/// Mounts `media_publish` of `container`.
pub async fn mount_publish(
    server: &MockServer,
    container: &str,
    response: impl Respond + 'static,
    times: u64,
) {
    Mock::given(method("POST"))
        .and(path(graph_path(&format!("{IG_USER_ID}/media_publish"))))
        .and(header("authorization", bearer().as_str()))
        .and(body_json(serde_json::json!({"creation_id": container})))
        .respond_with(response)
        .expect(times)
        .named("media_publish")
        .mount(server)
        .await;
}

/// Mounts the read-back of the published media.
pub async fn mount_read_back(server: &MockServer, response: ResponseTemplate, times: u64) {
    Mock::given(method("GET"))
        .and(path(graph_path(MEDIA_ID)))
        .and(query_param(
            "fields",
            "id,permalink,media_type,media_product_type,timestamp,shortcode",
        ))
        .respond_with(response)
        .expect(times)
        .named("read back")
        .mount(server)
        .await;
}

/// A responder that returns a list in turn, repeating the last, and counts calls.
pub struct Sequence {
    responses: Vec<ResponseTemplate>,
    pub count: Arc<AtomicUsize>,
}

impl Sequence {
    pub fn new(responses: Vec<ResponseTemplate>) -> Sequence {
        Sequence {
            responses,
            count: Arc::new(AtomicUsize::new(0)),
        }
    }
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.count.fetch_add(1, Ordering::SeqCst);
        let last = self.responses.len().saturating_sub(1);
        self.responses[n.min(last)].clone()
    }
}
