//! The chunk transfer: interrupted chunks, 5xx, 416 re-sync, expired upload
//! URLs, and resuming a stored session.

#[path = "support/harness.rs"]
mod harness;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use harness::{VIDEO_INIT, catch_all, json_call, json_fixture_at};
use social_core::http::Method;
use social_core::testing::{FaultFront, FaultRule, ManualTimer};
use social_core::{Error, ErrorKind, MediaSource, ProgressCallback, UnexpectedBody};
use tiktok_sdk::testing::FakeTikTok;
use tiktok_sdk::{
    Client, CreatorInfo, PostInfo, PrivacyLevel, StartedPost, UPLOAD_URL_EXPIRED, UploadSession,
};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Chunk size of the tests: the smallest TikTok takes.
const CHUNK: u64 = 5_242_880;
/// A file of three chunks, the last one longer.
const SIZE: usize = 16_000_000;

fn received_range(bytes: u64) -> String {
    format!("bytes 0-{}/{SIZE}", bytes - 1)
}

fn range(start: u64, len: u64) -> String {
    format!("bytes {start}-{}/{SIZE}", start + len - 1)
}

/// The plan of a [`SIZE`]-byte file: (start, len) of each chunk.
const CHUNKS: [(u64, u64); 3] = [
    (0, CHUNK),
    (CHUNK, CHUNK),
    (2 * CHUNK, SIZE as u64 - 2 * CHUNK),
];

async fn start_post(
    server: &MockServer,
    timer: &Arc<ManualTimer>,
    video: &Path,
) -> (Client, StartedPost) {
    json_call("POST", VIDEO_INIT)
        .respond_with(json_fixture_at(
            200,
            "video_init_file_upload.json",
            &server.uri(),
        ))
        .expect(1)
        .mount(server)
        .await;
    let client = harness::client(server, timer);
    let started = client
        .direct_post(
            MediaSource::file(video),
            PostInfo::new(PrivacyLevel::SelfOnly),
        )
        .creator_info(CreatorInfo::new(vec![PrivacyLevel::SelfOnly]))
        .chunk_size(CHUNK)
        .init()
        .await
        .expect("initialized");
    (client, started)
}

fn chunk_put(index: usize) -> wiremock::MockBuilder {
    let (start, len) = CHUNKS[index];
    Mock::given(method("PUT"))
        .and(path("/video/"))
        .and(header("content-range", range(start, len).as_str()))
        .and(header("content-length", len.to_string().as_str()))
}

fn session(started: &mut StartedPost) -> &mut UploadSession {
    started.upload_mut().expect("FILE_UPLOAD has an upload")
}

#[tokio::test]
async fn upload_interrupted_mid_chunk_resumes() {
    let fake = FakeTikTok::builder().processing_polls(0).start().await;
    let front = Arc::new(FaultFront::start(&fake.uri()).await.expect("front"));
    fake.route_uploads_through(&front.url());
    let dir = tempfile::tempdir().expect("tempdir");
    let video = harness::mp4_file(dir.path(), "clip.mp4", SIZE);
    let progress = {
        let front = front.clone();
        ProgressCallback::new(move |p| {
            // Once the first chunk is in, drop the connection of the next one.
            if p.uploaded == CHUNK {
                front.add_rule(FaultRule::drop_connection(Method::PUT, "/upload/video/", 1));
            }
        })
    };
    let client = fake
        .client_builder()
        .http_settings(harness::settings())
        .timer(harness::timer())
        .build()
        .expect("client");

    let outcome = client
        .direct_post(
            MediaSource::file(&video),
            PostInfo::new(PrivacyLevel::SelfOnly),
        )
        .chunk_size(CHUNK)
        .progress(progress)
        .send()
        .await
        .expect("posted despite the dropped connection");

    assert_eq!(front.dropped(), 1);
    assert_eq!(
        fake.received_bytes(&outcome.publish_id),
        Some(std::fs::read(&video).expect("read"))
    );
    assert_eq!(
        fake.counts().chunk_puts,
        3,
        "the dropped chunk never reached the fake"
    );
    assert_eq!(fake.counts().init, 1);
}

