//! Videos uploaded from disk through the container's upload URL: headers,
//! byte-identical results, resuming after interruptions, timeouts, and the
//! token kept on configured hosts.

#[path = "support/common.rs"]
mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use http::Method;
use instagram_sdk::testing::FakeInstagram;
use instagram_sdk::{Carousel, CarouselItem, Image, Reel, Story, Video};
use serde_json::json;
use social_core::testing::{FaultFront, FaultRule, ManualTimer};
use social_core::{Error, HttpSettings, ProgressCallback, UploadProgress};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn sample_mp4() -> Vec<u8> {
    std::fs::read(asset("sample.mp4")).expect("sample.mp4")
}

fn recorder() -> (ProgressCallback, Arc<Mutex<Vec<UploadProgress>>>) {
    let seen: Arc<Mutex<Vec<UploadProgress>>> = Arc::default();
    let sink = seen.clone();
    let callback = ProgressCallback::new(move |p| sink.lock().expect("lock").push(p));
    (callback, seen)
}

#[tokio::test]
async fn reel_uploaded_from_disk_byte_identical() {
    let fake = FakeInstagram::start().await;
    fake.set_processing_polls(2);
    let timer = Arc::new(ManualTimer::new());
    let client = fake
        .facebook_client_builder()
        .timer(timer.clone())
        .build()
        .expect("client");
    let (progress, seen) = recorder();
    let reel = Reel::new(Video::file(asset("sample.mp4")))
        .caption("A real MP4")
        .progress(progress);

    let published = client.publish_reel(&reel).await.expect("published");

    let original = sample_mp4();
    assert_eq!(
        fake.uploaded_bytes(&published.container_id),
        Some(original.clone())
    );
    assert_eq!(published.media_product_type.as_deref(), Some("REELS"));
    assert_eq!(published.media_type.as_deref(), Some("VIDEO"));
    let fields = fake
        .container_fields(&published.container_id)
        .expect("fields");
    assert_eq!(fields["upload_type"], "resumable");
    assert_eq!(fields["media_type"], "REELS");
    assert!(fields.get("video_url").is_none());
    let last = *seen.lock().expect("lock").last().expect("progress");
    assert_eq!(last.uploaded, original.len() as u64);
    assert_eq!(last.total, original.len() as u64);
    assert_eq!(fake.request_count("POST", "/media_publish").await, 1);
}

#[tokio::test]
async fn upload_interrupted_resumes_from_server_offset() {
    let fake = FakeInstagram::start().await;
    fake.interrupt_next_upload_after(200_000);
    let timer = Arc::new(ManualTimer::new());
    let client = fake
        .instagram_client_builder()
        .timer(timer.clone())
        .build()
        .expect("client");
    let (progress, seen) = recorder();

    let published = client
        .publish_story(&Story::video(Video::file(asset("sample.mp4"))).progress(progress))
        .await
        .expect("published after resuming");

    assert_eq!(
        fake.uploaded_bytes(&published.container_id),
        Some(sample_mp4())
    );
    assert_eq!(fake.request_count("POST", &published.container_id).await, 2);
    assert_eq!(
        fake.request_count("GET", &published.container_id).await,
        1 + fake.status_reads().await
    );
    let offsets: Vec<u64> = seen
        .lock()
        .expect("lock")
        .iter()
        .map(|p| p.uploaded)
        .collect();
    assert!(
        offsets.contains(&200_000),
        "resumed at the server's offset: {offsets:?}"
    );
    assert_eq!(published.media_product_type.as_deref(), Some("STORY"));
}

