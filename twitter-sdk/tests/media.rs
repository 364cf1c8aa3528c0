//! Media upload: one-shot images, segmented videos, processing checks, and
//! a dropped connection in the middle of a segment.

mod support;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use social_core::http::Method;
use social_core::testing::{FaultFront, FaultRule, ManualTimer};
use social_core::{Error, HttpSettings, PollSettings, ProgressCallback};
use support::{builder, catch_all, client, credentials, fixture_json};
use twitter_sdk::{Client, MediaUpload, NewPost};
use wiremock::matchers::{body_json, header_regex, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const MEDIA_ID: &str = "1880028106020515840";

fn asset(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/media")
        .join(name)
}

fn video_len() -> u64 {
    std::fs::metadata(asset("sample.mp4"))
        .expect("sample.mp4")
        .len()
}

async fn mount_initialize(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/2/media/upload/initialize"))
        .and(body_json(serde_json::json!({
            "media_type": "video/mp4",
            "total_bytes": video_len(),
            "media_category": "tweet_video"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("initialize_200.json")))
        .expect(1)
        .mount(server)
        .await;
}

async fn mount_appends(server: &MockServer, segments: u64) {
    Mock::given(method("POST"))
        .and(path(format!("/2/media/upload/{MEDIA_ID}/append")))
        .and(header_regex(
            "content-type",
            "^multipart/form-data; boundary=",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json("append_200.json")))
        .expect(segments)
        .mount(server)
        .await;
}

async fn mount_finalize(server: &MockServer, body: &str) {
    Mock::given(method("POST"))
        .and(path(format!("/2/media/upload/{MEDIA_ID}/finalize")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json(body)))
        .expect(1)
        .mount(server)
        .await;
}

/// Mounts status answers served in order, the last one repeated.
async fn mount_status_sequence(server: &MockServer, bodies: &[&str]) {
    for (index, body) in bodies.iter().enumerate() {
        let mock = Mock::given(method("GET"))
            .and(path("/2/media/upload"))
            .and(query_param("command", "STATUS"))
            .and(query_param("media_id", MEDIA_ID))
            .respond_with(ResponseTemplate::new(200).set_body_json(fixture_json(body)))
            .with_priority((index + 1) as u8);
        let mock = if index + 1 < bodies.len() {
            mock.up_to_n_times(1)
        } else {
            mock
        };
        mock.mount(server).await;
    }
}

/// Matches requests whose (possibly binary) body contains `needle`.
fn body_contains(needle: &'static str) -> impl Fn(&Request) -> bool {
    move |request: &Request| {
        request
            .body
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    }
}

fn small_chunk_client(server: &MockServer) -> (Client, Arc<ManualTimer>) {
    let timer = Arc::new(ManualTimer::new());
    let client = builder(server, &timer)
        .chunk_size(256 * 1024)
        .oauth1(credentials())
        .build()
        .expect("client");
    (client, timer)
}

/// Collects the multipart bodies of every append, in arrival order.
async fn append_bodies(server: &MockServer) -> Vec<Vec<u8>> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path().ends_with("/append"))
        .map(|r: Request| r.body)
        .collect()
}

/// Extracts the `media` part's bytes and the `segment_index` of a multipart body.
fn parse_append(body: &[u8]) -> (u64, Vec<u8>) {
    let text = String::from_utf8_lossy(body);
    let boundary_end = text.find("\r\n").expect("boundary line");
    let boundary = &body[..boundary_end];
    let needle = "name=\"segment_index\"\r\n\r\n";
    let index_start = text.find(needle).expect("segment_index") + needle.len();
    let index_end = text[index_start..].find("\r\n").expect("end") + index_start;
    let index: u64 = text[index_start..index_end].parse().expect("number");
    let media_header = text.find("name=\"media\"").expect("media part");
    let data_start = text[media_header..]
        .find("\r\n\r\n")
        .expect("part header end")
        + media_header
        + 4;
    let closing = [b"\r\n".as_slice(), boundary].concat();
    let data_end = body[data_start..]
        .windows(closing.len())
        .position(|w| w == closing.as_slice())
        .expect("closing boundary")
        + data_start;
    (index, body[data_start..data_end].to_vec())
}

#[tokio::test]
async fn video_uploads_in_segments() {
    let server = MockServer::start().await;
    let segments = video_len().div_ceil(256 * 1024);
    mount_initialize(&server).await;
    mount_appends(&server, segments).await;
    mount_finalize(&server, "finalize_ready.json").await;
    catch_all(&server).await;
    let (client, _) = small_chunk_client(&server);
    let progress = Arc::new(Mutex::new(Vec::new()));
    let seen = progress.clone();

    let media = client
        .upload_media(
            MediaUpload::file(asset("sample.mp4")).progress(ProgressCallback::new(move |p| {
                seen.lock().expect("lock").push(p.uploaded)
            })),
        )
        .await
        .expect("uploaded");

    let mut received = Vec::new();
    for (expected_index, body) in append_bodies(&server).await.iter().enumerate() {
        let (index, data) = parse_append(body);
        assert_eq!(index, expected_index as u64);
        received.extend(data);
    }
    assert_eq!(received, std::fs::read(asset("sample.mp4")).expect("file"));
    assert_eq!(media.id, MEDIA_ID);
    assert_eq!(progress.lock().expect("lock").last(), Some(&video_len()));
}

#[tokio::test]
async fn small_image_uploads_in_one_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2/media/upload"))
        .and(body_contains(
            "name=\"media_category\"\r\n\r\ntweet_image\r\n",
        ))
        .and(body_contains("Content-Type: image/jpeg"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture_json("image_upload_200.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/2/media/metadata"))
        .and(body_json(serde_json::json!({
            "id": "1880028106020515850",
            "metadata": {"alt_text": {"text": "A test card with colour bars"}}
        })))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"data": {"associated_metadata": true}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let (client, _) = client(&server);

    let media = client
        .upload_media(
            MediaUpload::file(asset("sample.jpg")).alt_text("A test card with colour bars"),
        )
        .await
        .expect("uploaded");

    assert_eq!(media.id, "1880028106020515850");
    assert_eq!(media.size, 41_814);
}

#[tokio::test]
async fn processing_failure_blocks_post() {
    let server = MockServer::start().await;
    let segments = video_len().div_ceil(256 * 1024);
    mount_initialize(&server).await;
    mount_appends(&server, segments).await;
    mount_finalize(&server, "finalize_pending.json").await;
    mount_status_sequence(&server, &["status_in_progress.json", "status_failed.json"]).await;
    Mock::given(method("POST"))
        .and(path("/2/tweets"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let (client, timer) = small_chunk_client(&server);

    let result = client
        .upload_media(MediaUpload::file(asset("sample.mp4")))
        .await;
    let posted = match &result {
        Ok(media) => Some(client.create_post(&NewPost::new("clip").media(media)).await),
        Err(_) => None,
    };

    let err = result.expect_err("processing failed");
    let Error::Processing(processing) = &err else {
        panic!("expected a processing error, got {err:?}");
    };
    assert_eq!(processing.id(), MEDIA_ID);
    assert_eq!(processing.state(), "failed");
    assert_eq!(processing.code(), Some("1 InvalidMedia"));
    assert_eq!(processing.reason(), Some("Unsupported video format"));
    assert!(posted.is_none());
    assert_eq!(
        timer.sleeps(),
        vec![Duration::from_secs(1), Duration::from_secs(5)]
    );
}

#[tokio::test]
async fn processing_stuck_times_out_with_id() {
    let server = MockServer::start().await;
    let segments = video_len().div_ceil(256 * 1024);
    mount_initialize(&server).await;
    mount_appends(&server, segments).await;
    mount_finalize(&server, "finalize_pending.json").await;
    mount_status_sequence(&server, &["status_in_progress.json"]).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = builder(&server, &timer)
        .chunk_size(256 * 1024)
        .poll_settings(PollSettings {
            deadline: Duration::from_secs(60),
            ..PollSettings::default()
        })
        .oauth1(credentials())
        .build()
        .expect("client");

    let err = client
        .upload_media(MediaUpload::file(asset("sample.mp4")))
        .await
        .expect_err("stuck");

    let Error::Timeout(timeout) = &err else {
        panic!("expected a timeout, got {err:?}");
    };
    assert_eq!(timeout.id(), MEDIA_ID);
    assert_eq!(timeout.last_state(), Some("in_progress"));
    assert!(timer.total_slept() <= Duration::from_secs(60));
    assert!(timer.total_slept() >= Duration::from_secs(55));
}

#[tokio::test]
async fn default_deadline_is_thirty_minutes() {
    assert_eq!(
        PollSettings::default().deadline,
        Duration::from_secs(30 * 60)
    );
}

#[tokio::test]
async fn no_processing_info_means_ready() {
    let server = MockServer::start().await;
    let segments = video_len().div_ceil(256 * 1024);
    mount_initialize(&server).await;
    mount_appends(&server, segments).await;
    mount_finalize(&server, "finalize_ready.json").await;
    catch_all(&server).await;
    let (client, timer) = small_chunk_client(&server);

    let media = client
        .upload_media(MediaUpload::file(asset("sample.mp4")))
        .await
        .expect("ready");

    assert_eq!(media.id, MEDIA_ID);
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn processing_succeeds_after_polls() {
    let server = MockServer::start().await;
    let segments = video_len().div_ceil(256 * 1024);
    mount_initialize(&server).await;
    mount_appends(&server, segments).await;
    mount_finalize(&server, "finalize_pending.json").await;
    mount_status_sequence(
        &server,
        &["status_in_progress.json", "status_succeeded.json"],
    )
    .await;
    catch_all(&server).await;
    let (client, timer) = small_chunk_client(&server);

    let media = client
        .upload_media(MediaUpload::file(asset("sample.mp4")))
        .await
        .expect("ready");

    assert_eq!(media.id, MEDIA_ID);
    assert_eq!(
        timer.sleeps(),
        vec![Duration::from_secs(1), Duration::from_secs(5)]
    );
}

#[tokio::test]
async fn upload_interrupted_mid_segment_resends_it() {
    let server = MockServer::start().await;
    let segments = video_len().div_ceil(256 * 1024);
    mount_initialize(&server).await;
    mount_appends(&server, segments).await;
    mount_finalize(&server, "finalize_ready.json").await;
    catch_all(&server).await;
    let front = FaultFront::start(&server.uri()).await.expect("front");
    front.add_rule(FaultRule::drop_connection(Method::POST, "/append", 1));
    let timer = Arc::new(ManualTimer::new());
    let client = Client::builder()
        .base_url(&front.url())
        .http_settings(HttpSettings::default().no_proxy())
        .timer(timer.clone())
        .chunk_size(256 * 1024)
        .oauth1(credentials())
        .build()
        .expect("client");

    let media = client
        .upload_media(MediaUpload::file(asset("sample.mp4")))
        .await
        .expect("resumed");

    let mut received = Vec::new();
    for body in append_bodies(&server).await {
        received.extend(parse_append(&body).1);
    }
    assert_eq!(front.dropped(), 1);
    assert_eq!(received, std::fs::read(asset("sample.mp4")).expect("file"));
    assert_eq!(media.id, MEDIA_ID);
    assert_eq!(timer.sleeps().len(), 1);
}

#[tokio::test]
async fn bad_media_rejected_before_request() {
    let server = MockServer::start().await;
    catch_all(&server).await;
    let (client, _) = client(&server);
    let dir = tempfile::tempdir().expect("tempdir");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not media").expect("write");
    let big = dir.path().join("big.jpg");
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
    jpeg.resize(5 * 1024 * 1024 + 1, 0);
    std::fs::write(&big, jpeg).expect("write");

    let missing = client
        .upload_media(MediaUpload::file(dir.path().join("absent.mp4")))
        .await;
    let wrong_type = client.upload_media(MediaUpload::file(&text)).await;
    let too_big = client.upload_media(MediaUpload::file(&big)).await;

    assert!(matches!(missing, Err(Error::InvalidInput(_))));
    assert!(matches!(wrong_type, Err(Error::InvalidInput(_))));
    let too_big = too_big.expect_err("5 MB + 1");
    assert!(
        too_big.to_string().contains("at most 5242880 bytes"),
        "{too_big}"
    );
}

#[tokio::test]
async fn slow_segments_have_no_total_timeout() {
    let server = MockServer::start().await;
    let segments = video_len().div_ceil(256 * 1024);
    mount_initialize(&server).await;
    Mock::given(method("POST"))
        .and(path(format!("/2/media/upload/{MEDIA_ID}/append")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture_json("append_200.json"))
                .set_delay(Duration::from_millis(300)),
        )
        .expect(segments)
        .mount(&server)
        .await;
    mount_finalize(&server, "finalize_ready.json").await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    // Each call may take 400 ms and each segment 2 s; the three segments
    // together take about 900 ms, more than one call is allowed.
    let client = builder(&server, &timer)
        .http_settings(
            HttpSettings::default()
                .no_proxy()
                .request_timeout(Duration::from_millis(400))
                .chunk_timeout(Duration::from_secs(2)),
        )
        .chunk_size(256 * 1024)
        .oauth1(credentials())
        .build()
        .expect("client");

    let media = client
        .upload_media(MediaUpload::file(asset("sample.mp4")))
        .await
        .expect("slow but fine");

    assert_eq!(media.id, MEDIA_ID);
    assert!(timer.sleeps().is_empty(), "no segment timed out");
}
