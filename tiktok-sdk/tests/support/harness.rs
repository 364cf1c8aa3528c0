//! Shared helpers of the integration tests, included by each test file with
//! `#[path = "support/harness.rs"] mod harness;`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use social_core::testing::ManualTimer;
use social_core::{HttpSettings, RetryPolicy};
use tiktok_sdk::{Client, ClientBuilder};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The token the plain-wiremock tests send.
pub const TOKEN: &str = "act.test-token-0123456789";

/// Returns settings for tests: no proxy from the environment, short timeouts.
pub fn settings() -> HttpSettings {
    HttpSettings::default()
        .no_proxy()
        .request_timeout(Duration::from_secs(5))
        .chunk_timeout(Duration::from_secs(10))
}

/// Returns a builder aimed at `base_url`, with a manual clock and test settings.
pub fn builder(base_url: &str, timer: &Arc<ManualTimer>) -> ClientBuilder {
    Client::builder()
        .base_url(base_url)
        .access_token(TOKEN)
        .http_settings(settings())
        .retry_policy(RetryPolicy::default().with_max_attempts(4))
        .timer(timer.clone())
}

/// Returns a client aimed at a wiremock server.
pub fn client(server: &MockServer, timer: &Arc<ManualTimer>) -> Client {
    builder(&server.uri(), timer).build().expect("client")
}

/// Mounts a mock that responds with 599 to any request no other mock matched,
/// so an unexpected request fails the test.
pub async fn catch_all(server: &MockServer) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599).set_body_string("unexpected request"))
        .with_priority(u8::MAX)
        .mount(server)
        .await;
}

/// Returns the text of `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// Returns a JSON response with the fixture `name` as its body.
pub fn json_fixture(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json; charset=utf-8")
}

/// Writes `size` bytes that start with an MP4 `ftyp` box and continue with
/// deterministic pseudo-random bytes. Chunk-protocol tests need the size and
/// the type, not a playable video.
pub fn mp4_bytes(size: usize) -> Vec<u8> {
    let mut bytes = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    while bytes.len() < size {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        bytes.extend_from_slice(&seed.to_le_bytes());
    }
    bytes.truncate(size);
    bytes
}

/// Writes [`mp4_bytes`] to `name` in `dir`.
pub fn mp4_file(dir: &Path, name: &str, size: usize) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, mp4_bytes(size)).expect("write test video");
    path
}

/// Returns the path of a file in the workspace's `assets/media`.
pub fn asset(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/media")
        .join(name)
}

/// Returns a manual clock.
pub fn timer() -> Arc<ManualTimer> {
    Arc::new(ManualTimer::new())
}

/// Returns a JSON response with the fixture `name`, `{{BASE}}` replaced by `base`.
pub fn json_fixture_at(status: u16, name: &str, base: &str) -> ResponseTemplate {
    let body = fixture(name).replace("{{BASE}}", base.trim_end_matches('/'));
    ResponseTemplate::new(status).set_body_raw(body, "application/json; charset=utf-8")
}

/// Returns a response with the fixture `name` and the given content type.
pub fn raw_fixture(status: u16, name: &str, content_type: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), content_type)
}

/// Starts a mock that matches the method, the path, and the bearer token and
/// JSON content type TikTok requires.
pub fn json_call(verb: &str, route: &str) -> wiremock::MockBuilder {
    use wiremock::matchers::{header, method, path};
    Mock::given(method(verb))
        .and(path(route))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json; charset=UTF-8"))
}

/// The creator info path.
pub const CREATOR_INFO: &str = "/v2/post/publish/creator_info/query/";
/// The direct post video init path.
pub const VIDEO_INIT: &str = "/v2/post/publish/video/init/";
/// The inbox video init path.
pub const INBOX_INIT: &str = "/v2/post/publish/inbox/video/init/";
/// The photo init path.
pub const CONTENT_INIT: &str = "/v2/post/publish/content/init/";
/// The status path.
pub const STATUS: &str = "/v2/post/publish/status/fetch/";
/// The cancel path.
pub const CANCEL: &str = "/v2/post/publish/cancel/";
