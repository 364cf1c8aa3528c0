//! Video uploads: the chunked flow, the Resumable Upload API and Reels,
//! with interrupted transfers, expired sessions and processing outcomes.

#[path = "support/common.rs"]
mod common;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use facebook_sdk::testing::{FakeGraph, html_error};
use facebook_sdk::{Client, ReelUpload, VideoDetails, VideoUpload};
use social_core::testing::{FaultFront, FaultRule, ManualTimer};
use social_core::{Error, ErrorKind, MediaSource, PollSettings, ProgressCallback};
use wiremock::matchers::{method, path, path_regex, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn sample_mp4() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets/media/sample.mp4")
}

fn mp4_bytes() -> Vec<u8> {
    std::fs::read(sample_mp4()).expect("sample.mp4")
}

fn fake_client(fake: &FakeGraph, timer: &Arc<ManualTimer>) -> Client {
    fake.client_builder()
        .timer(timer.clone())
        .build()
        .expect("client")
}

fn recorder() -> (ProgressCallback, Arc<Mutex<Vec<u64>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let callback = ProgressCallback::new(move |p| sink.lock().expect("lock").push(p.uploaded));
    (callback, seen)
}

fn body_has(needle: String) -> impl Fn(&Request) -> bool {
    move |request: &Request| {
        request
            .body
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    }
}

fn field(name: &str, value: &str) -> String {
    format!("name=\"{name}\"\r\n\r\n{value}\r\n")
}

#[tokio::test]
async fn upload_interrupted_chunk_resent_from_error_data() {
    let fake = FakeGraph::start().await;
    fake.fail_chunk_at(262_144);
    let timer = Arc::new(ManualTimer::new());
    let (progress, seen) = recorder();
    let upload = VideoUpload::new(MediaSource::file(sample_mp4()))
        .details(
            VideoDetails::new()
                .title("Sample")
                .description("Eight seconds"),
        )
        .progress(progress);

    let video = fake_client(&fake, &timer)
        .upload_video(&upload)
        .await
        .expect("uploaded");

    let total = mp4_bytes().len() as u64;
    assert_eq!(
        fake.video_bytes(&video.video_id),
        Some(mp4_bytes()),
        "same bytes as without the fault"
    );
    assert!(video.status.as_ref().is_some_and(|s| s.is_ready()));
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.first(), Some(&0));
    assert_eq!(seen.last(), Some(&total));
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    let chunks = total.div_ceil(262_144) as usize;
    assert_eq!(
        fake.request_count("POST", "/videos").await,
        chunks + 3,
        "start, chunks, one resend, finish"
    );
}

#[tokio::test]
async fn upload_interrupted_connection_drop_resumes() {
    let fake = FakeGraph::start().await;
    let front = FaultFront::start(&fake.server().uri())
        .await
        .expect("front");
    let timer = Arc::new(ManualTimer::new());
    let client = fake
        .client_builder()
        .video_url(format!("{}/graph-video/", front.url()))
        .timer(timer.clone())
        .build()
        .expect("client");
    let source = MediaSource::file(sample_mp4());

    let mut session = client.start_video_session(&source).await.expect("session");
    front.add_rule(FaultRule::drop_connection(http::Method::POST, "/videos", 1));
    client
        .transfer_video(&mut session, &source, None)
        .await
        .expect("transferred");
    client
        .finish_video_session(&session, &VideoDetails::new())
        .await
        .expect("finished");

    assert_eq!(front.dropped(), 1);
    assert_eq!(timer.sleeps().len(), 1, "one retry of the dropped chunk");
    assert_eq!(fake.video_bytes(&session.video_id), Some(mp4_bytes()));
}

