//! Bad input is rejected with `InvalidInput` naming the field, before any
//! request is sent.

#[path = "support/harness.rs"]
mod harness;

use social_core::{Error, MediaSource};
use tiktok_sdk::{Client, CreatorInfo, PostInfo, PrivacyLevel};
use wiremock::MockServer;

fn field(err: &Error) -> Option<&str> {
    match err {
        Error::InvalidInput(input) => Some(input.field()),
        _ => None,
    }
}

fn self_only() -> CreatorInfo {
    CreatorInfo::new(vec![PrivacyLevel::SelfOnly])
}

#[test]
fn bad_client_settings_rejected() {
    let cases = [
        (Client::builder().build(), "access_token"),
        (
            Client::builder().access_token("   ").build(),
            "access_token",
        ),
        (
            Client::builder()
                .access_token("act.x")
                .base_url("http://open.tiktokapis.com")
                .build(),
            "base_url",
        ),
        (
            Client::builder()
                .access_token("act.x")
                .base_url("https://open.tiktokapis.com/?x=1")
                .build(),
            "base_url",
        ),
        (
            Client::builder()
                .access_token("act.x")
                .api_version("v2/../v1")
                .build(),
            "api_version",
        ),
    ];
    for (result, expected) in cases {
        let err = result.expect_err(expected);

        assert_eq!(field(&err), Some(expected), "{err}");
    }
}

#[tokio::test]
async fn bad_videos_rejected_before_requests() {
    let server = MockServer::start().await;
    harness::catch_all(&server).await;
    let client = harness::client(&server, &harness::timer());
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("empty.mp4");
    std::fs::write(&empty, b"").expect("write");
    let huge = dir.path().join("huge.mp4");
    std::fs::File::create(&huge)
        .and_then(|f| f.set_len(4_000_000_001))
        .expect("sparse file");
    let http_url =
        MediaSource::Url(url::Url::parse("http://media.example.com/a.mp4").expect("url"));
    let cases = [
        (
            MediaSource::file(dir.path().join("missing.mp4")),
            PostInfo::new(PrivacyLevel::SelfOnly),
            "video",
        ),
        (
            MediaSource::file(dir.path()),
            PostInfo::new(PrivacyLevel::SelfOnly),
            "video",
        ),
        (
            MediaSource::file(harness::asset("sample.jpg")),
            PostInfo::new(PrivacyLevel::SelfOnly),
            "video",
        ),
        (
            MediaSource::file(&empty),
            PostInfo::new(PrivacyLevel::SelfOnly),
            "video_size",
        ),
        (
            MediaSource::file(&huge),
            PostInfo::new(PrivacyLevel::SelfOnly),
            "video",
        ),
        (http_url, PostInfo::new(PrivacyLevel::SelfOnly), "video_url"),
        (
            MediaSource::file(harness::asset("sample.mp4")),
            PostInfo::new(PrivacyLevel::SelfOnly).title("a".repeat(2201)),
            "title",
        ),
        (
            MediaSource::file(harness::asset("sample.mp4")),
            PostInfo::new(PrivacyLevel::SelfOnly).video_cover_timestamp_ms(u32::MAX),
            "video_cover_timestamp_ms",
        ),
    ];

    for (video, post, expected) in cases {
        let err = client
            .direct_post(video, post)
            .creator_info(self_only())
            .send()
            .await
            .expect_err(expected);

        assert_eq!(field(&err), Some(expected), "{err}");
    }
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(0));
}

#[tokio::test]
async fn wrong_type_names_type() {
    let server = MockServer::start().await;
    harness::catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .inbox_upload(MediaSource::file(harness::asset("sample.png")))
        .send()
        .await
        .expect_err("a PNG");

    assert!(err.to_string().contains("image/png"), "{err}");
    assert!(err.to_string().contains("MP4, MOV"), "{err}");
}

#[tokio::test]
async fn chunk_size_out_of_bounds_rejected() {
    let server = MockServer::start().await;
    harness::catch_all(&server).await;
    let client = harness::client(&server, &harness::timer());

    for bytes in [1_000_000, 64_000_001] {
        let err = client
            .inbox_upload(MediaSource::file(harness::asset("sample.mp4")))
            .chunk_size(bytes)
            .send()
            .await
            .expect_err("out of bounds");

        assert_eq!(field(&err), Some("chunk_size"), "{bytes}: {err}");
    }
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(0));
}

#[tokio::test]
async fn empty_publish_id_rejected() {
    let server = MockServer::start().await;
    harness::catch_all(&server).await;
    let client = harness::client(&server, &harness::timer());

    let fetch = client.fetch_status("").await.expect_err("empty");
    let wait = client.wait_for_publish(" ").await.expect_err("blank");
    let cancel = client.cancel("").await.expect_err("empty");

    for err in [fetch, wait, cancel] {
        assert_eq!(field(&err), Some("publish_id"), "{err}");
    }
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(0));
}

#[tokio::test]
async fn bytes_in_memory_upload() {
    let fake = tiktok_sdk::testing::FakeTikTok::builder()
        .processing_polls(0)
        .start()
        .await;
    let client = fake
        .client_builder()
        .http_settings(harness::settings())
        .timer(harness::timer())
        .build()
        .expect("client");
    let bytes = harness::mp4_bytes(1_000_000);

    let outcome = client
        .inbox_upload(MediaSource::bytes(bytes.clone(), Some("clip.mp4")))
        .send()
        .await
        .expect("uploaded from memory");

    assert_eq!(fake.received_bytes(&outcome.publish_id), Some(bytes));
}

#[test]
fn api_version_of_dots_rejected() {
    for version in [".", ".."] {
        let err = Client::builder()
            .access_token("act.x")
            .api_version(version)
            .build()
            .expect_err(version);

        assert_eq!(field(&err), Some("api_version"), "{err}");
    }
}