#[tokio::test]
async fn upload_connection_dropped_resends_from_server_offset() {
    let server = MockServer::start().await;
    let front = FaultFront::start(&server.uri()).await.expect("front");
    front.add_rule(FaultRule::drop_connection(
        Method::POST,
        "/ig-api-upload/",
        1,
    ));
    let upload_path = format!("/rupload/ig-api-upload/{VERSION}/{CONTAINER_ID}");
    let uri = format!("{}{upload_path}", front.url());
    let fields = json!({"media_type": "REELS", "upload_type": "resumable"});
    mount_create(
        &server,
        fields,
        ResponseTemplate::new(200).set_body_json(json!({"id": CONTAINER_ID, "uri": uri})),
        1,
    )
    .await;
    Mock::given(method("GET"))
        .and(path(upload_path.as_str()))
        .and(header("authorization", format!("OAuth {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"offset": 0})))
        .expect(1)
        .mount(&server)
        .await;
    let size = sample_mp4().len().to_string();
    Mock::given(method("POST"))
        .and(path(upload_path.as_str()))
        .and(header("authorization", format!("OAuth {TOKEN}").as_str()))
        .and(header("offset", "0"))
        .and(header("file_size", size.as_str()))
        .and(header("content-type", "application/octet-stream"))
        .and(header("content-length", size.as_str()))
        .respond_with(json_fixture(200, "rupload_ok.json"))
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
    let client = builder(&server, &timer)
        .rupload_url(format!("{}/rupload/", front.url()))
        .read_back(false)
        .build()
        .expect("client");

    let published = client
        .publish_reel(&Reel::new(Video::file(asset("sample.mp4"))))
        .await
        .expect("published");

    assert_eq!(front.dropped(), 1);
    assert_eq!(published.media_id.as_deref(), Some(MEDIA_ID));
    assert_eq!(timer.sleeps().len(), 1, "one backoff before resuming");
}

#[tokio::test]
async fn upload_url_rejected_gives_clear_error() {
    let server = MockServer::start().await;
    let upload_path = format!("/rupload/ig-api-upload/{VERSION}/{CONTAINER_ID}");
    let uri = format!("{}{upload_path}", server.uri());
    let fields = json!({"media_type": "REELS", "upload_type": "resumable"});
    mount_create(
        &server,
        fields,
        ResponseTemplate::new(200).set_body_json(json!({"id": CONTAINER_ID, "uri": uri})),
        1,
    )
    .await;
    Mock::given(method("POST"))
        .and(path(upload_path.as_str()))
        .respond_with(json_fixture(400, "rupload_unauthorized.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_reel(&Reel::new(Video::file(asset("sample.mp4"))))
        .await
        .expect_err("rejected");

    let api = error.as_api().expect("API error");
    assert_eq!(api.code(), Some("ProcessingFailedError"));
    assert!(api.message().contains("unauthorized user request"), "{api}");
    assert!(
        timer.sleeps().is_empty(),
        "a non-retriable upload error is not retried"
    );
}

#[tokio::test]
async fn slow_network_upload_uses_chunk_timeout() {
    let server = MockServer::start().await;
    let upload_path = format!("/rupload/ig-api-upload/{VERSION}/{CONTAINER_ID}");
    let fields = json!({"media_type": "REELS", "upload_type": "resumable"});
    mount_create(
        &server,
        fields,
        json_fixture(200, "container_created.json"),
        1,
    )
    .await;
    Mock::given(method("POST"))
        .and(path(upload_path.as_str()))
        .and(header("offset", "0"))
        .respond_with(json_fixture(200, "rupload_ok.json").set_delay(Duration::from_millis(800)))
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
    let client = builder(&server, &timer)
        .http_settings(
            HttpSettings::default()
                .no_proxy()
                .request_timeout(Duration::from_millis(300))
                .chunk_timeout(Duration::from_secs(10)),
        )
        .read_back(false)
        .build()
        .expect("client");

    let published = client
        .publish_reel(&Reel::new(Video::file(asset("sample.mp4"))))
        .await
        .expect("the upload may take longer than a JSON call");

    assert_eq!(published.media_id.as_deref(), Some(MEDIA_ID));
}

#[tokio::test]
async fn upload_uri_on_unknown_host_gets_no_token() {
    let server = MockServer::start().await;
    let fields = json!({"media_type": "REELS", "upload_type": "resumable"});
    let uri = "https://uploads.example.net/ig-api-upload/v26.0/17900000000000001";
    mount_create(
        &server,
        fields,
        ResponseTemplate::new(200).set_body_json(json!({"id": CONTAINER_ID, "uri": uri})),
        1,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_reel(&Reel::new(Video::file(asset("sample.mp4"))))
        .await
        .expect_err("unknown host");

    let Error::InvalidInput(inner) = &error else {
        panic!("expected InvalidInput, got {error:?}");
    };
    assert_eq!(inner.field(), "url");
    assert!(!error.to_string().contains(TOKEN));
}

#[tokio::test]
async fn carousel_with_uploaded_video_item() {
    let fake = FakeInstagram::start().await;
    fake.set_processing_polls(2);
    let image_url = fake.host_file(
        "sample.jpg",
        std::fs::read(asset("sample.jpg")).expect("jpg"),
    );
    let timer = Arc::new(ManualTimer::new());
    let client = fake
        .facebook_client_builder()
        .timer(timer.clone())
        .build()
        .expect("client");
    let image = || Image::hosted_file(asset("sample.jpg"), &image_url).expect("url");
    let carousel = Carousel::new([
        CarouselItem::Image(image()),
        CarouselItem::Video(Video::file(asset("sample.mp4"))),
        CarouselItem::Image(image()),
    ])
    .caption("Three items")
    .collaborators(["friend.one"]);

    let published = client.publish_carousel(&carousel).await.expect("published");

    let children = fake.carousel_children(&published.container_id);
    assert_eq!(children.len(), 3);
    let video = fake.container_fields(&children[1]).expect("video item");
    assert_eq!(video["media_type"], "VIDEO");
    assert_eq!(video["is_carousel_item"], true);
    assert!(video.get("caption").is_none());
    assert_eq!(fake.uploaded_bytes(&children[1]), Some(sample_mp4()));
    assert_eq!(published.media_type.as_deref(), Some("CAROUSEL_ALBUM"));
    assert_eq!(fake.published().len(), 1);
    assert_eq!(fake.published()[0].caption.as_deref(), Some("Three items"));
}

/// Mounts a Reel container whose `uri` points at `upload_path` on `server`.
async fn mount_resumable_reel(server: &MockServer, upload_path: &str) {
    let uri = format!("{}{upload_path}", server.uri());
    mount_create(
        server,
        json!({"media_type": "REELS", "upload_type": "resumable"}),
        ResponseTemplate::new(200).set_body_json(json!({"id": CONTAINER_ID, "uri": uri})),
        1,
    )
    .await;
}

#[tokio::test]
async fn offset_past_file_restarts_upload() {
    let server = MockServer::start().await;
    let upload_path = format!("/rupload/ig-api-upload/{VERSION}/{CONTAINER_ID}");
    mount_resumable_reel(&server, &upload_path).await;
    Mock::given(method("GET"))
        .and(path(upload_path.as_str()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"offset": "18446744073709551615"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let size = sample_mp4().len().to_string();
    let answers = Sequence::new(vec![
        json_fixture(500, "rupload_retriable.json"),
        json_fixture(200, "rupload_ok.json"),
    ]);
    Mock::given(method("POST"))
        .and(path(upload_path.as_str()))
        .and(header("offset", "0"))
        .and(header("content-length", size.as_str()))
        .respond_with(answers)
        .expect(2)
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
    let client = builder(&server, &timer)
        .read_back(false)
        .build()
        .expect("client");

    let published = client
        .publish_reel(&Reel::new(Video::file(asset("sample.mp4"))))
        .await
        .expect("published after a full resend");

    assert_eq!(published.media_id.as_deref(), Some(MEDIA_ID));
}

#[tokio::test]
async fn file_changed_during_upload_rejected() {
    let server = MockServer::start().await;
    let upload_path = format!("/rupload/ig-api-upload/{VERSION}/{CONTAINER_ID}");
    mount_resumable_reel(&server, &upload_path).await;
    Mock::given(method("GET"))
        .and(path(upload_path.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"offset": 0})))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("clip.mp4");
    std::fs::write(&file, sample_mp4()).expect("copy");
    let grow = file.clone();
    // The file grows while the first attempt is in flight, which then fails.
    let fails_after_growing = move |_: &wiremock::Request| {
        let mut bytes = std::fs::read(&grow).expect("read");
        bytes.push(0);
        std::fs::write(&grow, bytes).expect("rewrite");
        json_fixture(500, "rupload_retriable.json")
    };
    Mock::given(method("POST"))
        .and(path(upload_path.as_str()))
        .respond_with(fails_after_growing)
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .publish_reel(&Reel::new(Video::file(&file)))
        .await
        .expect_err("file changed");

    assert!(
        matches!(&error, Error::InvalidInput(i) if i.field() == "video"),
        "{error}"
    );
    assert!(
        error.to_string().contains("changed during the upload"),
        "{error}"
    );
}