#[tokio::test]
async fn upload_interrupted_chunk_5xx_retried() {
    let fake = FakeGraph::start().await;
    Mock::given(method("POST"))
        .and(path(format!(
            "/graph-video/v26.0/{}/videos",
            FakeGraph::PAGE_ID
        )))
        .and(body_has(field("start_offset", "524288")))
        .respond_with(html_error(503))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(fake.server())
        .await;
    let timer = Arc::new(ManualTimer::new());
    let upload = VideoUpload::new(MediaSource::file(sample_mp4())).skip_processing_wait();

    let video = fake_client(&fake, &timer)
        .upload_video(&upload)
        .await
        .expect("uploaded");

    assert_eq!(fake.video_bytes(&video.video_id), Some(mp4_bytes()));
    assert_eq!(timer.sleeps().len(), 1);
}

#[tokio::test]
async fn upload_session_expired_starts_new_session() {
    let fake = FakeGraph::start().await;
    Mock::given(method("POST"))
        .and(path(format!(
            "/graph-video/v26.0/{}/videos",
            FakeGraph::PAGE_ID
        )))
        .and(body_has(field("upload_phase", "transfer")))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_raw(fixture("error_390_1363030.json"), "application/json"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(fake.server())
        .await;
    let timer = Arc::new(ManualTimer::new());
    let upload = VideoUpload::new(MediaSource::file(sample_mp4())).skip_processing_wait();

    let video = fake_client(&fake, &timer)
        .upload_video(&upload)
        .await
        .expect("second session");

    assert_eq!(fake.video_bytes(&video.video_id), Some(mp4_bytes()));
    let requests = fake.server().received_requests().await.unwrap_or_default();
    let starts = requests
        .iter()
        .filter(|r| body_has("upload_phase=start".to_owned())(r))
        .count();
    assert_eq!(starts, 2);
}

async fn strict_chunked_server(transfer: ResponseTemplate, times: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(video_path(&format!("{PAGE_ID}/videos"))))
        .and(body_has("upload_phase=start&file_size=600000".to_owned()))
        .respond_with(json_fixture(200, "video_start.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(video_path(&format!("{PAGE_ID}/videos"))))
        .and(body_has(field("start_offset", "0")))
        .and(body_has(field("upload_session_id", "2847219341231441")))
        .respond_with(transfer)
        .expect(times)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn size_mismatch_is_permanent() {
    let server = strict_chunked_server(json_fixture(400, "error_6000_1363045.json"), 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let upload = VideoUpload::new(MediaSource::bytes(mp4_like(600_000), Some("clip.mp4")))
        .skip_processing_wait();

    let error = client(&server, &timer)
        .upload_video(&upload)
        .await
        .expect_err("size mismatch");

    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert_eq!(error.as_api().and_then(|e| e.subcode()), Some("1363045"));
    assert!(error.to_string().contains("file_size declared"), "{error}");
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn chunk_offsets_as_numbers_or_strings() {
    let server = strict_chunked_server(json_fixture(400, "error_6001_1363037.json"), 1).await;
    Mock::given(method("POST"))
        .and(path(video_path(&format!("{PAGE_ID}/videos"))))
        .and(body_has(field("start_offset", "262144")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"start_offset": 524288, "end_offset": "600000"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(video_path(&format!("{PAGE_ID}/videos"))))
        .and(body_has(field("start_offset", "524288")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                serde_json::json!({"start_offset": "600000", "end_offset": "600000"}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(video_path(&format!("{PAGE_ID}/videos"))))
        .and(body_has(
            "upload_phase=finish&upload_session_id=2847219341231441&title=T".to_owned(),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"success": true})),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let upload = VideoUpload::new(MediaSource::bytes(mp4_like(600_000), Some("clip.mp4")))
        .details(VideoDetails::new().title("T"))
        .skip_processing_wait();

    let video = client(&server, &timer)
        .upload_video(&upload)
        .await
        .expect("uploaded");

    assert_eq!(video.video_id, "1096187423487612");
}

#[tokio::test]
async fn processing_failed_gives_processing_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(graph_path("1096187423487612")))
        .and(query_param("fields", "status"))
        .respond_with(json_fixture(200, "video_status_error.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());

    let error = client(&server, &timer)
        .wait_for_video("1096187423487612")
        .await
        .expect_err("failed");

    let Error::Processing(processing) = &error else {
        panic!("expected Processing, got {error:?}");
    };
    assert_eq!(processing.id(), "1096187423487612");
    assert!(
        processing
            .reason()
            .is_some_and(|r| r.contains("Resolution too low"))
    );
}

#[tokio::test]
async fn processing_deadline_keeps_video_id() {
    let fake = FakeGraph::start().await;
    fake.set_processing_polls(10_000);
    let timer = Arc::new(ManualTimer::new());
    let client = fake
        .client_builder()
        .timer(timer.clone())
        .poll_settings(PollSettings {
            initial_interval: Duration::from_secs(5),
            max_interval: Duration::from_secs(60),
            deadline: Duration::from_secs(600),
        })
        .build()
        .expect("client");
    let upload = VideoUpload::new(MediaSource::file(sample_mp4()));

    let error = client.upload_video(&upload).await.expect_err("never ready");

    let Error::Timeout(timeout) = &error else {
        panic!("expected Timeout, got {error:?}");
    };
    assert!(
        fake.video_bytes(timeout.id()).is_some(),
        "the id names the uploaded video"
    );
    assert_eq!(timeout.last_state(), Some("processing"));
    assert_eq!(timer.total_slept(), Duration::from_secs(600));
}

#[tokio::test]
async fn reel_published_through_rupload() {
    let fake = FakeGraph::start().await;
    let timer = Arc::new(ManualTimer::new());
    let reel = ReelUpload::new(MediaSource::file(sample_mp4())).description("A reel");

    let video = fake_client(&fake, &timer)
        .publish_reel(&reel)
        .await
        .expect("published");

    assert_eq!(fake.video_bytes(&video.video_id), Some(mp4_bytes()));
    assert!(video.post_id.is_some());
    assert!(video.status.is_some_and(|s| s.is_ready()));
}

#[tokio::test]
async fn reel_upload_interrupted_resumes_from_status() {
    let fake = FakeGraph::start().await;
    let front = FaultFront::start(&fake.server().uri())
        .await
        .expect("front");
    fake.set_rupload_base(format!("{}/rupload/", front.url()));
    front.add_rule(FaultRule::drop_connection(
        http::Method::POST,
        "/rupload/",
        1,
    ));
    let timer = Arc::new(ManualTimer::new());
    let client = fake
        .client_builder()
        .rupload_url(format!("{}/rupload/", front.url()))
        .timer(timer.clone())
        .build()
        .expect("client");
    let reel = ReelUpload::new(MediaSource::file(sample_mp4())).skip_processing_wait();

    let video = client
        .publish_reel(&reel)
        .await
        .expect("published after resume");

    assert_eq!(front.dropped(), 1);
    assert_eq!(fake.video_bytes(&video.video_id), Some(mp4_bytes()));
}

#[tokio::test]
async fn reel_upload_url_on_other_host_rejected() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(graph_path(&format!("{PAGE_ID}/video_reels"))))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "video_id": "55", "upload_url": "https://collector.example.net/video-upload/v26.0/55"})))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let reel = ReelUpload::new(MediaSource::file(sample_mp4()));

    let error = client(&server, &timer)
        .publish_reel(&reel)
        .await
        .expect_err("foreign host");

    assert!(
        error
            .to_string()
            .contains("not below a configured Graph host"),
        "{error}"
    );
}

#[tokio::test]
async fn resumable_upload_resumes_from_file_offset() {
    let fake = FakeGraph::start().await;
    Mock::given(method("POST"))
        .and(path_regex("^/graph/v26.0/upload:[0-9]+$"))
        .respond_with(html_error(502))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(fake.server())
        .await;
    let timer = Arc::new(ManualTimer::new());
    let upload = VideoUpload::new(MediaSource::file(sample_mp4()))
        .details(VideoDetails::new().title("Resumable"));

    let video = fake_client(&fake, &timer)
        .upload_video_resumable(&upload)
        .await
        .expect("uploaded");

    assert_eq!(fake.video_bytes(&video.video_id), Some(mp4_bytes()));
    assert_eq!(fake.request_count("GET", "/graph/v26.0/upload:").await, 0);
    let offset_reads = fake
        .server()
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.method.as_str() == "GET" && r.url.path().contains("upload:"))
        .count();
    assert_eq!(offset_reads, 1);
}

