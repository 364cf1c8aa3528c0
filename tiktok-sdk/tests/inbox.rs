//! Inbox (draft) uploads: the init body, caps, and the final inbox status.

#[path = "support/harness.rs"]
mod harness;

use harness::{INBOX_INIT, STATUS, catch_all, json_call, json_fixture, json_fixture_at};
use serde_json::json;
use social_core::{ErrorKind, MediaSource};
use tiktok_sdk::PostStatus;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn pending_share_cap_is_quota() {
    let server = MockServer::start().await;
    json_call("POST", INBOX_INIT)
        .respond_with(json_fixture(
            403,
            "inbox_init_spam_risk_too_many_pending_share.json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();

    let err = harness::client(&server, &timer)
        .inbox_upload(MediaSource::file(harness::asset("sample.mp4")))
        .send()
        .await
        .expect_err("cap");

    assert_eq!(err.kind(), ErrorKind::QuotaExceeded);
    assert_eq!(err.request_id(), Some("LOG_ID"));
    let api = err.as_api().expect("api error");
    assert_eq!(api.code(), Some("spam_risk_too_many_pending_share"));
    assert!(
        api.message()
            .starts_with("The daily upload cap from the API is reached for the current user.")
    );
    assert!(api.message().contains("24 hours"), "{api}");
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(1));
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn other_caps_on_inbox_init() {
    let cases = [
        (
            "init_spam_risk_too_many_posts.json",
            ErrorKind::QuotaExceeded,
        ),
        (
            "init_reached_active_user_cap.json",
            ErrorKind::QuotaExceeded,
        ),
        (
            "init_spam_risk_user_banned_from_posting.json",
            ErrorKind::AccountNotEligible,
        ),
    ];
    for (name, kind) in cases {
        let server = MockServer::start().await;
        json_call("POST", INBOX_INIT)
            .respond_with(json_fixture(403, name))
            .expect(1)
            .mount(&server)
            .await;
        catch_all(&server).await;

        let err = harness::client(&server, &harness::timer())
            .inbox_upload(MediaSource::file(harness::asset("sample.mp4")))
            .send()
            .await
            .expect_err(name);

        assert_eq!(err.kind(), kind, "{name}");
        assert_eq!(
            server.received_requests().await.map(|r| r.len()),
            Some(1),
            "{name}"
        );
    }
}

#[tokio::test]
async fn inbox_flow_ends_in_inbox() {
    let server = MockServer::start().await;
    let size = std::fs::metadata(harness::asset("sample.mp4"))
        .expect("sample")
        .len();
    json_call("POST", INBOX_INIT)
        .and(body_json(json!({
            "source_info": {"source": "FILE_UPLOAD", "video_size": size, "chunk_size": size, "total_chunk_count": 1}
        })))
        .respond_with(json_fixture_at(200, "inbox_init_file_upload.json", &server.uri()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/video/"))
        .and(header(
            "content-range",
            format!("bytes 0-{}/{size}", size - 1).as_str(),
        ))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    json_call("POST", STATUS)
        .and(body_json(
            json!({"publish_id": "v_inbox_file~v2-1.7301234567890222222"}),
        ))
        .respond_with(json_fixture(200, "status_send_to_user_inbox.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let outcome = harness::client(&server, &harness::timer())
        .inbox_upload(MediaSource::file(harness::asset("sample.mp4")))
        .send()
        .await
        .expect("sent to inbox");

    assert_eq!(outcome.status, PostStatus::SendToUserInbox);
    assert_eq!(outcome.publish_id, "v_inbox_file~v2-1.7301234567890222222");
}

#[tokio::test]
async fn missing_upload_scope_is_permission() {
    let server = MockServer::start().await;
    json_call("POST", INBOX_INIT)
        .respond_with(json_fixture(401, "scope_not_authorized.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .inbox_upload(MediaSource::file(harness::asset("sample.mp4")))
        .init()
        .await
        .expect_err("scope");

    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    assert!(err.to_string().contains("video.upload"), "{err}");
}
