//! `videos.list`, `videos.update`, `videos.delete`, `thumbnails.set`,
//! `playlistItems.insert` and processing polls.

#[path = "support/helpers.rs"]
mod support;

use std::time::Duration;

use serde_json::json;
use social_core::upload::PollSettings;
use social_core::{Error, ErrorKind};
use support::{fake_builder, fixture, mock_builder, mount_catch_all, timer};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};
use youtube_sdk::PrivacyStatus;
use youtube_sdk::testing::FakeYouTube;

/// Counts sent as strings are exact, a missing `likeCount` is `None`, and
/// unknown fields are ignored.
#[tokio::test]
async fn statistics_counts_are_exact_and_optional() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/youtube/v3/videos"))
        .and(query_param("id", "dQw4w9WgXcQ"))
        .and(query_param(
            "part",
            "snippet,status,statistics,processingDetails",
        ))
        .and(header("authorization", "Bearer ya29.test-token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("videos_list_statistics.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let video = client.get_video("dQw4w9WgXcQ").await.expect("video");

    let stats = video.statistics.as_ref().expect("statistics");
    assert_eq!(stats.view_count, Some(3_041_937_658));
    assert_eq!(stats.like_count, None);
    assert_eq!(stats.favorite_count, Some(0));
    assert_eq!(stats.comment_count, Some(12));
    assert_eq!(video.privacy_status(), Some(&PrivacyStatus::Public));
    assert_eq!(
        video.title(),
        Some("Rick Astley - Never Gonna Give You Up (Official Video)")
    );
    assert!(video.processing_details.is_none());
}

#[tokio::test]
async fn missing_video_is_not_found() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/youtube/v3/videos"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"kind":"youtube#videoListResponse","items":[]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let error = client.get_video("gone1234567").await.expect_err("missing");

    assert_eq!(error.kind(), ErrorKind::NotFound);
}