#[tokio::test]
async fn bad_video_input_rejected_before_request() {
    let server = MockServer::start().await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = client(&server, &timer);
    let jpeg = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets/media/sample.jpg");
    let cases = [
        VideoUpload::new(MediaSource::file(&jpeg)),
        VideoUpload::new(MediaSource::file("/nonexistent/clip.mp4")),
        VideoUpload::new(MediaSource::bytes(Vec::new(), Some("empty.mp4"))),
    ];

    for upload in cases {
        let error = client.upload_video(&upload).await.expect_err("rejected");

        assert!(
            matches!(&error, Error::InvalidInput(i) if i.field() == "video"),
            "{error}"
        );
    }
    let resumable = client
        .upload_video_resumable(&VideoUpload::new(MediaSource::file(sample_mp4())))
        .await
        .expect_err("no app id");
    assert!(
        matches!(&resumable, Error::InvalidInput(i) if i.field() == "app_id"),
        "{resumable}"
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
async fn session_survives_restart_unless_file_changed() {
    let fake = FakeGraph::start().await;
    let timer = Arc::new(ManualTimer::new());
    let client = fake_client(&fake, &timer);
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = dir.path().join("clip.mp4");
    std::fs::copy(sample_mp4(), &copy).expect("copy");
    let source = MediaSource::file(&copy);

    let session = client.start_video_session(&source).await.expect("session");
    let saved = serde_json::to_string(&session).expect("serialize");
    let mut restored: facebook_sdk::VideoSession = serde_json::from_str(&saved).expect("restore");
    std::fs::write(&copy, b"changed").expect("rewrite");
    let error = client
        .transfer_video(&mut restored, &source, None)
        .await
        .expect_err("file changed");

    assert_eq!(restored, session);
    assert!(
        matches!(&error, Error::InvalidInput(i) if i.field() == "video"),
        "{error}"
    );
}

/// Mounts `upload_phase=start` for a 300-byte file, responding with the
/// range 0..100 (strings, as Graph sends them).
async fn mount_start_300(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(video_path(&format!("{PAGE_ID}/videos"))))
        .and(body_has("upload_phase=start&file_size=300".to_owned()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "video_id": "1096187423487612", "upload_session_id": "2847219341231441",
            "start_offset": "0", "end_offset": "100"})))
        .expect(1)
        .mount(server)
        .await;
}

