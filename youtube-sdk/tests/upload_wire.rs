//! The upload's requests on the wire, matched strictly against scripted
//! responses: headers of the session start, `Content-Range` of every chunk,
//! and what follows a 503, an HTML page, a timeout and a dropped body.

#[path = "support/helpers.rs"]
mod support;

use std::time::Duration;

use serde_json::json;
use social_core::http::Method;
use social_core::testing::{FaultFront, FaultRule};
use social_core::{Error, ErrorKind, HttpSettings, UnexpectedBody};
use support::{GRANULE, fixture, mock_builder, mount_catch_all, timer, video_file};
use wiremock::matchers::{body_json, body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};
use youtube_sdk::VideoMetadata;

const TOTAL: u64 = 1_200_000;
const CHUNK: u64 = 2 * GRANULE;

fn metadata() -> VideoMetadata {
    VideoMetadata::new("Fault test")
        .category_id("22")
        .made_for_kids(false)
        .notify_subscribers(false)
}

/// Mounts the session start; the session URI is `{base}/upload/youtube/v3/videos?...&upload_id=S1`.
async fn mount_session_start(server: &MockServer, base: &str) {
    let location = format!("{base}/upload/youtube/v3/videos?uploadType=resumable&upload_id=S1");
    Mock::given(method("POST"))
        .and(path("/upload/youtube/v3/videos"))
        .and(query_param("uploadType", "resumable"))
        .and(query_param("part", "snippet,status"))
        .and(query_param("notifySubscribers", "false"))
        .and(header("authorization", "Bearer ya29.test-token"))
        .and(header(
            "x-upload-content-length",
            TOTAL.to_string().as_str(),
        ))
        .and(header("x-upload-content-type", "video/mp4"))
        .and(header("content-type", "application/json; charset=UTF-8"))
        .and(body_json(json!({
            "snippet": {"title": "Fault test", "categoryId": "22"},
            "status": {"privacyStatus": "private", "selfDeclaredMadeForKids": false}
        })))
        .respond_with(ResponseTemplate::new(200).insert_header("Location", location.as_str()))
        .expect(1)
        .named("session start")
        .mount(server)
        .await;
}

fn put_range(range: &str) -> wiremock::MockBuilder {
    Mock::given(method("PUT"))
        .and(path("/upload/youtube/v3/videos"))
        .and(query_param("upload_id", "S1"))
        .and(header("authorization", "Bearer ya29.test-token"))
        .and(header("content-range", range))
}

fn status_query() -> wiremock::MockBuilder {
    put_range(&format!("bytes */{TOTAL}"))
        .and(header("content-length", "0"))
        .and(body_string(""))
}

fn resume_incomplete(last_byte: u64) -> ResponseTemplate {
    ResponseTemplate::new(308).insert_header("Range", format!("bytes=0-{last_byte}").as_str())
}

fn video_created() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture("video_inserted.json"), "application/json")
}