#[tokio::test]
async fn server_error_on_chunk_resends_same_chunk() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let video = harness::mp4_file(dir.path(), "clip.mp4", SIZE);
    chunk_put(0)
        .respond_with(
            ResponseTemplate::new(206).insert_header("content-range", received_range(CHUNK)),
        )
        .expect(1)
        .mount(&server)
        .await;
    chunk_put(1)
        .respond_with(
            ResponseTemplate::new(503).insert_header("content-range", received_range(CHUNK)),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    chunk_put(1)
        .respond_with(
            ResponseTemplate::new(206).insert_header("content-range", received_range(2 * CHUNK)),
        )
        .expect(1)
        .mount(&server)
        .await;
    chunk_put(2)
        .respond_with(
            ResponseTemplate::new(201).insert_header("content-range", received_range(SIZE as u64)),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let (client, mut started) = start_post(&server, &timer, &video).await;

    client
        .upload(session(&mut started), &MediaSource::file(&video), None)
        .await
        .expect("uploaded");

    assert!(session(&mut started).is_complete());
    assert_eq!(timer.sleeps().len(), 1, "one backoff before the repeat");
}

#[tokio::test]
async fn range_mismatch_resyncs_forward() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let video = harness::mp4_file(dir.path(), "clip.mp4", SIZE);
    // TikTok already has chunk 1 (its response to an earlier send was lost).
    chunk_put(0)
        .respond_with(
            ResponseTemplate::new(206).insert_header("content-range", received_range(CHUNK)),
        )
        .expect(1)
        .mount(&server)
        .await;
    chunk_put(1)
        .respond_with(
            ResponseTemplate::new(416).insert_header("content-range", received_range(2 * CHUNK)),
        )
        .expect(1)
        .mount(&server)
        .await;
    chunk_put(2)
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let (client, mut started) = start_post(&server, &timer, &video).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let progress = {
        let seen = seen.clone();
        ProgressCallback::new(move |p| seen.lock().expect("lock").push(p.uploaded))
    };

    client
        .upload(
            session(&mut started),
            &MediaSource::file(&video),
            Some(&progress),
        )
        .await
        .expect("uploaded");

    assert_eq!(
        *seen.lock().expect("lock"),
        vec![CHUNK, 2 * CHUNK, SIZE as u64]
    );
}

#[tokio::test]
async fn range_mismatch_resyncs_backward() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let video = harness::mp4_file(dir.path(), "clip.mp4", SIZE);
    // TikTok confirmed chunk 1 but lost it; the next chunk shows the gap.
    chunk_put(0)
        .respond_with(
            ResponseTemplate::new(206).insert_header("content-range", received_range(CHUNK)),
        )
        .expect(1)
        .mount(&server)
        .await;
    chunk_put(1)
        .respond_with(ResponseTemplate::new(206))
        .expect(2)
        .mount(&server)
        .await;
    chunk_put(2)
        .respond_with(
            ResponseTemplate::new(416).insert_header("content-range", received_range(CHUNK)),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    chunk_put(2)
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let (client, mut started) = start_post(&server, &timer, &video).await;

    client
        .upload(session(&mut started), &MediaSource::file(&video), None)
        .await
        .expect("uploaded");

    assert!(session(&mut started).is_complete());
}

#[tokio::test]
async fn upload_url_expired_not_reinitialized() {
    for status in [403, 404] {
        let server = MockServer::start().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let video = harness::mp4_file(dir.path(), "clip.mp4", SIZE);
        chunk_put(0)
            .respond_with(ResponseTemplate::new(status))
            .expect(1)
            .mount(&server)
            .await;
        catch_all(&server).await;
        let timer = harness::timer();
        let (client, mut started) = start_post(&server, &timer, &video).await;

        let err = client
            .upload(session(&mut started), &MediaSource::file(&video), None)
            .await
            .expect_err("expired");

        assert_eq!(err.kind(), ErrorKind::NotFound, "{status}");
        assert_eq!(
            err.as_api().and_then(|a| a.code()),
            Some(UPLOAD_URL_EXPIRED),
            "{status}"
        );
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        let message = err.to_string();
        assert!(message.contains("new init creates a new post"), "{message}");
        assert!(message.contains(started.publish_id()), "{message}");
        assert!(timer.sleeps().is_empty(), "{status}: not retried");
    }
}

