//! Status polling: final states, failures, the deadline, resuming from a
//! stored publish id, and cancel.

#[path = "support/harness.rs"]
mod harness;

use std::time::Duration;

use harness::{CANCEL, STATUS, VIDEO_INIT, catch_all, json_call, json_fixture, json_fixture_at};
use serde_json::json;
use social_core::{Error, ErrorKind, MediaSource, PollSettings};
use tiktok_sdk::{CreatorInfo, PostInfo, PostStatus, PrivacyLevel};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PUBLISH_ID: &str = "v_pub_file~v2-1.7301234567890123456";

fn status_call() -> wiremock::MockBuilder {
    json_call("POST", STATUS).and(body_json(json!({"publish_id": PUBLISH_ID})))
}

/// Mounts an init that returns [`PUBLISH_ID`] and a chunk endpoint that
/// takes the whole sample at once.
async fn mount_init_and_upload(server: &MockServer) {
    json_call("POST", VIDEO_INIT)
        .respond_with(json_fixture_at(
            200,
            "video_init_file_upload.json",
            &server.uri(),
        ))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/video/"))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(server)
        .await;
}

async fn post_sample(
    server: &MockServer,
    timer: &std::sync::Arc<social_core::testing::ManualTimer>,
) -> Result<tiktok_sdk::PublishOutcome, Error> {
    harness::client(server, timer)
        .direct_post(
            MediaSource::file(harness::asset("sample.mp4")),
            PostInfo::new(PrivacyLevel::SelfOnly),
        )
        .creator_info(CreatorInfo::new(vec![PrivacyLevel::SelfOnly]))
        .send()
        .await
}

#[tokio::test]
async fn processing_past_deadline_times_out() {
    let server = MockServer::start().await;
    mount_init_and_upload(&server).await;
    status_call()
        .respond_with(json_fixture(200, "status_processing_upload.json"))
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();

    let err = post_sample(&server, &timer)
        .await
        .expect_err("never finishes");

    let Error::Timeout(timeout) = &err else {
        panic!("expected a timeout, got {err:?}");
    };
    assert_eq!(timeout.id(), PUBLISH_ID);
    assert_eq!(timeout.last_state(), Some("PROCESSING_UPLOAD"));
    assert!(
        timeout.waited() >= Duration::from_secs(30 * 60),
        "{:?}",
        timeout.waited()
    );
    assert!(
        timeout.waited() < Duration::from_secs(32 * 60),
        "{:?}",
        timeout.waited()
    );
    assert!(timer.sleeps().iter().all(|s| *s >= Duration::from_secs(2)));
    assert!(err.to_string().contains(PUBLISH_ID), "{err}");
}

