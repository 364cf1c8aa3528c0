//! Direct video posts: the init body, the exact chunk `PUT`s, init errors.

#[path = "support/harness.rs"]
mod harness;

use std::sync::{Arc, Mutex};

use harness::{STATUS, VIDEO_INIT, catch_all, json_call, json_fixture, json_fixture_at};
use serde_json::json;
use social_core::{Delivery, Error, ErrorKind, MediaSource, ProgressCallback, UnexpectedBody};
use tiktok_sdk::{CreatorInfo, PostInfo, PostStatus, PrivacyLevel};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const UPLOAD_ID: &str = "7301234567890123456";
const UPLOAD_TOKEN: &str = "e3b0c442-98fc-1c14-9afb-f4c8996fb924";

fn creator() -> CreatorInfo {
    CreatorInfo::new(vec![
        PrivacyLevel::MutualFollowFriends,
        PrivacyLevel::SelfOnly,
    ])
}

/// Mounts one strict mock per chunk `(start, len)` of a `total`-byte upload
/// of `bytes`: exact query, headers and body; 206 with the received range, 201
/// for the last chunk.
async fn mount_chunks(server: &MockServer, bytes: &[u8], chunks: &[(u64, u64)]) {
    let total = bytes.len() as u64;
    for (i, &(start, len)) in chunks.iter().enumerate() {
        let last = start + len - 1;
        let expected = bytes[start as usize..=last as usize].to_vec();
        let status = if i + 1 == chunks.len() { 201 } else { 206 };
        Mock::given(method("PUT"))
            .and(path("/video/"))
            .and(query_param("upload_id", UPLOAD_ID))
            .and(query_param("upload_token", UPLOAD_TOKEN))
            .and(header("content-type", "video/mp4"))
            .and(header("content-length", len.to_string().as_str()))
            .and(header(
                "content-range",
                format!("bytes {start}-{last}/{total}").as_str(),
            ))
            .and(move |request: &wiremock::Request| request.body == expected)
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("content-range", format!("bytes 0-{last}/{total}")),
            )
            .expect(1)
            .mount(server)
            .await;
    }
}