#[tokio::test]
async fn stored_session_resumes_after_restart() {
    let fake = FakeTikTok::builder()
        .fail_chunk(1, 503, 5)
        .processing_polls(0)
        .start()
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let video = harness::mp4_file(dir.path(), "clip.mp4", SIZE);
    let timer = harness::timer();
    let client = fake
        .client_builder()
        .http_settings(harness::settings())
        .timer(timer.clone())
        .build()
        .expect("client");
    let mut started = client
        .direct_post(
            MediaSource::file(&video),
            PostInfo::new(PrivacyLevel::SelfOnly),
        )
        .chunk_size(CHUNK)
        .init()
        .await
        .expect("init");
    let first = client
        .upload(session(&mut started), &MediaSource::file(&video), None)
        .await;
    let stored = serde_json::to_string(&started).expect("serialize");

    let mut restored: StartedPost = serde_json::from_str(&stored).expect("deserialize");
    let restarted = fake
        .client_builder()
        .http_settings(harness::settings())
        .timer(timer)
        .build()
        .expect("client");
    restarted
        .upload(session(&mut restored), &MediaSource::file(&video), None)
        .await
        .expect("resumed");
    let outcome = restarted
        .wait_for_publish(restored.publish_id())
        .await
        .expect("published");

    assert!(
        first.is_err(),
        "five 503s exhaust the default five attempts"
    );
    assert_eq!(
        restored.upload().map(UploadSession::uploaded),
        Some(SIZE as u64)
    );
    assert_eq!(
        fake.received_bytes(&outcome.publish_id),
        Some(std::fs::read(&video).expect("read"))
    );
    assert_eq!(fake.counts().chunk_puts, 1 + 5 + 2);
    assert_eq!(fake.counts().init, 1);
}

#[tokio::test]
async fn session_older_than_hour_rejected() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let video = harness::mp4_file(dir.path(), "clip.mp4", SIZE);
    catch_all(&server).await;
    let timer = harness::timer();
    let (client, mut started) = start_post(&server, &timer, &video).await;
    timer.advance(Duration::from_secs(3601));

    let err = client
        .upload(session(&mut started), &MediaSource::file(&video), None)
        .await
        .expect_err("expired");

    assert_eq!(
        err.as_api().and_then(|a| a.code()),
        Some(UPLOAD_URL_EXPIRED)
    );
    assert_eq!(
        server.received_requests().await.map(|r| r.len()),
        Some(1),
        "only the init"
    );
}

#[tokio::test]
async fn changed_file_rejected_on_resume() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let video = harness::mp4_file(dir.path(), "clip.mp4", SIZE);
    catch_all(&server).await;
    let timer = harness::timer();
    let (client, mut started) = start_post(&server, &timer, &video).await;
    std::fs::write(&video, harness::mp4_bytes(SIZE + 1)).expect("rewrite");

    let err = client
        .upload(session(&mut started), &MediaSource::file(&video), None)
        .await
        .expect_err("changed");

    assert!(
        matches!(&err, Error::InvalidInput(i) if i.field() == "video"),
        "{err:?}"
    );
}

#[tokio::test]
async fn unexpected_chunk_status_is_protocol_error() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let video = harness::mp4_file(dir.path(), "clip.mp4", SIZE);
    chunk_put(0)
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let (client, mut started) = start_post(&server, &timer, &video).await;

    let err = client
        .upload(session(&mut started), &MediaSource::file(&video), None)
        .await
        .expect_err("200");

    assert!(
        matches!(&err, Error::UnexpectedResponse(e) if e.body_kind() == UnexpectedBody::UnexpectedStatus)
    );
    assert!(
        err.to_string().contains("expected 206, 201 or 416"),
        "{err}"
    );
}

#[tokio::test]
async fn range_mismatch_without_header_is_protocol_error() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let video = harness::mp4_file(dir.path(), "clip.mp4", SIZE);
    chunk_put(0)
        .respond_with(ResponseTemplate::new(416))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let (client, mut started) = start_post(&server, &timer, &video).await;

    let err = client
        .upload(session(&mut started), &MediaSource::file(&video), None)
        .await
        .expect_err("416");

    assert!(err.to_string().contains("without a Content-Range"), "{err}");
}

#[tokio::test]
async fn stalled_upload_gives_up() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let video = harness::mp4_file(dir.path(), "clip.mp4", SIZE);
    chunk_put(0)
        .respond_with(
            ResponseTemplate::new(206).insert_header("content-range", received_range(CHUNK)),
        )
        .expect(1)
        .mount(&server)
        .await;
    chunk_put(1)
        .respond_with(
            ResponseTemplate::new(416).insert_header("content-range", received_range(CHUNK)),
        )
        .expect(3)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let (client, mut started) = start_post(&server, &timer, &video).await;

    let err = client
        .upload(session(&mut started), &MediaSource::file(&video), None)
        .await
        .expect_err("stalled");

    assert!(err.to_string().contains("stayed at 5242880"), "{err}");
}

