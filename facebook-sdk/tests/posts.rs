//! Feed posts and photos: request shapes, read back, update, delete.

#[path = "support/common.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::*;
use facebook_sdk::{FeedPost, Photo};
use social_core::testing::ManualTimer;
use social_core::{Error, MediaSource};
use wiremock::matchers::{body_json, body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

/// Matches a body containing `needle`, also when the body is binary.
fn body_has(needle: &'static str) -> impl Fn(&Request) -> bool {
    move |request: &Request| {
        request
            .body
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    }
}

fn sample_jpeg() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets/media/sample.jpg")
}

#[tokio::test]
async fn text_post_sent_as_json_with_fields() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(graph_path(&format!("{PAGE_ID}/feed"))))
        .and(query_param("fields", "id,permalink_url"))
        .and(header("authorization", page_auth().as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(
            serde_json::json!({"message": "Hello", "link": "https://example.com/a"}),
        ))
        .respond_with(json_fixture(200, "feed_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let post = client(&server, &timer)
        .publish_post(&FeedPost::text("Hello").with_link("https://example.com/a"))
        .await
        .expect("posted");

    assert_eq!(post.id, "1234567890_987654321098765432");
    assert_eq!(
        post.permalink_url.as_deref(),
        Some("https://www.facebook.com/1234567890_987654321098765432")
    );
}

#[tokio::test]
async fn scheduled_post_sends_unix_seconds() {
    let server = MockServer::start().await;
    let at = now() + Duration::from_secs(3_600);
    Mock::given(method("POST"))
        .and(path(graph_path(&format!("{PAGE_ID}/feed"))))
        .and(body_json(
            serde_json::json!({"message": "Later", "published": "false",
            "scheduled_publish_time": 1_700_003_600u64}),
        ))
        .respond_with(json_fixture(200, "feed_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    client(&server, &timer)
        .publish_post(&FeedPost::text("Later").scheduled_at(at))
        .await
        .expect("scheduled");
}

#[tokio::test]
async fn read_update_delete_round_trip() {
    let server = MockServer::start().await;
    let post_id = "1234567890_987654321098765432";
    Mock::given(method("GET"))
        .and(path(graph_path(post_id)))
        .and(query_param(
            "fields",
            "id,message,created_time,permalink_url",
        ))
        .and(header("authorization", page_auth().as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "id": post_id, "message": "Hello", "created_time": "2019-01-02T18:31:28+0000"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(graph_path(post_id)))
        .and(body_json(serde_json::json!({"message": "Edited"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"success": true})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(graph_path(post_id)))
        .and(header("authorization", page_auth().as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_raw("true", "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = client(&server, &timer);

    let post = client.get_post(post_id).await.expect("read");
    client
        .update_post(post_id, "Edited")
        .await
        .expect("updated");
    client
        .delete_post(post_id)
        .await
        .expect("deleted, bare true accepted");

    assert_eq!(
        post.created_time.as_deref(),
        Some("2019-01-02T18:31:28+0000")
    );
}

#[tokio::test]
async fn list_follows_after_cursor_only() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(graph_path(&format!("{PAGE_ID}/feed"))))
        .and(query_param("after", "QVFI"))
        .and(query_param("limit", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [{"id": "1234567890_3", "created_time": "2019-01-02T18:31:28+0000"}],
            "paging": {"cursors": {"after": "QVFJ"}}})))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let page = client(&server, &timer)
        .list_posts(Some("QVFI"), 2)
        .await
        .expect("page");

    assert_eq!(page.data.len(), 1);
    assert_eq!(page.after(), None, "no paging.next: last page");
}

#[tokio::test]
async fn photo_upload_streams_multipart_source() {
    let server = MockServer::start().await;
    let jpeg = std::fs::read(sample_jpeg()).expect("sample.jpg");
    let expected_len = jpeg.len();
    Mock::given(method("POST"))
        .and(path(graph_path(&format!("{PAGE_ID}/photos"))))
        .and(header("authorization", page_auth().as_str()))
        .and(body_has("name=\"source\"; filename=\"sample.jpg\""))
        .and(body_has("Content-Type: image/jpeg"))
        .and(body_has("name=\"message\"\r\n\r\nA photo\r\n"))
        .and(move |request: &Request| {
            let declared = request
                .headers
                .get("content-length")
                .and_then(|v| v.to_str().ok());
            let has_jpeg = request.body.windows(64).any(|w| w == &jpeg[..64]);
            has_jpeg
                && declared == Some(request.body.len().to_string().as_str())
                && request.body.len() > expected_len
        })
        .respond_with(json_fixture(200, "photo_big_id.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let photo = client(&server, &timer)
        .publish_photo(&Photo::file(sample_jpeg()).caption("A photo"))
        .await
        .expect("uploaded");

    assert_eq!(photo.id, "17841401714833791", "id above 2^53 kept exactly");
    assert_eq!(
        photo.post_id.as_deref(),
        Some("1234567890_123456789012345678901")
    );
}

#[tokio::test]
async fn photo_by_url_sent_as_form() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(graph_path(&format!("{PAGE_ID}/photos"))))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains(
            "url=https%3A%2F%2Fcdn.example.com%2Fa.jpg",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"id": "77", "post_id": "1234567890_77"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let photo = Photo::url("https://cdn.example.com/a.jpg").expect("https url");

    let created = client(&server, &timer)
        .publish_photo(&photo)
        .await
        .expect("posted");

    assert_eq!(created.id, "77");
}

#[tokio::test]
async fn multi_photo_attaches_in_order() {
    let server = MockServer::start().await;
    for (n, id) in [(1, "901"), (2, "902")] {
        Mock::given(method("POST"))
            .and(path(graph_path(&format!("{PAGE_ID}/photos"))))
            .and(body_has("name=\"published\"\r\n\r\nfalse"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": id})))
            .up_to_n_times(1)
            .with_priority(n)
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path(graph_path(&format!("{PAGE_ID}/feed"))))
        .and(body_json(serde_json::json!({"message": "Two photos",
            "attached_media": [{"media_fbid": "901"}, {"media_fbid": "902"}]})))
        .respond_with(json_fixture(200, "feed_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let photos = [Photo::file(sample_jpeg()), Photo::file(sample_jpeg())];

    let post = client(&server, &timer)
        .publish_photos("Two photos", &photos, None)
        .await
        .expect("posted");

    assert_eq!(post.id, "1234567890_987654321098765432");
}

#[tokio::test]
async fn bad_photo_files_rejected_before_request() {
    let server = MockServer::start().await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let dir = tempfile::tempdir().expect("tempdir");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not an image").expect("write");
    let client = builder(&server, &timer)
        .max_photo_bytes(1_000)
        .build()
        .expect("client");
    let cases = [
        Photo::file(dir.path().join("missing.jpg")),
        Photo::file(&text),
        Photo::file(sample_jpeg()),
        Photo::from_source(MediaSource::bytes(Vec::new(), Some("empty.jpg"))),
    ];

    for photo in cases {
        let error = client.publish_photo(&photo).await.expect_err("rejected");

        assert!(
            matches!(&error, Error::InvalidInput(i) if i.field() == "photo"),
            "{error}"
        );
    }
    let none = client
        .publish_photos("x", &[], None)
        .await
        .expect_err("no photos");
    assert!(
        matches!(&none, Error::InvalidInput(i) if i.field() == "photos"),
        "{none}"
    );
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

#[tokio::test]
async fn control_characters_rejected_before_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(graph_path(&format!("{PAGE_ID}/feed"))))
        .and(body_json(
            serde_json::json!({"message": "tabs\tand\r\nline breaks stay"}),
        ))
        .respond_with(json_fixture(200, "feed_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = client(&server, &timer);
    let photo = || Photo::file(sample_jpeg());

    let post = client
        .publish_post(&FeedPost::text("nul \u{0} inside"))
        .await
        .expect_err("NUL");
    let link = client
        .publish_post(&FeedPost::link("https://example.com/").message("bell \u{7}"))
        .await
        .expect_err("BEL");
    let update = client
        .update_post(&format!("{PAGE_ID}_1"), "escape \u{1b}[2J")
        .await
        .expect_err("ESC");
    let caption = client
        .publish_photo(&photo().caption("del \u{7f}"))
        .await
        .expect_err("DEL");
    let multi = client
        .publish_photos("c1 \u{85}", &[photo(), photo()], None)
        .await
        .expect_err("C1 control");
    let second_caption = client
        .publish_photos("fine", &[photo(), photo().caption("\u{0}")], None)
        .await
        .expect_err("caption of a later photo");

    for (error, field) in [
        (post, "message"),
        (link, "message"),
        (update, "message"),
        (caption, "caption"),
        (multi, "message"),
        (second_caption, "caption"),
    ] {
        assert!(
            matches!(&error, Error::InvalidInput(i) if i.field() == field),
            "{field}: {error}"
        );
    }
    let allowed = client
        .publish_post(&FeedPost::text("tabs\tand\r\nline breaks stay"))
        .await
        .expect("tabs and line breaks are allowed");
    assert_eq!(allowed.id, "1234567890_987654321098765432");
}