/// Mounts the transfers of the 300-byte session, handled by `respond`.
async fn mount_transfers(
    server: &MockServer,
    respond: impl wiremock::Respond + 'static,
    times: u64,
) {
    Mock::given(method("POST"))
        .and(path(video_path(&format!("{PAGE_ID}/videos"))))
        .and(body_has(field("upload_phase", "transfer")))
        .and(body_has(field("upload_session_id", "2847219341231441")))
        .respond_with(respond)
        .expect(times)
        .mount(server)
        .await;
}

/// Writes a 300-byte MP4-like file and returns its path.
fn video_file(dir: &tempfile::TempDir) -> PathBuf {
    let path = dir.path().join("clip.mp4");
    std::fs::write(&path, mp4_like(300)).expect("write");
    path
}

fn offsets(start: u64, end: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        serde_json::json!({"start_offset": start.to_string(), "end_offset": end.to_string()}),
    )
}

fn range_error_text(error: &Error) -> String {
    match error {
        Error::UnexpectedResponse(inner) => inner.snippet().to_owned(),
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn chunk_offsets_swinging_back_stop() {
    let server = MockServer::start().await;
    mount_start_300(&server).await;
    let responses = std::sync::atomic::AtomicUsize::new(0);
    // Forward to 100, back to 0, forward to 100 again, back again: the
    // server never passes offset 100. After 8 responses it fails the chunk,
    // so a client that keeps going still ends instead of looping.
    let swing = move |_: &Request| {
        let count = responses.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        match count {
            8.. => ResponseTemplate::new(400).set_body_json(serde_json::json!({"error": {
                "message": "stop", "type": "OAuthException", "code": 100}})),
            n if n % 2 == 0 => offsets(100, 200),
            _ => offsets(0, 100),
        }
    };
    mount_transfers(&server, swing, 4).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let dir = tempfile::tempdir().expect("tempdir");
    let upload = VideoUpload::new(MediaSource::file(video_file(&dir))).skip_processing_wait();

    let error = client(&server, &timer)
        .upload_video(&upload)
        .await
        .expect_err("no progress");

    assert!(
        range_error_text(&error).contains("without passing offset 100"),
        "{error}"
    );
}

#[tokio::test]
async fn chunk_offset_past_sent_bytes_rejected() {
    let server = MockServer::start().await;
    mount_start_300(&server).await;
    mount_transfers(&server, offsets(300, 300), 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let dir = tempfile::tempdir().expect("tempdir");
    let upload = VideoUpload::new(MediaSource::file(video_file(&dir))).skip_processing_wait();

    let error = client(&server, &timer)
        .upload_video(&upload)
        .await
        .expect_err("bytes 100..300 were never sent");

    assert!(range_error_text(&error).contains("never sent"), "{error}");
}

#[tokio::test]
async fn chunk_error_data_past_chunk_rejected() {
    let server = MockServer::start().await;
    mount_start_300(&server).await;
    let failed = ResponseTemplate::new(400).set_body_json(serde_json::json!({"error": {
        "message": "There was a problem uploading your video file.", "type": "OAuthException",
        "code": 6001, "error_subcode": 1363037,
        "error_data": {"start_offset": "18446744073709551615"}, "fbtrace_id": "TRACE"}}));
    mount_transfers(&server, failed, 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let dir = tempfile::tempdir().expect("tempdir");
    let upload = VideoUpload::new(MediaSource::file(video_file(&dir))).skip_processing_wait();

    let error = client(&server, &timer)
        .upload_video(&upload)
        .await
        .expect_err("offset past the chunk");

    assert!(
        range_error_text(&error).contains("past the end of the chunk"),
        "{error}"
    );
}

#[tokio::test]
async fn file_changed_during_chunked_upload_rejected() {
    let server = MockServer::start().await;
    mount_start_300(&server).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = video_file(&dir);
    let grow = file.clone();
    // The file grows while the first chunk is in flight.
    let respond = move |_: &Request| {
        let mut bytes = std::fs::read(&grow).expect("read");
        bytes.push(0);
        std::fs::write(&grow, bytes).expect("rewrite");
        offsets(100, 200)
    };
    mount_transfers(&server, respond, 1).await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let upload = VideoUpload::new(MediaSource::file(&file)).skip_processing_wait();

    let error = client(&server, &timer)
        .upload_video(&upload)
        .await
        .expect_err("file changed");

    assert!(
        matches!(&error, Error::InvalidInput(i) if i.field() == "video"),
        "{error}"
    );
    assert!(error.to_string().contains("changed"), "{error}");
}

/// Mounts a resumable session whose single upload attempt is answered by
/// `upload` and whose offset read returns `offset_body`.
async fn mount_resumable(
    server: &MockServer,
    upload: impl wiremock::Respond + 'static,
    offset_body: &str,
) {
    Mock::given(method("POST"))
        .and(path(graph_path("5550001/uploads")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "upload:abc"})),
        )
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(graph_path("upload:abc")))
        .respond_with(upload)
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(graph_path("upload:abc")))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(offset_body.to_owned(), "application/json"),
        )
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn resumable_offset_past_file_rejected() {
    let server = MockServer::start().await;
    mount_resumable(
        &server,
        html_error(502),
        r#"{"id":"upload:abc","file_offset":18446744073709551615}"#,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = builder(&server, &timer)
        .app_id("5550001")
        .build()
        .expect("client");
    let upload = VideoUpload::new(MediaSource::bytes(mp4_like(300), Some("clip.mp4")));

    let error = client
        .upload_video_resumable(&upload)
        .await
        .expect_err("offset past the file");

    assert!(
        range_error_text(&error).contains("18446744073709551615 bytes received of a 300-byte file"),
        "{error}"
    );
}

#[tokio::test]
async fn file_changed_during_resumable_upload_rejected() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = video_file(&dir);
    let grow = file.clone();
    // The file grows while the first attempt is in flight, which then fails.
    let upload_fails = move |_: &Request| {
        std::fs::write(&grow, mp4_like(301)).expect("rewrite");
        html_error(502)
    };
    mount_resumable(
        &server,
        upload_fails,
        r#"{"id":"upload:abc","file_offset":100}"#,
    )
    .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = builder(&server, &timer)
        .app_id("5550001")
        .build()
        .expect("client");

    let error = client
        .upload_video_resumable(&VideoUpload::new(MediaSource::file(&file)))
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

#[tokio::test]
async fn reel_offset_past_file_rejected() {
    let server = MockServer::start().await;
    let upload_url = format!("{}/rupload/video-upload/v26.0/55", server.uri());
    Mock::given(method("POST"))
        .and(path(graph_path(&format!("{PAGE_ID}/video_reels"))))
        .and(body_has("upload_phase=start".to_owned()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"video_id": "55", "upload_url": upload_url})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rupload/video-upload/v26.0/55"))
        .respond_with(html_error(503))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(graph_path("55")))
        .and(query_param("fields", "status"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"status": {
            "video_status": "upload_in_progress",
            "uploading_phase": {"status": "in_progress", "bytes_transfered": "1000000"}}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let reel = ReelUpload::new(MediaSource::bytes(mp4_like(300), Some("clip.mp4")));

    let error = client(&server, &timer)
        .publish_reel(&reel)
        .await
        .expect_err("offset past the file");

    assert!(
        range_error_text(&error).contains("1000000 bytes received of a 300-byte file"),
        "{error}"
    );
}

#[tokio::test]
async fn control_characters_in_video_text_rejected() {
    let server = MockServer::start().await;
    catch_all(&server).await;
    let timer = Arc::new(ManualTimer::new());
    let client = client(&server, &timer);
    let source = || MediaSource::bytes(mp4_like(300), Some("clip.mp4"));

    let title = client
        .upload_video(&VideoUpload::new(source()).details(VideoDetails::new().title("a\u{0}b")))
        .await
        .expect_err("NUL in title");
    let description = client
        .upload_video(
            &VideoUpload::new(source()).details(VideoDetails::new().description("bell \u{7}")),
        )
        .await
        .expect_err("BEL in description");
    let reel = client
        .publish_reel(&ReelUpload::new(source()).description("esc \u{1b}"))
        .await
        .expect_err("ESC in reel description");

    for (error, field) in [
        (title, "title"),
        (description, "description"),
        (reel, "description"),
    ] {
        assert!(
            matches!(&error, Error::InvalidInput(i) if i.field() == field),
            "{field}: {error}"
        );
    }
}

/// Returns `len` bytes that start with an MP4 `ftyp` box, so type detection
/// finds a video.
fn mp4_like(len: usize) -> Vec<u8> {
    let mut bytes = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    bytes.resize(len, 7);
    bytes
}