#[tokio::test]
async fn misaligned_range_is_protocol_error() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let video = harness::mp4_file(dir.path(), "clip.mp4", SIZE);
    chunk_put(0)
        .respond_with(
            ResponseTemplate::new(206).insert_header("content-range", received_range(1000)),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let (client, mut started) = start_post(&server, &timer, &video).await;

    let err = client
        .upload(session(&mut started), &MediaSource::file(&video), None)
        .await
        .expect_err("odd offset");

    assert!(
        err.to_string()
            .contains("not where a chunk of the plan starts"),
        "{err}"
    );
}

/// The first chunk is confirmed; the second gets 416 saying nothing was
/// received, and the first again gets 206. Moving back and forth is no
/// progress, so the upload gives up.
#[tokio::test]
async fn oscillating_content_range_gives_up() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let video = harness::mp4_file(dir.path(), "clip.mp4", SIZE);
    chunk_put(0)
        .respond_with(
            ResponseTemplate::new(206).insert_header("content-range", received_range(CHUNK)),
        )
        .expect(3)
        .mount(&server)
        .await;
    chunk_put(1)
        .respond_with(
            ResponseTemplate::new(416).insert_header("content-range", format!("bytes */{SIZE}")),
        )
        .expect(3)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let (client, mut started) = start_post(&server, &timer, &video).await;

    let source = MediaSource::file(&video);
    let upload = client.upload(session(&mut started), &source, None);
    let err = tokio::time::timeout(Duration::from_secs(5), upload)
        .await
        .expect("the upload loop ends")
        .expect_err("no progress");

    assert!(
        matches!(&err, Error::UnexpectedResponse(e) if e.body_kind() == UnexpectedBody::UnexpectedStatus),
        "{err}"
    );
    assert!(err.to_string().contains("no further or back"), "{err}");
}

/// The file is rewritten (same size, new modification time) once TikTok
/// confirms the first chunk: the next chunk is not sent.
#[tokio::test]
async fn changed_file_stops_upload() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let video = harness::mp4_file(dir.path(), "clip.mp4", SIZE);
    chunk_put(0)
        .respond_with(
            ResponseTemplate::new(206).insert_header("content-range", received_range(CHUNK)),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let (client, mut started) = start_post(&server, &timer, &video).await;
    let target = video.clone();
    let rewrite = ProgressCallback::new(move |p| {
        if p.uploaded == CHUNK {
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

    let err = client
        .upload(
            session(&mut started),
            &MediaSource::file(&video),
            Some(&rewrite),
        )
        .await
        .expect_err("changed");

    assert!(
        matches!(&err, Error::InvalidInput(i) if i.field() == "video"),
        "{err}"
    );
    assert!(
        err.to_string().contains("changed during the upload"),
        "{err}"
    );
}

/// A stored session that records more bytes than the video has, or an
/// issue time the clock cannot add an hour to, is an error, not a panic.
#[tokio::test]
async fn damaged_stored_session_rejected() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let video = harness::mp4_file(dir.path(), "clip.mp4", SIZE);
    catch_all(&server).await;
    let timer = harness::timer();
    let (client, started) = start_post(&server, &timer, &video).await;
    let stored = serde_json::to_value(&started).expect("serialize");
    let mut past_end = stored.clone();
    past_end["upload"]["uploaded"] = serde_json::json!(SIZE + 1);
    let mut far_future = stored.clone();
    far_future["upload"]["issued_at"] = serde_json::json!({"secs_since_epoch": 9_223_372_036_854_775_000u64, "nanos_since_epoch": 0});

    let mut past_end: StartedPost = serde_json::from_value(past_end).expect("deserialize");
    let far_future: StartedPost = serde_json::from_value(far_future).expect("deserialize");
    let err = client
        .upload(session(&mut past_end), &MediaSource::file(&video), None)
        .await
        .expect_err("damaged");
    let expires_at = far_future.upload().expect("upload").expires_at();

    assert!(
        matches!(&err, Error::InvalidInput(i) if i.field() == "upload_session"),
        "{err}"
    );
    assert!(expires_at > std::time::SystemTime::UNIX_EPOCH);
}