/// `videos.update` replaces whole parts: fields the edit does not touch go
/// back unchanged, and read-only fields are left out.
#[tokio::test]
async fn update_sends_whole_parts_back() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/youtube/v3/videos"))
        .and(query_param("part", "snippet,status"))
        .and(query_param("id", "dQw4w9WgXcQ"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("videos_list_statistics.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let expected = json!({
        "id": "dQw4w9WgXcQ",
        "snippet": {
            "title": "New title",
            "description": "The official video.",
            "tags": ["rick astley", "never gonna give you up"],
            "categoryId": "10",
            "defaultLanguage": "en",
            "defaultAudioLanguage": "en"
        },
        "status": {
            "privacyStatus": "unlisted",
            "license": "youtube",
            "embeddable": true,
            "publicStatsViewable": true
        }
    });
    Mock::given(method("PUT"))
        .and(path("/youtube/v3/videos"))
        .and(query_param("part", "snippet,status"))
        .and(body_json(expected.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(expected))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let video = client
        .update_video_with("dQw4w9WgXcQ", |edit| {
            edit.set_title("New title")
                .set_privacy(PrivacyStatus::Unlisted);
        })
        .await
        .expect("updated");

    assert_eq!(video.title(), Some("New title"));
}

#[tokio::test]
async fn update_validates_before_writing() {
    let fake = FakeYouTube::start().await;
    fake.add_video(json!({"id": "abc123", "snippet": {"title": "t", "categoryId": "22"}, "status": {"privacyStatus": "private"}}));
    let client = fake_builder(&fake, &timer()).build().expect("client");
    let mut edit = client.edit_video("abc123").await.expect("edit");
    edit.set_description("a <b> tag");

    let error = client.update_video(&edit).await.expect_err("invalid");

    assert!(
        matches!(&error, Error::InvalidInput(i) if i.field() == "description"),
        "{error}"
    );
    assert_eq!(
        fake.requests().iter().filter(|r| r.method == "PUT").count(),
        0
    );
}

#[tokio::test]
async fn delete_then_missing() {
    let fake = FakeYouTube::start().await;
    fake.add_video(json!({"id": "abc123"}));
    let client = fake_builder(&fake, &timer()).build().expect("client");

    client.delete_video("abc123").await.expect("deleted");
    let again = client.delete_video("abc123").await.expect_err("gone");

    assert_eq!(again.kind(), ErrorKind::NotFound);
    assert!(fake.video("abc123").is_none());
}

#[tokio::test]
async fn thumbnail_is_sent_raw_with_its_type() {
    let server = MockServer::start().await;
    let jpeg = std::fs::read(support::asset("sample.jpg")).expect("sample.jpg");
    Mock::given(method("POST"))
        .and(path("/upload/youtube/v3/thumbnails/set"))
        .and(query_param("videoId", "Ks-_Mh1QhMc"))
        .and(header("content-type", "image/jpeg"))
        .and(header("content-length", jpeg.len().to_string().as_str()))
        .and(wiremock::matchers::body_bytes(jpeg))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("thumbnail_set.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let set = client
        .set_thumbnail("Ks-_Mh1QhMc", support::asset("sample.jpg"))
        .await
        .expect("set");

    assert_eq!(
        set.default_url(),
        Some("https://i.ytimg.com/vi/Ks-_Mh1QhMc/default.jpg")
    );
}

#[tokio::test]
async fn thumbnail_type_and_size_checked_first() {
    let fake = FakeYouTube::start().await;
    let client = fake_builder(&fake, &timer())
        .thumbnail_size_limit(10_000)
        .build()
        .expect("client");

    let gif = client
        .set_thumbnail("abc123", support::asset("sample.gif"))
        .await
        .expect_err("gif");
    let big = client
        .set_thumbnail("abc123", support::asset("sample.jpg"))
        .await
        .expect_err("too big");
    let id = client
        .set_thumbnail("a b", support::asset("sample.png"))
        .await
        .expect_err("bad id");

    assert!(
        matches!(&gif, Error::InvalidInput(i) if i.field() == "thumbnail"),
        "{gif}"
    );
    assert!(
        matches!(&big, Error::InvalidInput(i) if i.field() == "thumbnail" && i.reason().contains("41814")),
        "{big}"
    );
    assert!(
        matches!(&id, Error::InvalidInput(i) if i.field() == "video_id"),
        "{id}"
    );
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn playlist_item_insert_sends_snippet() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/youtube/v3/playlistItems"))
        .and(query_param("part", "snippet"))
        .and(body_json(json!({"snippet": {
            "playlistId": "PLcustomPlaylist",
            "resourceId": {"kind": "youtube#video", "videoId": "Ks-_Mh1QhMc"},
            "position": 0
        }})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("playlist_item.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let item = client
        .insert_playlist_item("PLcustomPlaylist", "Ks-_Mh1QhMc", Some(0))
        .await
        .expect("item");

    let snippet = item.snippet.expect("snippet");
    assert_eq!(snippet.position, Some(0));
    assert_eq!(
        snippet.resource_id.and_then(|r| r.video_id).as_deref(),
        Some("Ks-_Mh1QhMc")
    );
}

fn processing(status: &str, upload: &str) -> serde_json::Value {
    json!({"kind":"youtube#videoListResponse","items":[{"id":"vid123",
        "status":{"uploadStatus": upload},
        "processingDetails":{"processingStatus": status}}]})
}

#[tokio::test]
async fn processing_polls_until_done_with_backoff() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/youtube/v3/videos"))
        .and(query_param("part", "status,processingDetails"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(processing("processing", "uploaded")),
        )
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/youtube/v3/videos"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(processing("succeeded", "processed")),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let clock = timer();
    let client = mock_builder(&server, &clock).build().expect("client");

    let video = client
        .wait_for_processing("vid123", PollSettings::default())
        .await
        .expect("processed");

    assert_eq!(video.id, "vid123");
    assert_eq!(
        clock.sleeps(),
        vec![Duration::from_secs(2), Duration::from_secs(4)]
    );
}

#[tokio::test]
async fn processing_failed_gives_reason() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/youtube/v3/videos"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"items":[{"id":"vid123",
            "status":{"uploadStatus":"failed","failureReason":"codec"}}]})),
        )
        .mount(&server)
        .await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let error = client
        .wait_for_processing("vid123", PollSettings::default())
        .await
        .expect_err("failed");

    let Error::Processing(failed) = &error else {
        panic!("expected Processing, got {error}")
    };
    assert_eq!(failed.id(), "vid123");
    assert_eq!(failed.code(), Some("codec"));
}