#[tokio::test]
async fn polling_resumes_from_stored_id() {
    let server = MockServer::start().await;
    mount_init_and_upload(&server).await;
    let processing = status_call()
        .respond_with(json_fixture(200, "status_processing_upload.json"))
        .named("processing")
        .mount_as_scoped(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let short = PollSettings {
        deadline: Duration::from_secs(60),
        ..PollSettings::default()
    };
    let client = harness::builder(&server.uri(), &timer)
        .poll_settings(short)
        .build()
        .expect("client");
    let err = client
        .direct_post(
            MediaSource::file(harness::asset("sample.mp4")),
            PostInfo::new(PrivacyLevel::SelfOnly),
        )
        .creator_info(CreatorInfo::new(vec![PrivacyLevel::SelfOnly]))
        .send()
        .await
        .expect_err("deadline of a minute");
    let Error::Timeout(timeout) = err else {
        panic!("expected a timeout");
    };
    drop(processing);
    status_call()
        .respond_with(json_fixture(200, "status_publish_complete_no_id.json"))
        .expect(1)
        .mount(&server)
        .await;

    let outcome = client
        .wait_for_publish(timeout.id())
        .await
        .expect("finished later");

    assert_eq!(outcome.status, PostStatus::PublishComplete);
    assert_eq!(outcome.publish_id, PUBLISH_ID);
    assert_eq!(outcome.post_id(), None);
}

#[tokio::test]
async fn failed_frame_rate_is_processing_error() {
    let server = MockServer::start().await;
    mount_init_and_upload(&server).await;
    status_call()
        .respond_with(json_fixture(200, "status_failed_frame_rate.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = post_sample(&server, &harness::timer())
        .await
        .expect_err("failed");

    let Error::Processing(failure) = &err else {
        panic!("expected a processing error, got {err:?}");
    };
    assert_eq!(failure.id(), PUBLISH_ID);
    assert_eq!(failure.state(), "FAILED");
    assert_eq!(failure.code(), Some("frame_rate_check_failed"));
    assert!(failure.reason().is_some_and(|r| r.contains("23-60 FPS")));
    assert!(!failure.is_retryable());
}

#[tokio::test]
async fn failed_internal_is_retryable() {
    let server = MockServer::start().await;
    status_call()
        .respond_with(json_fixture(200, "status_failed_internal.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .wait_for_publish(PUBLISH_ID)
        .await
        .expect_err("failed");

    assert!(matches!(&err, Error::Processing(p) if p.code() == Some("internal")));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn unknown_status_kept_and_polled() {
    let server = MockServer::start().await;
    status_call()
        .respond_with(json_fixture(200, "status_unknown.json"))
        .up_to_n_times(2)
        .with_priority(1)
        .expect(2)
        .mount(&server)
        .await;
    status_call()
        .respond_with(json_fixture(200, "status_publish_complete_ids.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = harness::client(&server, &harness::timer());

    let first = client.fetch_status(PUBLISH_ID).await.expect("status");
    let outcome = client.wait_for_publish(PUBLISH_ID).await.expect("complete");

    assert_eq!(
        first.status,
        PostStatus::Unknown("MODERATION_QUEUED".to_owned())
    );
    assert_eq!(outcome.post_id(), Some("7345678901234567891"));
}

#[tokio::test]
async fn poll_interval_never_below_two_seconds() {
    let server = MockServer::start().await;
    status_call()
        .respond_with(json_fixture(200, "status_processing_download.json"))
        .up_to_n_times(3)
        .with_priority(1)
        .expect(3)
        .mount(&server)
        .await;
    status_call()
        .respond_with(json_fixture(200, "status_publish_complete_no_id.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let eager = PollSettings {
        initial_interval: Duration::from_millis(100),
        max_interval: Duration::from_millis(500),
        deadline: Duration::from_secs(600),
    };

    harness::client(&server, &timer)
        .wait_for_publish_with(PUBLISH_ID, eager)
        .await
        .expect("complete");

    assert_eq!(timer.sleeps(), vec![Duration::from_secs(2); 3]);
}

#[tokio::test]
async fn backoff_doubles_to_max_interval() {
    let server = MockServer::start().await;
    status_call()
        .respond_with(json_fixture(200, "status_processing_upload.json"))
        .up_to_n_times(5)
        .with_priority(1)
        .mount(&server)
        .await;
    status_call()
        .respond_with(json_fixture(200, "status_publish_complete_no_id.json"))
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let settings = PollSettings {
        initial_interval: Duration::from_secs(2),
        max_interval: Duration::from_secs(10),
        deadline: Duration::from_secs(600),
    };

    harness::client(&server, &timer)
        .wait_for_publish_with(PUBLISH_ID, settings)
        .await
        .expect("complete");

    let seconds: Vec<u64> = timer.sleeps().iter().map(Duration::as_secs).collect();
    assert_eq!(seconds, vec![2, 4, 8, 10, 10]);
}

#[tokio::test]
async fn transient_status_errors_polled_on() {
    let server = MockServer::start().await;
    status_call()
        .respond_with(json_fixture(500, "internal_error.json"))
        .up_to_n_times(5)
        .with_priority(1)
        .expect(5)
        .mount(&server)
        .await;
    status_call()
        .respond_with(json_fixture(200, "status_publish_complete_no_id.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let outcome = harness::client(&server, &harness::timer())
        .wait_for_publish(PUBLISH_ID)
        .await
        .expect("complete after five failures");

    assert_eq!(outcome.status, PostStatus::PublishComplete);
}

#[tokio::test]
async fn invalid_publish_id_stops_polling() {
    let server = MockServer::start().await;
    status_call()
        .respond_with(json_fixture(400, "status_invalid_publish_id.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .wait_for_publish(PUBLISH_ID)
        .await
        .expect_err("unknown id");

    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn default_deadline_is_thirty_minutes() {
    let client = tiktok_sdk::Client::builder()
        .access_token("act.x")
        .build()
        .expect("client");

    assert_eq!(
        client.poll_settings().deadline,
        Duration::from_secs(30 * 60)
    );
}

#[tokio::test]
async fn cancel_accepted_and_refused() {
    let server = MockServer::start().await;
    json_call("POST", CANCEL)
        .and(body_json(json!({"publish_id": "v_pub_url~v2-1.1"})))
        .respond_with(json_fixture(200, "cancel_ok.json"))
        .expect(1)
        .mount(&server)
        .await;
    json_call("POST", CANCEL)
        .and(body_json(json!({"publish_id": "v_pub_url~v2-1.2"})))
        .respond_with(json_fixture(400, "publish_not_cancellable.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = harness::client(&server, &harness::timer());

    let cancelled = client.cancel("v_pub_url~v2-1.1").await;
    let rejected = client
        .cancel("v_pub_url~v2-1.2")
        .await
        .expect_err("already final");

    assert!(cancelled.is_ok(), "{cancelled:?}");
    assert_eq!(rejected.kind(), ErrorKind::InvalidRequest);
    assert!(
        rejected.to_string().contains("publish_not_cancellable"),
        "{rejected}"
    );
}