async fn mount_status_then_complete(server: &MockServer, publish_id: &str) {
    json_call("POST", STATUS)
        .and(body_json(json!({"publish_id": publish_id})))
        .respond_with(json_fixture(200, "status_processing_upload.json"))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(server)
        .await;
    json_call("POST", STATUS)
        .and(body_json(json!({"publish_id": publish_id})))
        .respond_with(json_fixture(200, "status_publish_complete_no_id.json"))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn worked_example_five_chunks() {
    let server = MockServer::start().await;
    let bytes = harness::mp4_bytes(50_000_123);
    let dir = tempfile::tempdir().expect("tempdir");
    let video = dir.path().join("example.mp4");
    std::fs::write(&video, &bytes).expect("write");
    json_call("POST", VIDEO_INIT)
        .and(body_json(json!({
            "post_info": {
                "title": "funny #cat video @tiktok",
                "privacy_level": "MUTUAL_FOLLOW_FRIENDS",
                "disable_duet": false,
                "disable_comment": true,
                "disable_stitch": false,
                "video_cover_timestamp_ms": 1000,
                "brand_content_toggle": false,
                "brand_organic_toggle": false,
                "is_aigc": false
            },
            "source_info": {"source": "FILE_UPLOAD", "video_size": 50000123, "chunk_size": 10000000, "total_chunk_count": 5}
        })))
        .respond_with(json_fixture_at(200, "video_init_file_upload.json", &server.uri()))
        .expect(1)
        .mount(&server)
        .await;
    let chunks = [
        (0, 10_000_000),
        (10_000_000, 10_000_000),
        (20_000_000, 10_000_000),
        (30_000_000, 10_000_000),
        (40_000_000, 10_000_123),
    ];
    mount_chunks(&server, &bytes, &chunks).await;
    mount_status_then_complete(&server, "v_pub_file~v2-1.7301234567890123456").await;
    catch_all(&server).await;
    let timer = harness::timer();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let progress = {
        let seen = seen.clone();
        ProgressCallback::new(move |p| seen.lock().expect("lock").push((p.uploaded, p.total)))
    };
    let post = PostInfo::new(PrivacyLevel::MutualFollowFriends)
        .title("funny #cat video @tiktok")
        .disable_comment(true)
        .disable_duet(false)
        .disable_stitch(false)
        .video_cover_timestamp_ms(1000);

    let outcome = harness::client(&server, &timer)
        .direct_post(MediaSource::file(&video), post)
        .creator_info(creator())
        .chunk_size(10_000_000)
        .progress(progress)
        .send()
        .await
        .expect("published");

    assert_eq!(outcome.status, PostStatus::PublishComplete);
    assert_eq!(outcome.publish_id, "v_pub_file~v2-1.7301234567890123456");
    assert!(outcome.public_post_ids.is_empty());
    let reported: Vec<u64> = seen
        .lock()
        .expect("lock")
        .iter()
        .map(|(done, _)| *done)
        .collect();
    assert_eq!(
        reported,
        vec![10_000_000, 20_000_000, 30_000_000, 40_000_000, 50_000_123]
    );
    assert_eq!(timer.sleeps(), vec![std::time::Duration::from_secs(2)]);
}

#[tokio::test]
async fn small_sample_goes_up_whole() {
    let server = MockServer::start().await;
    let bytes = std::fs::read(harness::asset("sample.mp4")).expect("sample");
    json_call("POST", VIDEO_INIT)
        .and(wiremock::matchers::body_partial_json(json!({
            "source_info": {"source": "FILE_UPLOAD", "video_size": 604569, "chunk_size": 604569, "total_chunk_count": 1}
        })))
        .respond_with(json_fixture_at(200, "video_init_file_upload.json", &server.uri()))
        .expect(1)
        .mount(&server)
        .await;
    mount_chunks(&server, &bytes, &[(0, bytes.len() as u64)]).await;
    mount_status_then_complete(&server, "v_pub_file~v2-1.7301234567890123456").await;
    catch_all(&server).await;

    let outcome = harness::client(&server, &harness::timer())
        .direct_post(
            MediaSource::file(harness::asset("sample.mp4")),
            PostInfo::new(PrivacyLevel::SelfOnly),
        )
        .creator_info(creator())
        .send()
        .await
        .expect("published");

    assert_eq!(outcome.status, PostStatus::PublishComplete);
}

#[tokio::test]
async fn init_errors_mapped_once() {
    let cases = [
        (
            "init_spam_risk_too_many_posts.json",
            ErrorKind::QuotaExceeded,
            "LOG_ID_POSTS",
        ),
        (
            "init_reached_active_user_cap.json",
            ErrorKind::QuotaExceeded,
            "LOG_ID_CAP",
        ),
        (
            "init_spam_risk_user_banned_from_posting.json",
            ErrorKind::AccountNotEligible,
            "LOG_ID_BANNED",
        ),
    ];
    for (name, kind, log_id) in cases {
        let server = MockServer::start().await;
        json_call("POST", VIDEO_INIT)
            .respond_with(json_fixture(403, name))
            .expect(1)
            .mount(&server)
            .await;
        catch_all(&server).await;
        let timer = harness::timer();

        let err = harness::client(&server, &timer)
            .direct_post(
                MediaSource::file(harness::asset("sample.mp4")),
                PostInfo::new(PrivacyLevel::SelfOnly),
            )
            .creator_info(creator())
            .send()
            .await
            .expect_err(name);

        assert_eq!(err.kind(), kind, "{name}");
        assert_eq!(err.request_id(), Some(log_id), "{name}");
        assert!(!err.is_retryable(), "{name}");
        assert!(timer.sleeps().is_empty(), "{name}");
        assert_eq!(
            server.received_requests().await.map(|r| r.len()),
            Some(1),
            "{name}"
        );
    }
}

#[tokio::test]
async fn unverified_pull_url_explained() {
    let server = MockServer::start().await;
    json_call("POST", VIDEO_INIT)
        .and(wiremock::matchers::body_partial_json(json!({
            "source_info": {"source": "PULL_FROM_URL", "video_url": "https://cdn.unverified.example/clip.mp4"}
        })))
        .respond_with(json_fixture(403, "init_url_ownership_unverified.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .direct_post(
            MediaSource::url("https://cdn.unverified.example/clip.mp4").expect("url"),
            PostInfo::new(PrivacyLevel::SelfOnly),
        )
        .creator_info(creator())
        .init()
        .await
        .expect_err("unverified");

    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(
        err.to_string()
            .contains("verify the URL's domain or URL prefix"),
        "{err}"
    );
}

#[tokio::test]
async fn plain_http_upload_url_refused() {
    let server = MockServer::start().await;
    json_call("POST", VIDEO_INIT)
        .respond_with(json_fixture(200, "init_http_upload_url.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .direct_post(
            MediaSource::file(harness::asset("sample.mp4")),
            PostInfo::new(PrivacyLevel::SelfOnly),
        )
        .creator_info(creator())
        .send()
        .await
        .expect_err("http upload URL");

    assert!(
        matches!(&err, Error::UnexpectedResponse(e) if e.body_kind() == UnexpectedBody::MissingField)
    );
    assert!(err.to_string().contains("is not https"), "{err}");
    assert!(!err.to_string().contains("upload_token"), "{err}");
}

#[tokio::test]
async fn internal_error_on_init_not_repeated() {
    let server = MockServer::start().await;
    json_call("POST", VIDEO_INIT)
        .respond_with(json_fixture(500, "internal_error.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();

    let err = harness::client(&server, &timer)
        .direct_post(
            MediaSource::file(harness::asset("sample.mp4")),
            PostInfo::new(PrivacyLevel::SelfOnly),
        )
        .creator_info(creator())
        .send()
        .await
        .expect_err("500");

    assert_eq!(err.kind(), ErrorKind::ServerError);
    assert_eq!(err.delivery(), Some(Delivery::Unknown));
    assert!(err.is_retryable());
    assert!(timer.sleeps().is_empty());
}

/// TikTok created the post but returned no id to follow it by: the error
/// reports that the init may have taken effect, and no chunk is sent.
#[tokio::test]
async fn empty_publish_id_is_unexpected_response() {
    let server = MockServer::start().await;
    json_call("POST", VIDEO_INIT)
        .respond_with(json_fixture(200, "init_empty_publish_id.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .direct_post(
            MediaSource::file(harness::asset("sample.mp4")),
            PostInfo::new(PrivacyLevel::SelfOnly),
        )
        .creator_info(creator())
        .send()
        .await
        .expect_err("empty publish_id");

    assert!(
        matches!(&err, Error::UnexpectedResponse(e) if e.body_kind() == UnexpectedBody::MissingField),
        "{err}"
    );
    assert_eq!(err.delivery(), Some(Delivery::Unknown));
    assert_eq!(err.request_id(), Some("202612041200009A2B3C4D5E6F7A8B9C0D"));
}
