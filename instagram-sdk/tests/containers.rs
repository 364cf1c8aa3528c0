//! Containers: what each status means after one poll, the polling deadline,
//! the fields each kind of post sends, carousels, and the checks that run
//! before any request.

#[path = "support/common.rs"]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use instagram_sdk::{Carousel, CarouselItem, Image, ImagePost, Reel, Story, Video};
use serde_json::json;
use social_core::testing::ManualTimer;
use social_core::{Error, ErrorKind, PollSettings};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn processing(error: &Error) -> &social_core::ProcessingError {
    match error {
        Error::Processing(inner) => inner,
        other => panic!("expected a processing error, got {other:?}"),
    }
}

async fn publish_existing(status_fixture: &str) -> Result<instagram_sdk::Published, Error> {
    let server = MockServer::start().await;
    mount_status(
        &server,
        CONTAINER_ID,
        vec![json_fixture(200, status_fixture)],
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let result = client(&server, &timer)
        .publish_container(CONTAINER_ID)
        .await;

    assert!(
        timer.sleeps().is_empty(),
        "{status_fixture}: decided after one poll"
    );
    server.verify().await;
    result
}

#[tokio::test]
async fn expired_container_asks_for_new_one() {
    let error = publish_existing("status_expired.json")
        .await
        .expect_err("expired");

    let inner = processing(&error);
    assert_eq!(inner.state(), "EXPIRED");
    assert_eq!(inner.id(), CONTAINER_ID);
    assert!(
        error.to_string().contains("create a new container"),
        "{error}"
    );
}

#[tokio::test]
async fn error_text_without_status_code_fails() {
    let error = publish_existing("status_error_no_code.json")
        .await
        .expect_err("failed");

    let inner = processing(&error);
    assert_eq!(inner.state(), "ERROR");
    assert_eq!(inner.code(), None);
    assert!(
        inner
            .reason()
            .is_some_and(|r| r.contains("Media download has failed")),
        "{error}"
    );
}

#[tokio::test]
async fn error_status_carries_subcode() {
    let error = publish_existing("status_error_2207082.json")
        .await
        .expect_err("failed");

    let inner = processing(&error);
    assert_eq!(inner.state(), "ERROR");
    assert_eq!(inner.code(), Some("2207082"));
    assert!(inner.is_retryable());
}

#[tokio::test]
async fn published_status_after_restart_succeeds() {
    let published = publish_existing("status_published.json")
        .await
        .expect("published");

    assert!(published.recovered);
    assert_eq!(published.media_id, None);
}

#[tokio::test]
async fn unknown_status_fails_at_once() {
    let error = publish_existing("status_unknown.json")
        .await
        .expect_err("unknown");

    assert!(matches!(error, Error::UnexpectedResponse(_)), "{error:?}");
    assert!(error.to_string().contains("SOMETHING_NEW"), "{error}");
}

#[tokio::test]
async fn processing_deadline_keeps_container_id() {
    let server = MockServer::start().await;
    let reads = mount_status(
        &server,
        CONTAINER_ID,
        vec![json_fixture(200, "status_in_progress.json")],
        10,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = builder(&server, &timer)
        .poll_settings(PollSettings {
            initial_interval: Duration::from_secs(60),
            max_interval: Duration::from_secs(600),
            deadline: Duration::from_secs(3600),
        })
        .build()
        .expect("client");

    let error = client
        .publish_container(CONTAINER_ID)
        .await
        .expect_err("deadline");

    let Error::Timeout(timeout) = &error else {
        panic!("expected a timeout, got {error:?}");
    };
    assert_eq!(timeout.id(), CONTAINER_ID);
    assert_eq!(timeout.last_state(), Some("IN_PROGRESS"));
    assert_eq!(timer.total_slept(), Duration::from_secs(3600));
    assert_eq!(reads.load(Ordering::SeqCst), 10);
}

#[tokio::test]
async fn reel_from_url_sends_reel_fields() {
    let server = MockServer::start().await;
    let fields = json!({
        "media_type": "REELS",
        "video_url": "https://cdn.example.com/clip.mp4",
        "caption": "A reel",
        "collaborators": ["friend.one"],
        "share_to_feed": true,
        "cover_url": "https://cdn.example.com/cover.jpg",
        "thumb_offset": 1500,
    });
    mount_create(
        &server,
        fields,
        json_fixture(200, "container_created.json"),
        1,
    )
    .await;
    mount_status(
        &server,
        CONTAINER_ID,
        vec![json_fixture(200, "status_finished.json")],
        1,
    )
    .await;
    mount_publish(
        &server,
        CONTAINER_ID,
        json_fixture(200, "publish_ok.json"),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let reel = Reel::new(Video::url("https://cdn.example.com/clip.mp4").expect("url"))
        .caption("A reel")
        .collaborators(["friend.one"])
        .share_to_feed(true)
        .cover_url("https://cdn.example.com/cover.jpg")
        .expect("cover")
        .thumb_offset_ms(1500);

    let published = builder(&server, &timer)
        .read_back(false)
        .build()
        .expect("client")
        .publish_reel(&reel)
        .await
        .expect("reel");

    assert_eq!(published.media_id.as_deref(), Some(MEDIA_ID));
}

#[tokio::test]
async fn story_image_has_no_caption() {
    let server = MockServer::start().await;
    let fields = json!({"media_type": "STORIES", "image_url": "https://cdn.example.com/story.jpg"});
    mount_create(
        &server,
        fields,
        json_fixture(200, "container_created_numeric.json"),
        1,
    )
    .await;
    mount_status(
        &server,
        "17900000000000002",
        vec![json_fixture(200, "status_finished.json")],
        1,
    )
    .await;
    mount_publish(
        &server,
        "17900000000000002",
        json_fixture(200, "publish_ok.json"),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let story = Story::image(Image::url("https://cdn.example.com/story.jpg").expect("url"));

    let published = builder(&server, &timer)
        .read_back(false)
        .build()
        .expect("client")
        .publish_story(&story)
        .await
        .expect("story");

    assert_eq!(
        published.container_id, "17900000000000002",
        "numeric id read exactly"
    );
}

#[tokio::test]
async fn carousel_children_finished_before_parent() {
    let server = MockServer::start().await;
    let children = [
        ("a.jpg", "17900000000000011"),
        ("b.mp4", "17900000000000012"),
    ];
    let created = Arc::new(AtomicUsize::new(0));
    for (file, id) in children {
        let fields = if file.ends_with(".mp4") {
            json!({"is_carousel_item": true, "media_type": "VIDEO", "video_url": format!("https://cdn.example.com/{file}")})
        } else {
            json!({"is_carousel_item": true, "image_url": format!("https://cdn.example.com/{file}")})
        };
        mount_create(
            &server,
            fields,
            ResponseTemplate::new(200).set_body_json(json!({"id": id})),
            1,
        )
        .await;
    }
    let first = mount_status(
        &server,
        "17900000000000011",
        vec![json_fixture(200, "status_finished.json")],
        1,
    )
    .await;
    let second = mount_status(
        &server,
        "17900000000000012",
        vec![
            json_fixture(200, "status_in_progress.json"),
            json_fixture(200, "status_finished.json"),
        ],
        2,
    )
    .await;
    let (seen_first, seen_second, count) = (first.clone(), second.clone(), created.clone());
    Mock::given(method("POST"))
        .and(path(graph_path(&format!("{IG_USER_ID}/media"))))
        .and(header("authorization", bearer().as_str()))
        .and(body_json(json!({
            "media_type": "CAROUSEL",
            "children": "17900000000000011,17900000000000012",
            "caption": "Two in one",
            "location_id": "110000000000001",
        })))
        .respond_with(move |_: &wiremock::Request| {
            count.fetch_add(1, Ordering::SeqCst);
            let ready =
                seen_first.load(Ordering::SeqCst) == 1 && seen_second.load(Ordering::SeqCst) == 2;
            if ready {
                json_fixture(200, "container_created.json")
            } else {
                json_fixture(400, "error_9007_2207027.json")
            }
        })
        .expect(1)
        .mount(&server)
        .await;
    mount_status(
        &server,
        CONTAINER_ID,
        vec![json_fixture(200, "status_finished.json")],
        1,
    )
    .await;
    mount_publish(
        &server,
        CONTAINER_ID,
        json_fixture(200, "publish_ok.json"),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let carousel = Carousel::new([
        CarouselItem::Image(Image::url("https://cdn.example.com/a.jpg").expect("url")),
        CarouselItem::Video(Video::url("https://cdn.example.com/b.mp4").expect("url")),
    ])
    .caption("Two in one")
    .location_id("110000000000001");

    let published = builder(&server, &timer)
        .read_back(false)
        .build()
        .expect("client")
        .publish_carousel(&carousel)
        .await
        .expect("carousel");

    assert_eq!(published.container_id, CONTAINER_ID);
    assert_eq!(created.load(Ordering::SeqCst), 1);
}

async fn rejected_before_request(
    run: impl AsyncFnOnce(&instagram_sdk::Client) -> Result<instagram_sdk::Published, Error>,
) -> Error {
    let server = MockServer::start().await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = client(&server, &timer);

    let error = run(&client).await.expect_err("rejected");

    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "no request may be sent for bad input"
    );
    error
}

fn invalid_field(error: &Error) -> &str {
    match error {
        Error::InvalidInput(inner) => inner.field(),
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

fn image() -> Image {
    Image::url("https://cdn.example.com/a.jpg").expect("url")
}

#[tokio::test]
async fn caption_limits_checked_before_request() {
    let long = "a".repeat(2_201);
    let hashtags = (0..31)
        .map(|i| format!("#t{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let mentions = (0..21)
        .map(|i| format!("@u{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    for caption in [long, hashtags, mentions] {
        let post = ImagePost::new(image()).caption(caption);

        let error = rejected_before_request(async |c| c.publish_image(&post).await).await;

        assert_eq!(invalid_field(&error), "caption");
        assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    }
}

#[tokio::test]
async fn collaborator_with_at_sign_rejected() {
    let post = ImagePost::new(image()).collaborators(["@friend"]);

    let error = rejected_before_request(async |c| c.publish_image(&post).await).await;

    assert_eq!(invalid_field(&error), "collaborators");
    assert!(error.to_string().contains("without it"), "{error}");
}

#[tokio::test]
async fn reel_collaborators_limited_to_three() {
    let reel = Reel::new(Video::url("https://cdn.example.com/clip.mp4").expect("url"))
        .collaborators(["a", "b", "c", "d"]);

    let error = rejected_before_request(async |c| c.publish_reel(&reel).await).await;

    assert_eq!(invalid_field(&error), "collaborators");
}

#[tokio::test]
async fn carousel_size_checked() {
    for count in [1, 11] {
        let carousel = Carousel::new((0..count).map(|_| CarouselItem::Image(image())));

        let error = rejected_before_request(async |c| c.publish_carousel(&carousel).await).await;

        assert_eq!(invalid_field(&error), "items", "{count} items");
    }
}

#[tokio::test]
async fn png_file_rejected_as_not_jpeg() {
    let image =
        Image::hosted_file(asset("sample.png"), "https://cdn.example.com/a.png").expect("url");
    let post = ImagePost::new(image);

    let error = rejected_before_request(async |c| c.publish_image(&post).await).await;

    assert_eq!(invalid_field(&error), "image");
    assert!(error.to_string().contains("JPEG"), "{error}");
}

#[tokio::test]
async fn oversized_image_rejected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.jpg");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(8 * 1024 * 1024 + 1).expect("size");
    let post =
        ImagePost::new(Image::hosted_file(&path, "https://cdn.example.com/big.jpg").expect("url"));

    let error = rejected_before_request(async |c| c.publish_image(&post).await).await;

    assert_eq!(invalid_field(&error), "image");
    assert!(error.to_string().contains("8 MiB"), "{error}");
}

#[tokio::test]
async fn aspect_ratio_outside_feed_range_rejected() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (width, height) in [(1000u16, 300u16), (400, 1000)] {
        let path = dir.path().join(format!("{width}x{height}.jpg"));
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08];
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&[0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9]);
        std::fs::write(&path, bytes).expect("write");
        let post = ImagePost::new(
            Image::hosted_file(&path, "https://cdn.example.com/x.jpg").expect("url"),
        );

        let error = rejected_before_request(async |c| c.publish_image(&post).await).await;

        assert_eq!(invalid_field(&error), "image");
        assert!(error.to_string().contains("1.91:1"), "{error}");
    }
}

#[tokio::test]
async fn reel_file_must_be_video() {
    let reel = Reel::new(Video::file(asset("sample.gif")));

    let error = rejected_before_request(async |c| c.publish_reel(&reel).await).await;

    assert_eq!(invalid_field(&error), "video");
    assert!(error.to_string().contains("MP4 or MOV"), "{error}");
}

#[tokio::test]
async fn missing_video_file_is_io_error() {
    let reel = Reel::new(Video::file("/nonexistent/clip.mp4"));

    let error = rejected_before_request(async |c| c.publish_reel(&reel).await).await;

    let named = matches!(&error, Error::InvalidInput(inner) if inner.field() == "video");
    assert!(named || matches!(error, Error::Io(_)), "{error:?}");
    assert!(
        error.to_string().contains("/nonexistent/clip.mp4"),
        "{error}"
    );
}

#[tokio::test]
async fn media_url_must_be_https() {
    let error = Image::url("http://cdn.example.com/a.jpg").expect_err("http");

    assert_eq!(invalid_field(&error), "image_url");
}

#[tokio::test]
async fn missing_image_file_is_invalid_input() {
    let post = ImagePost::new(
        Image::hosted_file("/nonexistent/photo.jpg", "https://cdn.example.com/a.jpg").expect("url"),
    );

    let error = rejected_before_request(async |c| c.publish_image(&post).await).await;

    assert_eq!(invalid_field(&error), "image");
    assert!(
        error.to_string().contains("/nonexistent/photo.jpg"),
        "{error}"
    );
}

#[tokio::test]
async fn control_characters_in_text_rejected() {
    let captions = [
        ImagePost::new(image()).caption("nul \u{0} inside"),
        ImagePost::new(image()).caption("bell \u{7}"),
    ];
    for post in captions {
        let error = rejected_before_request(async |c| c.publish_image(&post).await).await;

        assert_eq!(invalid_field(&error), "caption");
    }
    let alt = ImagePost::new(image()).alt_text("esc \u{1b}[2J");
    let reel =
        Reel::new(Video::url("https://cdn.example.com/a.mp4").expect("url")).caption("del \u{7f}");
    let carousel = Carousel::new([CarouselItem::Image(image()), CarouselItem::Image(image())])
        .caption("c1 \u{85}");

    let alt = rejected_before_request(async |c| c.publish_image(&alt).await).await;
    let reel = rejected_before_request(async |c| c.publish_reel(&reel).await).await;
    let carousel = rejected_before_request(async |c| c.publish_carousel(&carousel).await).await;

    assert_eq!(invalid_field(&alt), "alt_text");
    assert_eq!(invalid_field(&reel), "caption");
    assert_eq!(invalid_field(&carousel), "caption");
}
