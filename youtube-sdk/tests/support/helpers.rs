//! Helpers shared by the integration tests: test files, clients on the
//! fake with a manual clock, and a loud catch-all mock.

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use social_core::testing::ManualTimer;
use social_core::{RetryPolicy, Secret, StaticToken, TokenProvider};
use wiremock::{Mock, MockServer, ResponseTemplate};
use youtube_sdk::testing::FakeYouTube;
use youtube_sdk::{Client, ClientBuilder};

pub const KIB: u64 = 1024;
pub const MIB: u64 = 1024 * 1024;
pub const GRANULE: u64 = 256 * KIB;

/// Writes a temporary file of `len` bytes that starts like an MP4 and then
/// contains a position-dependent pattern, so a byte sent at the wrong offset changes
/// the digest.
pub fn video_file(len: u64) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("clip.mp4");
    let mut data = Vec::with_capacity(len as usize);
    data.extend_from_slice(b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom");
    let mut x: u32 = 0x9e37_79b9;
    while (data.len() as u64) < len {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data.extend_from_slice(&x.to_le_bytes());
    }
    data.truncate(len as usize);
    std::fs::write(&path, &data).expect("write test file");
    (dir, path)
}

/// Returns the path of a file in the repository's `assets/media`.
pub fn asset(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/media")
        .join(name)
}

/// Reads a fixture body.
pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

pub fn timer() -> Arc<ManualTimer> {
    Arc::new(ManualTimer::new())
}

/// Retries fast and often enough for the fault tests.
pub fn upload_policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(6)
        .with_base_delay(Duration::from_millis(100))
        .with_max_delay(Duration::from_secs(2))
}

/// Builds a client on the fake, with the fake's refresh token and a manual clock.
pub fn fake_builder(fake: &FakeYouTube, timer: &Arc<ManualTimer>) -> ClientBuilder {
    fake.client_builder()
        .timer(timer.clone())
        .upload_retry_policy(upload_policy())
        .http_settings(social_core::HttpSettings::default().no_proxy())
}

/// Builds a client on a plain wiremock server with a fixed access token.
pub fn mock_builder(server: &MockServer, timer: &Arc<ManualTimer>) -> ClientBuilder {
    Client::builder()
        .root_url(format!("{}/", server.uri()))
        .token_provider(static_token("ya29.test-token"))
        .timer(timer.clone())
        .upload_retry_policy(upload_policy())
        .http_settings(social_core::HttpSettings::default().no_proxy())
}

pub fn static_token(token: &str) -> Arc<dyn TokenProvider> {
    Arc::new(StaticToken::new(social_core::Platform::YouTube, Secret::new(token)).expect("token"))
}

/// Mounts a mock that responds 599 to any request no other mock matched,
/// and expects to match none.
pub async fn mount_catch_all(server: &MockServer) {
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(599).set_body_string("unexpected request"))
        .with_priority(u8::MAX)
        .expect(0)
        .named("catch-all")
        .mount(server)
        .await;
}
