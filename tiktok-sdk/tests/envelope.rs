//! Reading TikTok's responses: the envelope, its error codes, and bodies
//! that are not envelopes at all (HTML pages, text, empty, cut off).

#[path = "support/harness.rs"]
mod harness;

use harness::{CREATOR_INFO, STATUS, VIDEO_INIT, catch_all, json_call, json_fixture, raw_fixture};
use social_core::testing::{RawAction, RawServer};
use social_core::{Delivery, Error, ErrorKind, MediaSource, UnexpectedBody};
use tiktok_sdk::{CreatorInfo, PostInfo, PrivacyLevel};
use wiremock::MockServer;
use wiremock::matchers::body_json;

fn self_only_creator() -> CreatorInfo {
    CreatorInfo::new(vec![PrivacyLevel::SelfOnly])
}

#[tokio::test]
async fn html_error_page_on_creator_info_retried() {
    let server = MockServer::start().await;
    json_call("POST", CREATOR_INFO)
        .respond_with(raw_fixture(502, "error_page_502.html", "text/html"))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    json_call("POST", CREATOR_INFO)
        .respond_with(json_fixture(200, "creator_info_public.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();

    let creator = harness::client(&server, &timer)
        .creator_info()
        .await
        .expect("second attempt");

    assert_eq!(creator.privacy_level_options.len(), 3);
    assert_eq!(timer.sleeps().len(), 1);
}

#[tokio::test]
async fn html_error_page_on_init_not_retried() {
    let server = MockServer::start().await;
    json_call("POST", VIDEO_INIT)
        .respond_with(raw_fixture(
            502,
            "error_page_502.html",
            "text/html; charset=utf-8",
        ))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let client = harness::client(&server, &timer);

    let err = client
        .direct_post(
            MediaSource::url("https://media.example.com/v/clip.mp4").expect("url"),
            PostInfo::new(PrivacyLevel::SelfOnly),
        )
        .creator_info(self_only_creator())
        .init()
        .await
        .expect_err("502 page on init");

    let Error::UnexpectedResponse(page) = &err else {
        panic!("expected an unexpected response, got {err:?}");
    };
    assert_eq!(page.body_kind(), UnexpectedBody::HtmlPage);
    assert_eq!(page.snippet(), "502 Bad Gateway");
    assert_eq!(page.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.delivery(), Some(Delivery::Unknown));
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn html_captive_portal_with_200() {
    let server = MockServer::start().await;
    json_call("POST", CREATOR_INFO)
        .respond_with(raw_fixture(200, "captive_portal.html", "text/html"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .creator_info()
        .await
        .expect_err("portal");

    assert!(
        matches!(&err, Error::UnexpectedResponse(e) if e.body_kind() == UnexpectedBody::HtmlPage)
    );
    assert!(err.to_string().contains("Hotel Wi-Fi & Login"), "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn plain_text_503_named() {
    let server = MockServer::start().await;
    json_call("POST", STATUS)
        .respond_with(raw_fixture(503, "plain_text_503.txt", "text/plain"))
        .expect(4)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .fetch_status("v_pub_file~v2-1.1")
        .await
        .expect_err("text every time");

    assert!(matches!(&err, Error::UnexpectedResponse(e) if e.body_kind() == UnexpectedBody::Text));
    assert!(err.to_string().contains("upstream connect error"), "{err}");
}

#[tokio::test]
async fn empty_body_on_success_is_unexpected() {
    let server = MockServer::start().await;
    json_call("POST", STATUS)
        .respond_with(wiremock::ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .fetch_status("v_pub_file~v2-1.1")
        .await
        .expect_err("empty");

    assert!(
        matches!(&err, Error::UnexpectedResponse(e) if e.body_kind() == UnexpectedBody::Empty),
        "{err:?}"
    );
}

#[tokio::test]
async fn truncated_json_on_init_not_retried() {
    let body = harness::fixture("truncated_envelope.json");
    let server = RawServer::start(vec![RawAction::truncated(
        200,
        "application/json",
        body.as_bytes(),
        400,
    )])
    .await
    .expect("raw server");
    let timer = harness::timer();
    let client = harness::builder(&server.url(), &timer)
        .build()
        .expect("client");

    let err = client
        .direct_post(
            MediaSource::url("https://media.example.com/clip.mp4").expect("url"),
            PostInfo::new(PrivacyLevel::SelfOnly),
        )
        .creator_info(self_only_creator())
        .init()
        .await
        .expect_err("cut off");

    assert!(
        matches!(&err, Error::UnexpectedResponse(e) if e.body_kind() == UnexpectedBody::Incomplete),
        "{err:?}"
    );
    assert_eq!(err.delivery(), Some(Delivery::Unknown));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn truncated_json_without_length_is_invalid() {
    let server = MockServer::start().await;
    json_call("POST", STATUS)
        .respond_with(json_fixture(200, "truncated_envelope.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .fetch_status("v_pub_file~v2-1.1")
        .await
        .expect_err("broken JSON");

    assert!(
        matches!(&err, Error::UnexpectedResponse(e) if e.body_kind() == UnexpectedBody::InvalidJson),
        "{err:?}"
    );
}

#[tokio::test]
async fn missing_field_named() {
    let server = MockServer::start().await;
    json_call("POST", VIDEO_INIT)
        .respond_with(harness::json_fixture_at(
            200,
            "init_missing_publish_id.json",
            &server.uri(),
        ))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .direct_post(
            MediaSource::url("https://media.example.com/clip.mp4").expect("url"),
            PostInfo::new(PrivacyLevel::SelfOnly),
        )
        .creator_info(self_only_creator())
        .init()
        .await
        .expect_err("no publish_id");

    assert!(
        matches!(&err, Error::UnexpectedResponse(e) if e.body_kind() == UnexpectedBody::MissingField)
    );
    assert!(err.to_string().contains("publish_id"), "{err}");
}

#[tokio::test]
async fn envelope_without_error_member_rejected() {
    let server = MockServer::start().await;
    json_call("POST", STATUS)
        .respond_with(json_fixture(200, "envelope_without_error.json"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let err = harness::client(&server, &harness::timer())
        .fetch_status("v_pub_file~v2-1.1")
        .await
        .expect_err("no error member means no ok code");

    assert!(
        matches!(&err, Error::UnexpectedResponse(e) if e.body_kind() == UnexpectedBody::MissingField)
    );
    assert!(err.to_string().contains("error"), "{err}");
}

#[tokio::test]
async fn platform_error_body_mapped() {
    let cases = [
        (
            401,
            "scope_not_authorized.json",
            ErrorKind::PermissionDenied,
        ),
        (400, "invalid_param.json", ErrorKind::InvalidRequest),
        (400, "invalid_params.json", ErrorKind::InvalidRequest),
        (400, "status_invalid_publish_id.json", ErrorKind::NotFound),
        (
            403,
            "init_url_ownership_unverified.json",
            ErrorKind::InvalidRequest,
        ),
        (
            403,
            "init_privacy_level_option_mismatch.json",
            ErrorKind::InvalidRequest,
        ),
    ];
    for (status, name, kind) in cases {
        let server = MockServer::start().await;
        json_call("POST", STATUS)
            .and(body_json(
                serde_json::json!({"publish_id": "v_pub_file~v2-1.1"}),
            ))
            .respond_with(json_fixture(status, name))
            .mount(&server)
            .await;
        catch_all(&server).await;
        let expected: serde_json::Value =
            serde_json::from_str(&harness::fixture(name)).expect("fixture");

        let err = harness::client(&server, &harness::timer())
            .fetch_status("v_pub_file~v2-1.1")
            .await
            .expect_err(name);

        let api = err.as_api().unwrap_or_else(|| panic!("{name}: {err:?}"));
        assert_eq!(api.kind(), kind, "{name}");
        assert_eq!(api.code(), expected["error"]["code"].as_str(), "{name}");
        assert_eq!(
            api.request_id(),
            expected["error"]["log_id"].as_str(),
            "{name}"
        );
        assert!(
            api.message()
                .starts_with(expected["error"]["message"].as_str().unwrap_or("?")),
            "{name}"
        );
        assert_eq!(api.status().map(|s| s.as_u16()), Some(status), "{name}");
    }
}

#[tokio::test]
async fn error_code_on_200_is_error() {
    let server = MockServer::start().await;
    json_call("POST", CREATOR_INFO)
        .respond_with(json_fixture(
            200,
            "creator_info_spam_risk_too_many_posts.json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();

    let err = harness::client(&server, &timer)
        .creator_info()
        .await
        .expect_err("cap on 200");

    assert_eq!(err.kind(), ErrorKind::QuotaExceeded);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert!(!err.is_retryable());
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn ids_above_2_pow_53_kept_exact() {
    let server = MockServer::start().await;
    json_call("POST", STATUS)
        .respond_with(json_fixture(200, "status_publish_complete_ids.json"))
        .expect(1)
        .mount(&server)
        .await;
    json_call("POST", STATUS)
        .and(body_json(serde_json::json!({"publish_id": "other"})))
        .respond_with(json_fixture(
            200,
            "status_publish_complete_correct_spelling.json",
        ))
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = harness::client(&server, &harness::timer());

    let misspelled = client
        .fetch_status("v_pub_file~v2-1.1")
        .await
        .expect("status");
    let corrected = client.fetch_status("other").await.expect("status");

    assert_eq!(
        misspelled.public_post_ids,
        vec!["7345678901234567891", "7345678901234567892"]
    );
    assert_eq!(corrected.public_post_ids, vec!["7345678901234567893"]);
}