#[tokio::test]
async fn duplicate_video_rejected_after_processing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/youtube/v3/videos"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"items":[{"id":"vid123",
            "status":{"uploadStatus":"rejected","rejectionReason":"duplicate"}}]})),
        )
        .mount(&server)
        .await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let error = client
        .wait_for_processing("vid123", PollSettings::default())
        .await
        .expect_err("duplicate");

    assert!(
        matches!(&error, Error::Processing(p) if p.code() == Some("duplicate") && !p.is_retryable()),
        "{error}"
    );
}

#[tokio::test]
async fn processing_stuck_times_out_keeping_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/youtube/v3/videos"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(processing("processing", "uploaded")),
        )
        .mount(&server)
        .await;
    let clock = timer();
    let client = mock_builder(&server, &clock).build().expect("client");
    let settings = PollSettings {
        deadline: Duration::from_secs(600),
        ..PollSettings::default()
    };

    let error = client
        .wait_for_processing("vid123", settings)
        .await
        .expect_err("stuck");

    let Error::Timeout(timeout) = &error else {
        panic!("expected Timeout, got {error}")
    };
    assert_eq!(timeout.id(), "vid123");
    assert_eq!(timeout.last_state(), Some("processing"));
    assert!(clock.total_slept() <= Duration::from_secs(600));
}

#[tokio::test]
async fn upload_thumbnail_playlist_and_read_back_on_fake() {
    let fake = FakeYouTube::start().await;
    let client = fake_builder(&fake, &timer()).build().expect("client");
    let metadata = youtube_sdk::VideoMetadata::new("Sample")
        .tags(["sample"])
        .made_for_kids(false);

    let uploaded = client
        .upload_video(metadata, support::asset("sample.mp4"))
        .send()
        .await
        .expect("upload");
    client
        .set_thumbnail(uploaded.id(), support::asset("sample.png"))
        .await
        .expect("thumbnail");
    client
        .insert_playlist_item("PLdemo", uploaded.id(), None)
        .await
        .expect("playlist");
    let video = client.get_video(uploaded.id()).await.expect("read back");

    let stored = fake.video(uploaded.id()).expect("stored");
    assert_eq!(stored.thumbnail_bytes, Some(6080));
    assert_eq!(stored.playlists, vec!["PLdemo".to_owned()]);
    assert_eq!(video.title(), Some("Sample"));
    assert_eq!(video.statistics.and_then(|s| s.view_count), Some(0));
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

/// A 429 shows YouTube did not act on the first delete, so a 404 on the
/// retry means the video never existed.
#[tokio::test]
async fn delete_after_429_then_404_fails() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/youtube/v3/videos"))
        .and(query_param("id", "neverExisted"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_raw(fixture("rate_limit_exceeded.json"), "application/json"),
        )
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/youtube/v3/videos"))
        .and(query_param("id", "neverExisted"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_raw(fixture("video_not_found.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let error = client
        .delete_video("neverExisted")
        .await
        .expect_err("missing");

    assert_eq!(error.kind(), ErrorKind::NotFound);
}

/// `timeLeftMs` of 0 while processing goes on does not shorten the backoff.
#[tokio::test]
async fn processing_time_left_zero_keeps_backoff() {
    let server = MockServer::start().await;
    let mut pending = processing("processing", "uploaded");
    pending["items"][0]["processingDetails"]["processingProgress"] = json!({"timeLeftMs": "0"});
    Mock::given(method("GET"))
        .and(path("/youtube/v3/videos"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pending))
        .up_to_n_times(3)
        .with_priority(1)
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/youtube/v3/videos"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(processing("succeeded", "processed")),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let clock = timer();
    let client = mock_builder(&server, &clock).build().expect("client");

    client
        .wait_for_processing("vid123", PollSettings::default())
        .await
        .expect("processed");

    assert_eq!(
        clock.sleeps(),
        vec![
            Duration::from_secs(2),
            Duration::from_secs(4),
            Duration::from_secs(8)
        ]
    );
}

#[tokio::test]
async fn empty_thumbnail_is_called_empty() {
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("cover.jpg");
    std::fs::write(&file, "").expect("write");
    let client = mock_builder(&server, &timer()).build().expect("client");

    let error = client
        .set_thumbnail("abc123", &file)
        .await
        .expect_err("empty");

    assert!(
        matches!(&error, Error::InvalidInput(i) if i.field() == "thumbnail" && i.reason().contains("empty")),
        "{error}"
    );
}