/// A 503 `backendError` on a chunk, a status query whose
/// `Range` ends inside the failed chunk, and a next PUT that starts right
/// after it.
#[tokio::test]
async fn backend_error_resumes_inside_failed_chunk() {
    let server = MockServer::start().await;
    let (_dir, file) = video_file(TOTAL);
    mount_session_start(&server, &server.uri()).await;
    put_range(&format!("bytes 0-{}/{TOTAL}", CHUNK - 1))
        .and(header("content-length", CHUNK.to_string().as_str()))
        .and(header("content-type", "video/mp4"))
        .respond_with(resume_incomplete(CHUNK - 1))
        .expect(1)
        .mount(&server)
        .await;
    put_range(&format!("bytes {CHUNK}-{}/{TOTAL}", 2 * CHUNK - 1))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_raw(fixture("backend_error.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    status_query()
        .respond_with(resume_incomplete(786_431))
        .expect(1)
        .mount(&server)
        .await;
    put_range(&format!("bytes 786432-{}/{TOTAL}", TOTAL - 1))
        .and(header(
            "content-length",
            (TOTAL - 786_432).to_string().as_str(),
        ))
        .respond_with(video_created())
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let clock = timer();
    let client = mock_builder(&server, &clock).build().expect("client");

    let video = client
        .upload_video(metadata(), &file)
        .chunk_size(CHUNK)
        .send()
        .await
        .expect("upload");

    assert_eq!(video.id(), "Ks-_Mh1QhMc");
    assert_eq!(video.stats().status_queries, 1);
    assert_eq!(video.stats().retries, 1);
    assert_eq!(clock.sleeps().len(), 1);
}

#[tokio::test]
async fn html_error_page_on_chunk_is_retried_after_status_query() {
    let server = MockServer::start().await;
    let (_dir, file) = video_file(TOTAL);
    let chunk = 4 * GRANULE;
    mount_session_start(&server, &server.uri()).await;
    put_range(&format!("bytes 0-{}/{TOTAL}", chunk - 1))
        .respond_with(
            ResponseTemplate::new(502)
                .set_body_raw(fixture("proxy_502.html"), "text/html; charset=UTF-8"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    status_query()
        .respond_with(ResponseTemplate::new(308))
        .expect(1)
        .mount(&server)
        .await;
    put_range(&format!("bytes 0-{}/{TOTAL}", chunk - 1))
        .respond_with(resume_incomplete(chunk - 1))
        .expect(1)
        .mount(&server)
        .await;
    put_range(&format!("bytes {chunk}-{}/{TOTAL}", TOTAL - 1))
        .respond_with(video_created())
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let video = client
        .upload_video(metadata(), &file)
        .chunk_size(chunk)
        .send()
        .await
        .expect("upload");

    assert_eq!(video.stats().chunks_sent, 3);
    assert_eq!(video.stats().status_queries, 1);
}

#[tokio::test]
async fn missing_field_in_final_answer_is_unexpected_response() {
    let server = MockServer::start().await;
    let (_dir, file) = video_file(TOTAL);
    mount_session_start(&server, &server.uri()).await;
    put_range(&format!("bytes 0-{}/{TOTAL}", TOTAL - 1))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            fixture("video_inserted_without_id.json"),
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let error = client
        .upload_video(metadata(), &file)
        .chunk_size(8 * GRANULE)
        .send()
        .await
        .expect_err("no id");

    let Error::UnexpectedResponse(unexpected) = &error else {
        panic!("expected UnexpectedResponse, got {error}")
    };
    assert_eq!(unexpected.body_kind(), UnexpectedBody::MissingField);
    assert!(
        unexpected.snippet().contains("id"),
        "{}",
        unexpected.snippet()
    );
}

#[tokio::test]
async fn new_location_replaces_session_uri() {
    let server = MockServer::start().await;
    let (_dir, file) = video_file(TOTAL);
    mount_session_start(&server, &server.uri()).await;
    let moved = format!(
        "{}/upload/youtube/v3/videos?uploadType=resumable&upload_id=S2",
        server.uri()
    );
    put_range(&format!("bytes 0-{}/{TOTAL}", CHUNK - 1))
        .respond_with(resume_incomplete(CHUNK - 1).insert_header("Location", moved.as_str()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/upload/youtube/v3/videos"))
        .and(query_param("upload_id", "S2"))
        .and(header(
            "content-range",
            format!("bytes {CHUNK}-{}/{TOTAL}", 2 * CHUNK - 1).as_str(),
        ))
        .respond_with(resume_incomplete(2 * CHUNK - 1))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/upload/youtube/v3/videos"))
        .and(query_param("upload_id", "S2"))
        .and(header(
            "content-range",
            format!("bytes {}-{}/{TOTAL}", 2 * CHUNK, TOTAL - 1).as_str(),
        ))
        .respond_with(video_created())
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let video = client
        .upload_video(metadata(), &file)
        .chunk_size(CHUNK)
        .send()
        .await
        .expect("upload");

    assert_eq!(video.id(), "Ks-_Mh1QhMc");
}

/// A slow line: the chunk's response takes longer than the per-chunk
/// timeout, which fails that request alone. The status query then shows
/// that the server got the chunk, and the upload goes on.
#[tokio::test]
async fn slow_network_chunk_timeout_then_resume() {
    let server = MockServer::start().await;
    let (_dir, file) = video_file(TOTAL);
    mount_session_start(&server, &server.uri()).await;
    put_range(&format!("bytes 0-{}/{TOTAL}", CHUNK - 1))
        .respond_with(resume_incomplete(CHUNK - 1).set_delay(Duration::from_secs(3)))
        .expect(1)
        .mount(&server)
        .await;
    status_query()
        .respond_with(resume_incomplete(CHUNK - 1))
        .expect(1)
        .mount(&server)
        .await;
    put_range(&format!("bytes {CHUNK}-{}/{TOTAL}", 2 * CHUNK - 1))
        .respond_with(resume_incomplete(2 * CHUNK - 1))
        .expect(1)
        .mount(&server)
        .await;
    put_range(&format!("bytes {}-{}/{TOTAL}", 2 * CHUNK, TOTAL - 1))
        .respond_with(video_created())
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let settings = HttpSettings::default()
        .no_proxy()
        .chunk_timeout(Duration::from_millis(500));
    let client = mock_builder(&server, &timer())
        .http_settings(settings)
        .build()
        .expect("client");

    let video = client
        .upload_video(metadata(), &file)
        .chunk_size(CHUNK)
        .send()
        .await
        .expect("upload");

    assert_eq!(video.stats().retries, 1);
}

/// A connection dropped mid-body by the network, before any response. The
/// status query gets 308 without `Range`, so the same chunk goes again
/// from byte 0.
#[tokio::test]
async fn connection_dropped_mid_body_resends_from_server_offset() {
    let server = MockServer::start().await;
    let front = FaultFront::start(&server.uri()).await.expect("front");
    let (_dir, file) = video_file(TOTAL);
    mount_session_start(&server, &front.url()).await;
    status_query()
        .respond_with(ResponseTemplate::new(308))
        .expect(1)
        .mount(&server)
        .await;
    put_range(&format!("bytes 0-{}/{TOTAL}", CHUNK - 1))
        .respond_with(resume_incomplete(CHUNK - 1))
        .expect(1)
        .mount(&server)
        .await;
    put_range(&format!("bytes {CHUNK}-{}/{TOTAL}", 2 * CHUNK - 1))
        .respond_with(resume_incomplete(2 * CHUNK - 1))
        .expect(1)
        .mount(&server)
        .await;
    put_range(&format!("bytes {}-{}/{TOTAL}", 2 * CHUNK, TOTAL - 1))
        .respond_with(video_created())
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    front.add_rule(FaultRule::drop_connection(
        Method::PUT,
        "/upload/youtube/v3/videos",
        1,
    ));
    let client = mock_builder(&server, &timer())
        .root_url(format!("{}/", front.url()))
        .build()
        .expect("client");

    let video = client
        .upload_video(metadata(), &file)
        .chunk_size(CHUNK)
        .send()
        .await
        .expect("upload");

    assert_eq!(front.dropped(), 1);
    assert_eq!(video.stats().chunks_sent, 4);
    assert_eq!(video.stats().status_queries, 1);
}

#[tokio::test]
async fn quota_exceeded_on_session_start_sends_one_request() {
    let server = MockServer::start().await;
    let (_dir, file) = video_file(TOTAL);
    Mock::given(method("POST"))
        .and(path("/upload/youtube/v3/videos"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_raw(fixture("quota_exceeded.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let error = client
        .upload_video(metadata(), &file)
        .send()
        .await
        .expect_err("quota");

    assert_eq!(error.kind(), ErrorKind::QuotaExceeded);
    assert!(!error.is_retryable());
    assert!(
        error.to_string().contains("midnight Pacific time"),
        "{error}"
    );
    assert!(!error.to_string().contains("<a"), "{error}");
}

/// Chunks get 308 without `Range` (the server lost everything) while
/// status queries report the first chunk kept, over and over. Only a new
/// highest offset counts as progress, so the upload gives up.
#[tokio::test]
async fn oscillating_range_gives_up() {
    let server = MockServer::start().await;
    let (_dir, file) = video_file(TOTAL);
    mount_session_start(&server, &server.uri()).await;
    put_range(&format!("bytes 0-{}/{TOTAL}", CHUNK - 1))
        .respond_with(ResponseTemplate::new(308))
        .expect(1)
        .mount(&server)
        .await;
    put_range(&format!("bytes {CHUNK}-{}/{TOTAL}", 2 * CHUNK - 1))
        .respond_with(ResponseTemplate::new(308))
        .expect(6)
        .mount(&server)
        .await;
    status_query()
        .respond_with(resume_incomplete(CHUNK - 1))
        .expect(6)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let upload = client
        .upload_video(metadata(), &file)
        .chunk_size(CHUNK)
        .send();
    let error = tokio::time::timeout(Duration::from_secs(5), upload)
        .await
        .expect("the upload loop ends")
        .expect_err("no progress");

    assert!(
        matches!(&error, Error::UnexpectedResponse(u) if u.body_kind() == UnexpectedBody::UnexpectedStatus),
        "{error}"
    );
    assert!(error.to_string().contains("stopped confirming"), "{error}");
}

/// The last chunk fails with a 503, so YouTube may have created the video;
/// the status query then finds the session gone. A new session would
/// upload the video twice, so the error reports an unknown delivery, also
/// when `finish` is called again.
#[tokio::test]
async fn lost_last_chunk_blocks_new_session() {
    let server = MockServer::start().await;
    let (_dir, file) = video_file(TOTAL);
    mount_session_start(&server, &server.uri()).await;
    put_range(&format!("bytes 0-{}/{TOTAL}", CHUNK - 1))
        .respond_with(resume_incomplete(CHUNK - 1))
        .expect(1)
        .mount(&server)
        .await;
    put_range(&format!("bytes {CHUNK}-{}/{TOTAL}", 2 * CHUNK - 1))
        .respond_with(resume_incomplete(2 * CHUNK - 1))
        .expect(1)
        .mount(&server)
        .await;
    put_range(&format!("bytes {}-{}/{TOTAL}", 2 * CHUNK, TOTAL - 1))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_raw(fixture("backend_error.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    status_query()
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            r#"{"error":{"code":404,"message":"Not Found","errors":[{"domain":"global","reason":"notFound","message":"Not Found"}]}}"#,
            "application/json",
        ))
        .expect(2)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = mock_builder(&server, &timer()).build().expect("client");

    let mut upload = client
        .upload_video(metadata(), &file)
        .chunk_size(CHUNK)
        .begin()
        .await
        .expect("begin");
    let error = upload.finish().await.expect_err("outcome unknown");
    let again = upload.finish().await.expect_err("still unknown");

    assert_eq!(error.delivery(), Some(social_core::Delivery::Unknown));
    assert_eq!(again.delivery(), Some(social_core::Delivery::Unknown));
    assert!(
        error.to_string().contains("may have reached the platform"),
        "{error}"
    );
    assert_eq!(upload.stats().sessions_started, 1);
    assert_eq!(upload.session().offset(), 2 * CHUNK);
}

/// The file is rewritten (same size, new modification time) after the
/// server confirms the first chunk: the upload stops before sending bytes
/// of the new version.
#[tokio::test]
async fn changed_file_stops_upload() {
    let server = MockServer::start().await;
    let (_dir, file) = video_file(TOTAL);
    mount_session_start(&server, &server.uri()).await;
    put_range(&format!("bytes 0-{}/{TOTAL}", CHUNK - 1))
        .respond_with(resume_incomplete(CHUNK - 1))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = mock_builder(&server, &timer()).build().expect("client");
    let target = file.clone();
    let rewrite = social_core::ProgressCallback::new(move |progress| {
        if progress.uploaded == CHUNK {
            let mut bytes = std::fs::read(&target).expect("read");
            bytes[CHUNK as usize] ^= 0xFF;
            std::fs::write(&target, &bytes).expect("rewrite");
            let later = std::time::SystemTime::now() + Duration::from_secs(10);
            let handle = std::fs::File::options()
                .write(true)
                .open(&target)
                .expect("open");
            handle.set_modified(later).expect("set mtime");
        }
    });

    let error = client
        .upload_video(metadata(), &file)
        .chunk_size(CHUNK)
        .on_progress(rewrite)
        .send()
        .await
        .expect_err("changed");

    assert!(
        matches!(&error, Error::InvalidInput(i) if i.field() == "media"),
        "{error}"
    );
    assert!(error.to_string().contains("changed"), "{error}");
}

/// A text file named `.mp4` has no video signature; nothing is sent.
#[tokio::test]
async fn text_file_named_mp4_sends_nothing() {
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("notes.mp4");
    std::fs::write(&file, "shopping list: milk, eggs").expect("write");
    let client = mock_builder(&server, &timer()).build().expect("client");

    let error = client
        .upload_video(metadata(), &file)
        .send()
        .await
        .expect_err("not a video");

    assert!(
        matches!(&error, Error::InvalidInput(i) if i.field() == "media"),
        "{error}"
    );
    assert!(error.to_string().contains("content_type"), "{error}");
}
